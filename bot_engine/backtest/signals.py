"""The strategy's signals for a whole backtest, computed once per pair (vectorised).

Each pair's candles go through the same ``IStrategy.analyze`` the live engine calls per candle,
here once on the whole frame. The signals are then moved one candle later: the signal of the
candle that closed at T is acted on in the candle that opens at T (Freqtrade's rule; the loop
never sees a candle's own signal before it closed).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot_engine.strategy.base import IStrategy
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)


@dataclass
class PairArrays:
    """One pair's candles of the backtested range with the previous candle's signals."""

    pair: str
    dates: np.ndarray  # int64 ns, candle open
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    enter: np.ndarray  # bool: enter_long == 1 on the previous candle
    exit: np.ndarray  # bool: exit_long set on the previous candle
    enter_tag: list  # str | None per row
    exit_tag: list

    def __len__(self) -> int:
        return len(self.dates)


def analyse_pair(strategy: IStrategy, pair: str, candles: pd.DataFrame) -> pd.DataFrame | None:
    """The analysed frame (indicators, signals, tags) of ``candles``; None when it failed."""
    frame = call_strategy(strategy, "analyze", candles, pair=pair, default=None)
    if frame is None:
        logger.warning("Strategy analysis failed for %s: no signals for this pair", pair)
        return None
    if frame.columns.duplicated().any():
        # A strategy that concat's its own enter_tag beside the empty one: the first column
        # of each name is the one read (Freqtrade's positional lookup does the same).
        frame = frame.loc[:, ~frame.columns.duplicated()]
    return frame


def to_arrays(pair: str, analysed: pd.DataFrame | None, candles: pd.DataFrame, skip: int):
    """Rows ``skip`` onwards of the analysed frame (the startup candles dropped), signals
    shifted by one candle and the first row dropped, as the loop reads them."""
    frame = analysed if analysed is not None else candles
    frame = frame.iloc[skip:]
    rows = len(frame)
    enter = _is_one(frame, "enter_long", rows)
    leave = _is_set(frame, "exit_long", rows)
    enter_tag = _tags(frame, "enter_tag", rows)
    exit_tag = _tags(frame, "exit_tag", rows)
    dates = pd.DatetimeIndex(frame["date"]).as_unit("ns").asi8
    return PairArrays(
        pair=pair,
        dates=dates[1:],
        open=frame["open"].to_numpy(dtype=float)[1:],
        high=frame["high"].to_numpy(dtype=float)[1:],
        low=frame["low"].to_numpy(dtype=float)[1:],
        close=frame["close"].to_numpy(dtype=float)[1:],
        enter=enter[:-1] if rows else enter,
        exit=leave[:-1] if rows else leave,
        enter_tag=enter_tag[:-1],
        exit_tag=exit_tag[:-1],
    )


def _is_one(frame: pd.DataFrame, column: str, rows: int) -> np.ndarray:
    """``value == 1`` per row, as Freqtrade tests an entry (the string "1" is not 1)."""
    if column not in frame.columns:
        return np.zeros(rows, dtype=bool)
    values = frame[column].to_numpy()
    if values.dtype == object:
        return np.array([_equals_one(v) for v in values.tolist()], dtype=bool)
    return np.asarray(values == 1, dtype=bool)


def _equals_one(value) -> bool:
    try:
        return bool(value == 1)
    except (TypeError, ValueError):
        return False


def _is_set(frame: pd.DataFrame, column: str, rows: int) -> np.ndarray:
    """A truthy exit flag per row (NaN, i.e. never set, is not), as Freqtrade reads exits."""
    if column not in frame.columns:
        return np.zeros(rows, dtype=bool)
    values = frame[column].to_numpy()
    if values.dtype == object:
        return np.array([not pd.isna(v) and bool(v) for v in values.tolist()], dtype=bool)
    if values.dtype.kind == "f":
        return np.nan_to_num(values, nan=0.0) != 0
    return np.asarray(values != 0, dtype=bool)


def _tags(frame: pd.DataFrame, column: str, rows: int) -> list:
    if column not in frame.columns:
        return [None] * rows
    values = frame[column].to_numpy(dtype=object)
    return [value if isinstance(value, str) else None for value in values.tolist()]
