"""Refresh closed candles and run the strategy on them, once per new candle and pair."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot_engine import events
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.engine.state import AnalysedFrame, RunningBot
from bot_engine.exceptions import ExchangeError
from bot_engine.strategy.dataprovider import DataProvider
from bot_engine.strategy.safe_call import call_strategy

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
    if isinstance(bot.strategy.dp, DataProvider):
        # dp.get_pair_dataframe(pair) in strategy code answers from this fetch, not another.
        bot.strategy.dp.remember(pair, bot.timeframe, candles)
    cached = bot.dataframes.get(pair)
    if cached is not None and cached.source is candles:
        return cached  # the replay serves the same window until a candle closes: nothing new
    newest = candles["date"].iat[-1]  # iat: a quarter of .array[-1]'s cost, every tick
    if cached is not None and cached.newest_candle == newest:
        return cached
    frame = call_strategy(
        bot.strategy, "analyze", candles, pair=pair, default=None, candle=current_candle(bot)
    )
    signal = _signal_of_last_row(frame) if frame is not None else None
    if signal is None:
        # Skipped for this candle (Freqtrade's "Unable to analyze candle data"): no signal, so a
        # stale one from the previous candle can neither enter nor exit. The frame of the last
        # good analysis stays for the API; the next candle is analysed afresh.
        if cached is not None:
            bot.dataframes[pair] = AnalysedFrame(
                frame=cached.frame,
                analysed_at=cached.analysed_at,
                newest_candle=newest,
                source=candles,
            )
        return None
    analysed = AnalysedFrame(
        frame=frame,
        analysed_at=datetime.now(UTC),
        newest_candle=newest,
        signal=signal,
        source=candles,
    )
    bot.dataframes[pair] = analysed
    events.publish({"type": "new_candle", "data": [pair, bot.timeframe, "spot"]})
    return analysed


NO_SIGNAL = {"enter_long": False, "exit_long": False, "enter_tag": None, "exit_tag": None}


def current_candle(bot: RunningBot) -> datetime:
    """Open time of the candle the bot is trading in (the key of "once per candle")."""
    seconds = timeframe_to_seconds(bot.timeframe)
    now = bot.exchange.now()
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=UTC)


def _last(frame, column: str):
    if column not in frame.columns:
        return None
    values = frame[column]
    if values.ndim > 1:  # a strategy that concats its own tag column: Freqtrade reads the first
        values = values.iloc[:, 0]
    return values.iat[-1]


def _is_one(value) -> bool:
    """``value == 1`` for whatever a strategy left in a signal column (bool, float, NaN, str);
    a value that cannot be compared (a ``|V0`` void from a 2-candle window) is no signal."""
    try:
        return bool(value == 1)
    except (TypeError, ValueError):
        return False


def _signal_of_last_row(frame) -> dict | None:
    """The last row's signals; None when the frame is unusable (logged; the pair is skipped)."""
    try:
        if frame.empty:
            return NO_SIGNAL
        enter_tag, exit_tag = _last(frame, "enter_tag"), _last(frame, "exit_tag")
        return {
            "enter_long": _is_one(_last(frame, "enter_long")),
            "exit_long": _is_one(_last(frame, "exit_long")),
            "enter_tag": enter_tag if isinstance(enter_tag, str) and enter_tag else None,
            "exit_tag": exit_tag if isinstance(exit_tag, str) and exit_tag else None,
        }
    except Exception:
        logger.exception("Could not read the signals of the analysed frame; no signal")
        return None


def last_signal(analysed: AnalysedFrame | None) -> dict:
    """The newest candle's signals: enter/exit flags and tags."""
    return analysed.signal if analysed is not None and analysed.signal else NO_SIGNAL
