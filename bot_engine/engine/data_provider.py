"""The engine's side of ``strategy.dp``: build the DataProvider and keep its candles fresh.

Freqtrade refreshes the whitelist's candles and every informative ``(pair, timeframe)`` once per
iteration, before analysing; ``refresh_informatives`` does the same, so ``dp.get_pair_dataframe``
inside populate_indicators answers from that refresh, as of the bot's clock.
"""

from __future__ import annotations

import logging
from datetime import datetime

from pandas import DataFrame

from bot_engine import events
from bot_engine.data.timeframes import timeframe_to_delta
from bot_engine.engine.analysis import current_candle, window_size
from bot_engine.engine.state import RunningBot
from bot_engine.strategy.dataprovider import DataProvider
from bot_engine.strategy.enums import RunMode
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)


def attach_data_provider(bot: RunningBot) -> DataProvider:
    """Give ``bot.strategy`` its ``dp`` (before ``bot_start``, as Freqtrade does)."""

    def analysed(pair: str, timeframe: str) -> tuple[DataFrame, datetime] | None:
        found = bot.analysed_frame(pair, timeframe)
        if found is None or found.newest_candle is None:
            return None
        # The bot-clock moment of the analysis: the close of the newest analysed candle.
        return found.frame.copy(), found.newest_candle + timeframe_to_delta(bot.timeframe)

    provider = DataProvider(
        bot.config.raw,
        bot.exchange,
        runmode=RunMode.DRY_RUN if bot.config.dry_run else RunMode.LIVE,
        timeframe=bot.timeframe,
        whitelist=bot.current_whitelist,
        analysed=analysed,
        data_dir=bot.config.data_dir,
        publish=events.publish,
        window=window_size(bot.strategy.startup_candle_count),
    )
    bot.strategy.dp = provider
    return provider


def refresh_informatives(bot: RunningBot) -> None:
    """Fetch the informative candles of this iteration; a failing fetch only logs."""
    provider = bot.strategy.dp
    if not isinstance(provider, DataProvider):
        return
    wanted = call_strategy(
        bot.strategy,
        "gather_informative_pairs",
        default=[],
        candle=current_candle(bot),
    )
    # The whitelist's own candles are fetched by analysis.refresh_pair; listed, not fetched here.
    provider.refresh(wanted, also_kept=[(pair, bot.timeframe) for pair in bot.whitelist])
