"""``/pair_candles`` and ``/pair_history``: analysed dataframes in the contract's encoding (§3.8).

Everything is done column-wise with pandas; no per-row Python loop.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from bot_engine.config.model import BotConfig
from bot_engine.data.candles import load_candles
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.exceptions import TradeplaneError
from bot_engine.runtime import AnalysedFrame
from bot_engine.strategy.base import normalise_signals
from bot_engine.strategy.loader import load_strategy

BASE_COLUMNS = (
    "date",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "enter_long",
    "exit_long",
    "enter_short",
    "exit_short",
)
SIGNALS = ("enter_long", "exit_long", "enter_short", "exit_short")
TAG_COLUMNS = ("enter_tag", "exit_tag")
NO_DATA = "No data for {pair}, {timeframe} in {timerange} found."
BAD_TIMERANGE = "Incorrect syntax for timerange '{timerange}'"
EPOCH = datetime.fromtimestamp(0, tz=UTC)


class NoCandleData(TradeplaneError):
    """No stored candles for the requested pair, timeframe and range."""


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
    """The PairHistory body for an analysed ``frame`` (already trimmed to the wanted rows)."""
    df = normalise_signals(frame.copy())
    all_columns = [str(c) for c in df.columns]
    if columns is not None:
        wanted = set(BASE_COLUMNS) | set(columns)
        df = df[[c for c in df.columns if c in wanted]]
    counts = {sig: int((df[sig] == 1).sum()) if sig in df.columns else 0 for sig in SIGNALS}
    if "date" in df.columns and len(df):
        dates = pd.to_datetime(df["date"], utc=True)
        df["__date_ts"] = (dates - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)
    else:
        dates = pd.Series([], dtype="datetime64[ns, UTC]")
        df["__date_ts"] = pd.Series([], dtype="int64")
    for sig in SIGNALS:
        if sig in df.columns:
            df[f"_{sig}_signal_close"] = df["close"].where(df[sig] == 1)
    for tag in TAG_COLUMNS:
        if tag in df.columns:
            df[tag] = df[tag].where(df[tag].notna(), "").astype(object)
    for name in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[name]):
            as_utc = pd.to_datetime(df[name], utc=True)
            df[name] = as_utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(as_utc.notna(), None)
    values = df.astype(object).where(df.notna(), None)
    start, stop = (dates.iloc[0], dates.iloc[-1]) if len(dates) else (None, None)
    return {
        "strategy": strategy,
        "pair": pair,
        "timeframe": timeframe,
        "timeframe_ms": timeframe_to_seconds(timeframe) * 1000,
        "columns": [str(c) for c in df.columns],
        "all_columns": all_columns,
        "data": values.to_numpy().tolist(),
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


def pair_candles(
    *,
    analysed: AnalysedFrame | None,
    pair: str,
    timeframe: str,
    strategy: str,
    limit: int | None = None,
    columns: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The bot's cached analysed frame for ``pair`` (empty when it is not cached)."""
    if analysed is None:
        frame, when = pd.DataFrame(columns=list(BASE_COLUMNS[:6])), EPOCH
    else:
        frame, when = analysed.frame, analysed.analysed_at
    if limit:
        frame = frame.tail(limit)
    return encode_frame(
        frame, pair=pair, timeframe=timeframe, strategy=strategy, analysed_at=when, columns=columns
    )


def parse_timerange(timerange: str | None) -> tuple[datetime | None, datetime | None]:
    """``YYYYMMDD[THHMM[SS]]-...``, either side optional; epoch seconds or ms also accepted."""
    if not timerange:
        return None, None
    start_text, sep, stop_text = timerange.partition("-")
    if not sep:
        raise NoCandleData(BAD_TIMERANGE.format(timerange=timerange))

    def parse(text: str) -> datetime | None:
        if not text:
            return None
        if re.fullmatch(r"\d{10}|\d{13}", text):
            value = int(text)
            return datetime.fromtimestamp(value / 1000 if len(text) == 13 else value, tz=UTC)
        for fmt in ("%Y%m%d", "%Y%m%dT%H%M", "%Y%m%dT%H%M%S"):
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=UTC)
            except ValueError:
                continue
        raise NoCandleData(BAD_TIMERANGE.format(timerange=timerange))

    return parse(start_text), parse(stop_text)


def pair_history(
    *,
    config: BotConfig,
    pair: str,
    timeframe: str,
    timerange: str | None,
    strategy: str,
    strategy_dirs: Sequence[Path],
    columns: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Stored candles in ``timerange``, analysed by ``strategy`` (startup candles included in the
    analysis, trimmed from the answer)."""
    start, stop = parse_timerange(timerange)
    candles = load_candles(config.data_dir, pair, timeframe)
    loaded = load_strategy(strategy, config=config.raw, search_dirs=strategy_dirs)
    if start is not None:
        startup = pd.Timedelta(
            seconds=timeframe_to_seconds(timeframe) * int(loaded.startup_candle_count)
        )
        candles = candles[candles["date"] >= pd.Timestamp(start) - startup]
    if stop is not None:
        candles = candles[candles["date"] < pd.Timestamp(stop)]
    if candles.empty:
        raise NoCandleData(NO_DATA.format(pair=pair, timeframe=timeframe, timerange=timerange))
    frame = loaded.analyze(candles.reset_index(drop=True), pair)
    if start is not None:
        frame = frame[pd.to_datetime(frame["date"], utc=True) >= pd.Timestamp(start)]
    return encode_frame(
        frame,
        pair=pair,
        timeframe=timeframe,
        strategy=strategy,
        analysed_at=datetime.now(UTC),
        columns=columns,
    )
