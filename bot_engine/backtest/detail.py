"""The detail timeframe (Freqtrade's ``--timeframe-detail``): lower-timeframe candles inside
each main candle, for exits, stops and fills of pairs that hold a trade or want to enter.

The strategy runs on the main timeframe; a main candle of a pair with an open trade or an entry
signal is replayed candle by candle on the detail timeframe, each detail candle carrying the
main candle's signals (``tests/data/freqtrade/backtest/detail/README.md`` lists what Freqtrade
2026.9 does and the references that show it). Here: which value a run uses, its checks, and the
detail candles as arrays with, per main candle, the slice of detail candles inside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot_engine.backtest.data import Timerange, load_stored, trim
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.exceptions import ConfigError
from bot_engine.selectors.candles import NoCandleData

SMALLER = "Detail timeframe must be smaller than strategy timeframe."  # Freqtrade's words


class DetailTimeframeError(ConfigError):
    """``timeframe_detail`` is no timeframe, or does not fit the strategy's timeframe."""


class NoDetailData(NoCandleData):
    """No stored candles at the detail timeframe for any of the pairs."""


def requested_detail(option: str | None, extra: Mapping[str, Any], raw: Mapping[str, Any]) -> str:
    """The run's detail timeframe, "" for none: the flag (or the API's start body) over the
    config file, as Freqtrade merges them."""
    for value in (option, extra.get("timeframe_detail"), raw.get("timeframe_detail")):
        if value is not None:
            return str(value).strip()
    return ""


def detail_seconds(detail: str) -> int:
    """Seconds of a detail timeframe (``DetailTimeframeError`` when it is none)."""
    try:
        seconds = timeframe_to_seconds(detail)
    except (ValueError, KeyError, IndexError):
        seconds = 0
    if seconds <= 0:
        raise DetailTimeframeError(
            f"Invalid detail timeframe {detail!r}: expected a timeframe such as 1m, 5m, 1h."
        )
    return seconds


def check_detail(detail: str, timeframe: str) -> int:
    """The detail timeframe's seconds, checked against the strategy's timeframe."""
    seconds = detail_seconds(detail)
    main = timeframe_to_seconds(timeframe)
    if main <= seconds:
        raise DetailTimeframeError(SMALLER)
    if main % seconds:
        raise DetailTimeframeError(
            f"Detail timeframe {detail} must divide the strategy timeframe {timeframe}."
        )
    return seconds


@dataclass(frozen=True)
class PairDetail:
    """One pair's detail candles as plain lists, and per main row the slice ``lo:hi`` of
    detail candles opening within that main candle."""

    dates: list[int]  # int64 ns
    open: list[float]
    high: list[float]
    low: list[float]
    close: list[float]
    lo: list[int]
    hi: list[int]


def load_detail(
    data_dir: Path,
    pairs: Sequence[str],
    detail: str,
    timerange: Timerange,
    main_dates: Mapping[str, np.ndarray],
    main_seconds: int,
) -> dict[str, PairDetail]:
    """Each pair's detail candles of the timerange (gaps filled, no startup candles, as
    Freqtrade loads them); a pair without any falls back to its main candles."""
    try:
        stored = load_stored(data_dir, pairs, detail)
    except NoCandleData:
        raise NoDetailData(
            f"No data found. Terminating. (no {detail} candles for the detail timeframe)"
        ) from None
    out = {}
    for pair, found in stored.items():
        frame = trim(found.candles, timerange, detail, 0)
        if frame.empty or pair not in main_dates:
            continue
        dates = frame["date"].astype("int64").to_numpy()
        starts = main_dates[pair]
        # The detail candles of main candle T: those opening in [T, T + timeframe).
        lo = np.searchsorted(dates, starts, side="left")
        hi = np.searchsorted(dates, starts + main_seconds * 10**9, side="left")
        out[pair] = PairDetail(
            dates=dates.tolist(),
            open=frame["open"].to_numpy(dtype=float).tolist(),
            high=frame["high"].to_numpy(dtype=float).tolist(),
            low=frame["low"].to_numpy(dtype=float).tolist(),
            close=frame["close"].to_numpy(dtype=float).tolist(),
            lo=lo.tolist(),
            hi=hi.tolist(),
        )
    return out
