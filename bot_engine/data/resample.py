"""Coarser candles (15m, 1h, 1d, ...) built from finer stored ones, as an exchange reports them.

An exchange's 1h candle opening at 10:00 holds the trades of 10:00-10:59:59: the first open,
highest high, lowest low, last close and the summed volume of the twelve 5m candles inside it.
Buckets are aligned on the Unix epoch, which puts minute, hour and day candles where exchanges
put them (days start at 00:00 UTC).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bot_engine.data.timeframes import timeframe_to_seconds

# Week and month candles start on a Monday / the 1st on exchanges, not on epoch multiples.
_EPOCH_ALIGNED_UNITS = ("m", "h", "d")


def can_resample(source: str, target: str) -> bool:
    """True when ``target`` candles can be built from ``source`` ones."""
    if target[-1] not in _EPOCH_ALIGNED_UNITS:
        return False
    small, big = timeframe_to_seconds(source), timeframe_to_seconds(target)
    return big >= small and big % small == 0


def resample_candles(frame: pd.DataFrame, source: str, target: str) -> pd.DataFrame:
    """``frame`` (date, open, high, low, close, volume at ``source``) as ``target`` candles.

    Every bucket that holds at least one source candle gives a candle, except a first bucket
    the data starts inside of (its open, high and low would be wrong); the caller decides which
    of them have closed (a bucket's candle closes at its open + ``target``).
    """
    if not can_resample(source, target):
        raise ValueError(f"Cannot build {target} candles from {source} candles.")
    if source == target or frame.empty:
        return frame.reset_index(drop=True)
    step = timeframe_to_seconds(target)
    opens = frame["date"].astype("int64").to_numpy() // 10**9
    bucket = opens // step * step
    if bucket[0] != opens[0]:
        keep = bucket != bucket[0]
        frame, opens, bucket = frame[keep], opens[keep], bucket[keep]
        if frame.empty:
            return frame.reset_index(drop=True)
    return aggregate(frame, bucket)


def aggregate(frame: pd.DataFrame, bucket: np.ndarray) -> pd.DataFrame:
    """One candle per bucket (its open time in epoch seconds): first open, highest high,
    lowest low, last close, summed volume."""
    grouped = frame.groupby(bucket, sort=True)
    out = pd.DataFrame(
        {
            "open": grouped["open"].first(),
            "high": grouped["high"].max(),
            "low": grouped["low"].min(),
            "close": grouped["close"].last(),
            "volume": grouped["volume"].sum(),
        }
    )
    dates = pd.to_datetime(out.index.to_numpy(dtype=np.int64), unit="s", utc=True)
    out.insert(0, "date", dates.astype(frame["date"].dtype))
    return out.reset_index(drop=True)
