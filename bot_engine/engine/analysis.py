"""Refresh closed candles and run the strategy on them, once per new candle and pair."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot_engine import events
from bot_engine.exceptions import ExchangeError
from bot_engine.runtime import AnalysedFrame, RunningBot

logger = logging.getLogger(__name__)

MIN_WINDOW = 300  # candles handed to the strategy; as a live exchange would return


def window_size(startup_candle_count: int) -> int:
    return max(MIN_WINDOW, startup_candle_count + 100)


def refresh_pair(bot: RunningBot, pair: str) -> AnalysedFrame | None:
    """Analyse ``pair`` if a new candle closed; a failing strategy skips only this pair."""
    limit = window_size(bot.strategy.startup_candle_count)
    try:
        candles = bot.exchange.fetch_ohlcv(pair, bot.timeframe, limit)
    except ExchangeError as exc:
        logger.warning("Could not fetch candles for %s: %s", pair, exc)
        return bot.dataframes.get(pair)
    if candles.empty:
        return None
    cached = bot.dataframes.get(pair)
    newest = candles["date"].iloc[-1]
    if cached is not None and len(cached.frame) and cached.frame["date"].iloc[-1] == newest:
        return cached
    try:
        frame = bot.strategy.analyze(candles, pair)
    except Exception:
        logger.exception(
            "Strategy %s failed analysing %s; skipping the pair this time",
            type(bot.strategy).__name__,
            pair,
        )
        return None
    analysed = AnalysedFrame(frame=frame, analysed_at=datetime.now(UTC))
    bot.dataframes[pair] = analysed
    events.publish({"type": "new_candle", "data": [pair, bot.timeframe, "spot"]})
    return analysed


def last_signal(analysed: AnalysedFrame | None) -> dict:
    """The newest candle's signals: enter/exit flags and tags."""
    if analysed is None or analysed.frame.empty:
        return {"enter_long": False, "exit_long": False, "enter_tag": None}
    row = analysed.frame.iloc[-1]
    tag = row.get("enter_tag")
    return {
        "enter_long": row.get("enter_long") == 1,
        "exit_long": row.get("exit_long") == 1,
        "enter_tag": tag if isinstance(tag, str) and tag else None,
        "exit_tag": row.get("exit_tag") if isinstance(row.get("exit_tag"), str) else None,
    }
