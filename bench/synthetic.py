"""Long synthetic candle series for the benchmarks, built from the bundled real candles.

The real series' per-candle moves (close-to-close returns, and open/high/low relative to the
close) are replayed in a loop from a new start date, so the result looks like the market it
came from (same volatility, same candle shapes) for as long as a benchmark needs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "user_data" / "data" / "binance"


def synthetic_candles(
    source: pd.DataFrame, rows: int, *, start: str = "2023-01-01", seed: int = 0
) -> pd.DataFrame:
    """``rows`` 5m candles from ``start``, following ``source``'s moves (shuffled per lap when
    ``seed`` is non-zero, so variants of one pair differ)."""
    close = source["close"].to_numpy(dtype="float64")
    returns = np.diff(np.log(close))
    shape = {
        c: source[c].to_numpy(dtype="float64")[1:] / close[1:] for c in ("open", "high", "low")
    }
    volume = source["volume"].to_numpy(dtype="float64")[1:]
    laps = -(-rows // len(returns))
    order = np.tile(np.arange(len(returns)), laps)[:rows]
    if seed:
        rng = np.random.default_rng(seed)
        blocks = order.reshape(-1, 288) if rows % 288 == 0 else None
        if blocks is not None:  # shuffle whole days: keeps intraday patterns, changes the path
            order = blocks[rng.permutation(len(blocks))].ravel()
    new_close = close[0] * np.exp(np.cumsum(returns[order]))
    frame = pd.DataFrame(
        {
            "date": pd.date_range(start, periods=rows, freq="5min", tz="UTC"),
            "open": new_close * shape["open"][order],
            "high": new_close * np.maximum(shape["high"][order], 1.0),
            "low": new_close * np.minimum(shape["low"][order], 1.0),
            "close": new_close,
            "volume": volume[order],
        }
    )
    frame["high"] = frame[["open", "high", "close"]].max(axis=1)
    frame["low"] = frame[["open", "low", "close"]].min(axis=1)
    return frame


def bundled(pair: str) -> pd.DataFrame:
    return pd.read_feather(BUNDLED / f"{pair.replace('/', '_')}-5m.feather")
