"""Missing candles filled in, as Freqtrade fills stored history before a strategy sees it."""

from __future__ import annotations

import pandas as pd

from bot_engine.data.timeframes import timeframe_to_seconds


def fill_gaps(candles: pd.DataFrame, timeframe: str) -> pd.DataFrame:
    """``candles`` with a row for every missing candle between the first and the last: open,
    high, low and close at the previous close, volume 0 (an exchange's quiet candle; indicators
    counting candles then span the same time as on Freqtrade)."""
    step = pd.Timedelta(seconds=timeframe_to_seconds(timeframe))
    dates = candles["date"]
    if len(candles) < 2 or (dates.diff().iloc[1:] == step).all():
        return candles.reset_index(drop=True)
    every = pd.date_range(dates.iloc[0], dates.iloc[-1], freq=step)
    filled = candles.set_index("date").reindex(every)
    filled["close"] = filled["close"].ffill()
    for column in ("open", "high", "low"):
        filled[column] = filled[column].fillna(filled["close"])
    filled["volume"] = filled["volume"].fillna(0.0)
    return filled.rename_axis("date").reset_index()
