"""Refresh closed candles and run the strategy on them, once per new candle and pair."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot_engine import events
from bot_engine.engine.state import AnalysedFrame, RunningBot
from bot_engine.exceptions import ExchangeError

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
    newest = candles["date"].array[-1]
    if cached is not None and cached.newest_candle == newest:
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
    analysed = AnalysedFrame(
        frame=frame,
        analysed_at=datetime.now(UTC),
        newest_candle=newest,
        signal=_signal_of_last_row(frame),
    )
    bot.dataframes[pair] = analysed
    events.publish({"type": "new_candle", "data": [pair, bot.timeframe, "spot"]})
    return analysed


NO_SIGNAL = {"enter_long": False, "exit_long": False, "enter_tag": None, "exit_tag": None}


def _last(frame, column: str):
    return frame[column].array[-1] if column in frame.columns else None


def _signal_of_last_row(frame) -> dict:
    if frame.empty:
        return NO_SIGNAL
    enter_tag, exit_tag = _last(frame, "enter_tag"), _last(frame, "exit_tag")
    return {
        "enter_long": _last(frame, "enter_long") == 1,
        "exit_long": _last(frame, "exit_long") == 1,
        "enter_tag": enter_tag if isinstance(enter_tag, str) and enter_tag else None,
        "exit_tag": exit_tag if isinstance(exit_tag, str) and exit_tag else None,
    }


def last_signal(analysed: AnalysedFrame | None) -> dict:
    """The newest candle's signals: enter/exit flags and tags."""
    return analysed.signal if analysed is not None and analysed.signal else NO_SIGNAL
