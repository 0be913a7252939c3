"""``freqtrade.vendor.qtpylib.indicators``: the qtpylib helpers strategies use, vectorised."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

Series = pd.Series


def _values(value: Any, length: int) -> np.ndarray | float:
    """Scalars stay scalars (they broadcast); anything else becomes a float array."""
    if isinstance(value, (int, float, np.number)):
        return float(value)
    values = np.asarray(value, dtype=float)
    if values.shape != (length,):
        raise ValueError(f"Cannot compare a series of {length} rows with shape {values.shape}.")
    return values


def _previous(values: np.ndarray | float) -> np.ndarray | float:
    if not isinstance(values, np.ndarray):
        return values
    shifted = np.empty_like(values)
    shifted[:1] = np.nan
    shifted[1:] = values[:-1]
    return shifted


def crossed(series1: Any, series2: Any, direction: str | None = None) -> Series:
    """True on the row where ``series1`` moves from one side of ``series2`` to the other.

    ``direction`` is "above", "below" or None (either way). A cross needs the previous row,
    so the first row is never a cross; NaN on either side is never a cross. Computed on
    numpy arrays because strategies call this on every candle for every pair.
    """
    index = series1.index if isinstance(series1, Series) else None
    now1 = _values(series1, len(series1))
    now2 = _values(series2, len(now1))
    prev1, prev2 = _previous(now1), _previous(now2)
    with np.errstate(invalid="ignore"):
        above = (now1 > now2) & (prev1 <= prev2)
        below = (now1 < now2) & (prev1 >= prev2)
    if direction == "above":
        result = above
    elif direction == "below":
        result = below
    else:
        result = above | below
    return Series(result, index=index)


def crossed_above(series1: Series, series2: Any) -> Series:
    return crossed(series1, series2, "above")


def crossed_below(series1: Series, series2: Any) -> Series:
    return crossed(series1, series2, "below")


def typical_price(bars: pd.DataFrame) -> Series:
    return (bars["high"] + bars["low"] + bars["close"]) / 3


def mid_price(bars: pd.DataFrame) -> Series:
    return (bars["high"] + bars["low"]) / 2


def rolling_mean(series: Series, window: int = 200, min_periods: int | None = None) -> Series:
    return series.rolling(window, min_periods=min_periods or window).mean()


sma = rolling_mean


def rolling_std(series: Series, window: int = 200, min_periods: int | None = None) -> Series:
    """Population standard deviation (ddof=0), the same as TA-Lib's BBANDS uses."""
    return series.rolling(window, min_periods=min_periods or window).std(ddof=0)


def rolling_min(series: Series, window: int = 14, min_periods: int | None = None) -> Series:
    return series.rolling(window, min_periods=min_periods or window).min()


def rolling_max(series: Series, window: int = 14, min_periods: int | None = None) -> Series:
    return series.rolling(window, min_periods=min_periods or window).max()


def ema(series: Series, window: int = 200, min_periods: int | None = None) -> Series:
    return series.ewm(span=window, min_periods=min_periods or window, adjust=False).mean()


def rolling_weighted_mean(
    series: Series, window: int = 200, min_periods: int | None = None
) -> Series:
    """Linearly weighted moving average (newest candle weighs ``window``)."""

    def weighted(values: np.ndarray) -> float:
        weights = np.arange(1, len(values) + 1, dtype=float)
        return float(np.dot(values, weights) / weights.sum())

    return series.rolling(window, min_periods=min_periods or window).apply(weighted, raw=True)


wma = rolling_weighted_mean


def hull_moving_average(
    series: Series, window: int = 200, min_periods: int | None = None
) -> Series:
    half = rolling_weighted_mean(series, window // 2, min_periods)
    full = rolling_weighted_mean(series, window, min_periods)
    return rolling_weighted_mean(2 * half - full, max(int(np.sqrt(window)), 1))


hma = hull_moving_average


def bollinger_bands(series: Series, window: int = 20, stds: float = 2) -> pd.DataFrame:
    """Columns ``upper``, ``mid``, ``lower``."""
    mid = rolling_mean(series, window)
    spread = rolling_std(series, window) * stds
    return pd.DataFrame({"upper": mid + spread, "mid": mid, "lower": mid - spread})


def weighted_bollinger_bands(series: Series, window: int = 20, stds: float = 2) -> pd.DataFrame:
    mid = rolling_weighted_mean(series, window)
    spread = rolling_std(series, window) * stds
    return pd.DataFrame({"upper": mid + spread, "mid": mid, "lower": mid - spread})


def heikinashi(bars: pd.DataFrame) -> pd.DataFrame:
    """Heikin-Ashi candles: columns open, high, low, close (plus volume when given)."""
    ha_close = (bars["open"] + bars["high"] + bars["low"] + bars["close"]) / 4
    # ha_open[i] = (ha_open[i-1] + ha_close[i-1]) / 2 is an EWM with alpha 0.5 over the
    # previous ha_close, seeded with the first candle's (open + close) / 2.
    seed = ha_close.shift(1)
    if len(seed):
        seed.iloc[0] = (bars["open"].iloc[0] + bars["close"].iloc[0]) / 2
    ha_open = seed.ewm(alpha=0.5, adjust=False).mean()
    result = pd.DataFrame(
        {
            "open": ha_open,
            "high": pd.concat([ha_open, ha_close, bars["high"]], axis=1).max(axis=1),
            "low": pd.concat([ha_open, ha_close, bars["low"]], axis=1).min(axis=1),
            "close": ha_close,
        },
        index=bars.index,
    )
    if "volume" in bars.columns:
        result["volume"] = bars["volume"]
    return result


def vwap(bars: pd.DataFrame) -> Series:
    """Volume-weighted average typical price since the first row."""
    volume = bars["volume"]
    return (typical_price(bars) * volume).cumsum() / volume.cumsum()


def rolling_vwap(bars: pd.DataFrame, window: int = 200, min_periods: int | None = None) -> Series:
    volume = bars["volume"]
    periods = min_periods or window
    weighted = (typical_price(bars) * volume).rolling(window, min_periods=periods).sum()
    return weighted / volume.rolling(window, min_periods=periods).sum()


def true_range(bars: pd.DataFrame) -> Series:
    prev_close = bars["close"].shift(1)
    ranges = pd.concat(
        [
            bars["high"] - bars["low"],
            (bars["high"] - prev_close).abs(),
            (bars["low"] - prev_close).abs(),
        ],
        axis=1,
    )
    return ranges.max(axis=1)


def atr(bars: pd.DataFrame, window: int = 14, exp: bool = False) -> Series:
    tr = true_range(bars)
    return ema(tr, window) if exp else rolling_mean(tr, window)


def returns(series: Series) -> Series:
    return series.pct_change(fill_method=None)


def log_returns(series: Series) -> Series:
    return np.log(series / series.shift(1))


def zscore(bars: pd.DataFrame, window: int = 20, stds: float = 1, col: str = "close") -> Series:
    series = bars[col]
    return (series - rolling_mean(series, window)) / (rolling_std(series, window) * stds)
