"""Schemas of candles, strategies and markets (contract §2.5), and the analysed dataframes'
encoding (§3.8): done column-wise with numpy and orjson, no per-row Python loop."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
import pandas as pd
from rest_framework import serializers

from api.serializers.fields import nullable
from bot_engine.config.schema import TIMEFRAMES
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.selectors.candles import BASE_COLUMNS, CandleFrame
from bot_engine.strategy.signals import TAG_COLUMNS, normalise_signals

SIGNALS = ("enter_long", "exit_long", "enter_short", "exit_short")


def timeframe_field() -> serializers.ChoiceField:
    """A timeframe the data layer knows ("5m", "1h", ...); anything else is a 422."""
    return serializers.ChoiceField(choices=TIMEFRAMES)


class PairCandlesQuery(serializers.Serializer):
    pair = serializers.CharField()
    timeframe = timeframe_field()
    limit = serializers.IntegerField(required=False, min_value=1)


class PairCandlesRequest(PairCandlesQuery):
    limit = nullable(serializers.IntegerField, min_value=1)
    columns = nullable(serializers.ListField, child=serializers.CharField())


class PairHistoryQuery(serializers.Serializer):
    pair = serializers.CharField()
    timeframe = timeframe_field()
    strategy = serializers.CharField()
    timerange = serializers.CharField(required=False)
    freqaimodel = serializers.CharField(required=False)


class PairHistoryRequest(serializers.Serializer):
    pair = serializers.CharField()
    timeframe = timeframe_field()
    timerange = nullable(serializers.CharField, allow_blank=True)  # "": all data, as Freqtrade
    strategy = serializers.CharField()
    freqaimodel = nullable(serializers.CharField)
    columns = nullable(serializers.ListField, child=serializers.CharField())
    live_mode = serializers.BooleanField(required=False, default=False)


class PairHistorySchema(serializers.Serializer):
    strategy = serializers.CharField()
    pair = serializers.CharField()
    timeframe = serializers.CharField()
    timeframe_ms = serializers.IntegerField()
    columns = serializers.ListField(child=serializers.CharField())
    all_columns = serializers.ListField(child=serializers.CharField())
    data = serializers.ListField(child=serializers.ListField())
    length = serializers.IntegerField()
    buy_signals = serializers.IntegerField()
    sell_signals = serializers.IntegerField()
    enter_long_signals = serializers.IntegerField()
    exit_long_signals = serializers.IntegerField()
    enter_short_signals = serializers.IntegerField()
    exit_short_signals = serializers.IntegerField()
    last_analyzed = serializers.CharField()
    last_analyzed_ts = serializers.IntegerField()
    data_start_ts = serializers.IntegerField()
    data_start = serializers.CharField()
    data_stop = serializers.CharField()
    data_stop_ts = serializers.IntegerField()
    annotations = nullable(serializers.ListField)


class PlotConfigQuery(serializers.Serializer):
    strategy = serializers.CharField(required=False)


class PlotConfigSchema(serializers.Serializer):
    main_plot = serializers.DictField(required=False)
    subplots = serializers.DictField(required=False)


class StrategyListSchema(serializers.Serializer):
    strategies = serializers.ListField(child=serializers.CharField())


class StrategySchema(serializers.Serializer):
    strategy = serializers.CharField()
    code = serializers.CharField()
    timeframe = nullable(serializers.CharField)
    params = serializers.ListField(child=serializers.DictField())


class AvailablePairsQuery(serializers.Serializer):
    timeframe = serializers.CharField(required=False)
    stake_currency = serializers.CharField(required=False)
    candletype = serializers.CharField(required=False)


class AvailablePairsSchema(serializers.Serializer):
    length = serializers.IntegerField()
    pairs = serializers.ListField(child=serializers.CharField())
    pair_interval = serializers.ListField(child=serializers.ListField())


class MarketsQuery(serializers.Serializer):
    base = serializers.CharField(required=False)
    quote = serializers.CharField(required=False)
    include_inactive = serializers.BooleanField(required=False, default=False)
    exchange = serializers.CharField(required=False)
    trading_mode = serializers.CharField(required=False)
    margin_mode = serializers.CharField(required=False)


class MarketsSchema(serializers.Serializer):
    markets = serializers.DictField(child=serializers.DictField())
    exchange_id = serializers.CharField()


def candles_body(result: CandleFrame) -> dict[str, Any]:
    """PairHistory (``/pair_candles``, ``/pair_history``) of an analysed frame."""
    return encode_frame(
        result.frame,
        pair=result.pair,
        timeframe=result.timeframe,
        strategy=result.strategy,
        analysed_at=result.analysed_at,
        columns=result.columns,
    )


def _iso_z(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z")


def encode_frame(
    frame: pd.DataFrame,
    *,
    pair: str,
    timeframe: str,
    strategy: str,
    analysed_at: datetime,
    columns: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The PairHistory body for an analysed ``frame`` (already trimmed to the wanted rows).

    ``data`` is pre-rendered JSON (an ``orjson.Fragment``, which the API's orjson renderer
    embeds as is): a year of 5m candles is 105,000 rows x 20+ columns, too many cells to
    build as Python objects in well under a second. NaN/inf are written as null (§0).
    """
    df = normalise_signals(frame.copy())
    all_columns = [str(c) for c in df.columns]
    if columns is not None:
        wanted = set(BASE_COLUMNS) | set(columns)
        df = df[[c for c in df.columns if str(c) in wanted]]
    # Columns are read by position: a strategy may name one 0 (an int), which is "0" on the wire
    # but not a key of the frame, and a frame may hold two columns of one name.
    names = [str(c) for c in df.columns]
    arrays = [_column_array(name, df.iloc[:, i]) for i, name in enumerate(names)]
    names.append("__date_ts")
    if "date" in df.columns and len(df):
        arrays.append(pd.to_datetime(df["date"], utc=True).array.as_unit("ms").asi8)
    else:
        arrays.append(np.zeros(len(df), dtype="int64"))
    for sig in SIGNALS:
        if sig in df.columns:
            names.append(f"_{sig}_signal_close")
            arrays.append(_signal_close(df, sig))
    counts = {}
    for sig in SIGNALS:
        counts[sig] = int(np.count_nonzero(df[sig].to_numpy() == 1)) if sig in df.columns else 0
    if "date" in df.columns and len(df):
        dates = pd.to_datetime(df["date"], utc=True)
    else:
        dates = pd.Series([], dtype="datetime64[ns, UTC]")
    start, stop = (dates.iloc[0], dates.iloc[-1]) if len(dates) else (None, None)
    return {
        "strategy": strategy,
        "pair": pair,
        "timeframe": timeframe,
        "timeframe_ms": timeframe_to_seconds(timeframe) * 1000,
        "columns": names,
        "all_columns": all_columns,
        "data": orjson.Fragment(_json_rows(arrays)),  # already JSON: a year is 100,000+ rows
        "length": len(df),
        "buy_signals": counts["enter_long"],
        "sell_signals": counts["exit_long"],
        "enter_long_signals": counts["enter_long"],
        "exit_long_signals": counts["exit_long"],
        "enter_short_signals": counts["enter_short"],
        "exit_short_signals": counts["exit_short"],
        "last_analyzed": _iso_z(analysed_at),
        "last_analyzed_ts": int(analysed_at.timestamp()),
        "data_start": str(start) if start is not None else "",
        "data_start_ts": int(start.timestamp() * 1000) if start is not None else 0,
        "data_stop": str(stop) if stop is not None else "",
        "data_stop_ts": int(stop.timestamp() * 1000) if stop is not None else 0,
        "annotations": [],
    }


def _signal_close(df: pd.DataFrame, sig: str) -> np.ndarray:
    close = df["close"].to_numpy(dtype="float64", na_value=np.nan)
    return np.where(df[sig].to_numpy() == 1, close, np.nan)


def _json_rows(arrays: list[np.ndarray]) -> str:
    """The JSON text of ``data`` (rows of the given columns), built without a Python object per
    cell: runs of same-dtype numeric columns go through orjson as one 2-D array and are split
    into per-row fragments; other columns are encoded once per distinct value; the fragments
    are then laid out row-major in one object array and joined. (Text, not bytes: str.join is
    several times faster than bytes.join over a million small pieces.)"""
    n = len(arrays[0]) if arrays else 0
    if n == 0:
        return "[]"
    cells: list[np.ndarray] = []
    i = 0
    while i < len(arrays):
        dtype = arrays[i].dtype
        if dtype.kind in "fiub":
            j = i + 1
            while j < len(arrays) and arrays[j].dtype == dtype:
                j += 1
            block = np.column_stack(arrays[i:j]) if j - i > 1 else arrays[i].reshape(-1, 1)
            text = orjson.dumps(block, option=orjson.OPT_SERIALIZE_NUMPY).decode()
            cells.append(_objects(text[2:-2].split("],["), n))
            i = j
        else:
            cells.append(_encoded_values(arrays[i]))
            i += 1
    grid = np.empty((n, 2 * len(cells) + 1), dtype=object)
    grid[:, 0] = "["
    for k, column in enumerate(cells):
        grid[:, 2 * k + 1] = column
        grid[:, 2 * k + 2] = ","
    grid[:, -1] = "],"
    return "[" + "".join(grid.ravel().tolist())[:-1] + "]"


def _objects(values: list, n: int) -> np.ndarray:
    return np.fromiter(values, dtype=object, count=n)


def _encoded_values(values: np.ndarray) -> np.ndarray:
    """JSON fragments for a non-numeric column: datetimes as "...Z" text, anything else via
    orjson, each distinct value encoded once."""
    if values.dtype.kind == "M" and np.isnat(values).any():
        text = np.datetime_as_string(values, unit="s").astype(object) + "Z"
        values = np.where(np.isnat(values), None, text)
    elif values.dtype.kind == "M":
        text = orjson.dumps(
            values.astype("datetime64[s]"),
            option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z,
        ).decode()
        return _objects(text[1:-1].split(","), len(values))
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists, dicts): encode one by one
        return _objects((_json(v) for v in values.tolist()), len(values))
    encoded = np.array([_json(v) for v in uniques.tolist()] + ["null"], dtype=object)
    return encoded[codes]  # code -1 (missing) picks the trailing null


def _json(value: object) -> str:
    return orjson.dumps(value, default=str, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def _column_array(name: str, column: pd.Series) -> np.ndarray:
    """One column as a numpy array ready for ``_json_rows`` (§3.8 value encoding)."""
    if name in TAG_COLUMNS:
        values = column.to_numpy(dtype=object, na_value=None)
        return np.where(pd.isna(values), "", values).astype(object)
    dtype = column.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return pd.to_datetime(column, utc=True).array.tz_convert(None).to_numpy()
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        return column.to_numpy()
    values = column.to_numpy(dtype=object, na_value=None)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values
