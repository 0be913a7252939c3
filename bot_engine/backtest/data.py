"""Candles for a backtest: the timerange, the startup candles before it, gaps filled.

Freqtrade's loading rules (``tests/data/freqtrade/backtest/README.md`` behaviours 2, 17, 18):
with a timerange, ``startup_candle_count`` candles before its start are loaded for the
indicators; without one the start moves forward by as many candles. The end date's candle is
the last one. Missing candles are filled (at the previous close, volume 0) after trimming.
Coarser (informative) timeframes come from their stored file or, failing that, are built from
the backtest's candles hour by hour, first and last partial buckets included, as stored files
built from them are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bot_engine.data.candles import COLUMNS, available_data, load_candles
from bot_engine.data.gaps import fill_gaps
from bot_engine.data.resample import aggregate, can_resample
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.selectors.candles import NoCandleData, parse_timerange
from bot_engine.strategy.dataprovider import DataProvider
from bot_engine.strategy.enums import RunMode

NO_DATA = "No data found. Terminating."
MAX_ANALYSED = 1000  # rows get_analyzed_dataframe hands out outside live trading (Freqtrade's)
EPOCH = datetime.fromtimestamp(0, UTC)


@dataclass(frozen=True)
class Timerange:
    start: datetime | None
    stop: datetime | None

    @classmethod
    def parse(cls, text: str | None) -> Timerange:
        start, stop = parse_timerange(text)
        return cls(start, stop)


def trim(frame: pd.DataFrame, timerange: Timerange, timeframe: str, startup: int) -> pd.DataFrame:
    """The candles of ``timerange`` plus ``startup`` candles before its start, gaps filled."""
    dates = frame["date"]
    keep = np.ones(len(frame), dtype=bool)
    if timerange.start is not None:
        first = timerange.start - timedelta(seconds=timeframe_to_seconds(timeframe) * startup)
        keep &= (dates >= pd.Timestamp(first)).to_numpy()
    if timerange.stop is not None:
        keep &= (dates <= pd.Timestamp(timerange.stop)).to_numpy()
    return fill_gaps(frame[keep].reset_index(drop=True), timeframe)


@dataclass(frozen=True)
class StoredPair:
    """A pair's stored candles at the backtest's timeframe, and the finest stored ones they
    are (or could be) built from, which the market list is derived from."""

    candles: pd.DataFrame
    source: pd.DataFrame


def load_pairs(data_dir: Path, pairs: Sequence[str], timeframe: str) -> dict[str, pd.DataFrame]:
    """Every stored candle of each pair at ``timeframe`` (see ``load_stored``)."""
    return {pair: found.candles for pair, found in load_stored(data_dir, pairs, timeframe).items()}


def load_stored(data_dir: Path, pairs: Sequence[str], timeframe: str) -> dict[str, StoredPair]:
    """Every stored candle of each pair; a timeframe with no file of its own is built from a
    finer stored one (a 1h backtest on 5m files)."""
    stored: dict[str, list[str]] = {}
    for pair, stored_timeframe, candle_type in available_data(data_dir):
        if candle_type == "spot":
            stored.setdefault(pair, []).append(stored_timeframe)
    loaded = {}
    for pair in pairs:
        usable = [tf for tf in stored.get(pair, []) if can_resample(tf, timeframe)]
        if not usable:
            continue
        finest = min(usable, key=timeframe_to_seconds)
        source = load_candles(data_dir, pair, finest)
        candles = source if finest == timeframe else load_candles(data_dir, pair, timeframe)
        if candles.empty:
            candles = build_coarser(source, timeframe)
        if not candles.empty:
            loaded[pair] = StoredPair(candles=candles, source=source)
    if not loaded:
        raise NoCandleData(NO_DATA)
    return loaded


def build_coarser(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    """``target`` candles from finer ones: every bucket with a candle, partial ones included."""
    if frame.empty:
        return frame
    step = timeframe_to_seconds(target)
    opens = frame["date"].astype("int64").to_numpy() // 10**9
    bucket = opens // step * step
    return aggregate(frame, bucket)


class BacktestDataProvider(DataProvider):
    """``dp`` for strategies during a backtest: stored candles of the timerange (with each
    timeframe's own startup candles), the analysed frames up to the candle being simulated."""

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        timeframe: str,
        data_dir: Path,
        pairs: Sequence[str],
        timerange: Timerange,
        startup: int,
        base_frames: Mapping[str, pd.DataFrame],
    ) -> None:
        super().__init__(
            config,
            None,
            runmode=RunMode.BACKTEST,
            timeframe=timeframe,
            whitelist=lambda: list(pairs),
            data_dir=data_dir,
        )
        self._timerange = timerange
        self._startup = startup
        self._base = base_frames
        self._loaded: dict[tuple[str, str], pd.DataFrame] = {}
        self.analysed_frames: dict[str, pd.DataFrame] = {}
        # pair -> end (exclusive) of the analysed rows a strategy may see now
        self.slice_end: dict[str, int] = {}

    def historic_ohlcv(
        self, pair: str, timeframe: str | None = None, candle_type: str = ""
    ) -> pd.DataFrame:
        timeframe = timeframe or self._timeframe
        key = (pair, timeframe)
        if key not in self._loaded:
            self._loaded[key] = self._load(pair, timeframe)
        return self._loaded[key].copy()

    def _load(self, pair: str, timeframe: str) -> pd.DataFrame:
        stored = load_candles(self._data_dir, pair, timeframe)
        if stored.empty and pair in self._base and can_resample(self._timeframe, timeframe):
            stored = build_coarser(self._base[pair], timeframe)
        if stored.empty:
            return pd.DataFrame(columns=COLUMNS)
        return trim(stored, self._timerange, timeframe, self._startup)

    def market(self, pair: str) -> dict[str, Any] | None:
        base, _, quote = pair.partition("/")
        return {"symbol": pair, "base": base, "quote": quote.split(":")[0], "active": True}

    def get_analyzed_dataframe(self, pair: str, timeframe: str) -> tuple[pd.DataFrame, datetime]:
        """The analysed frame up to the last closed candle of the pair (the backtest moves
        ``slice_end``), at most ``MAX_ANALYSED`` rows; empty before the pair's first candle."""
        frame = self.analysed_frames.get(pair)
        end = self.slice_end.get(pair)
        if frame is None or end is None:
            return pd.DataFrame(), EPOCH
        return frame.iloc[max(0, end - MAX_ANALYSED) : end], datetime.now(UTC)
