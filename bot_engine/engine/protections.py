"""Freqtrade's protections in the live engine: after a trade closes, lock pairs (or all pairs).

The rules are the backtester's (``bot_engine.protections``, pure code over closed trades); here
they read the bot's closed trade rows and write its ``PairLock`` rows, which block entries until
they end. Protections come from the config's ``protections`` list, else the strategy's
``protections`` (attribute or property), as in Freqtrade.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot_engine import trade_math
from bot_engine.engine import locks, wallet
from bot_engine.engine.state import RunningBot
from bot_engine.exceptions import StrategyError
from bot_engine.models import PairLock, Trade
from bot_engine.protections import LockRequest, ProtectionSet

logger = logging.getLogger(__name__)


def protection_set(bot: RunningBot) -> ProtectionSet:
    """Built once per bot from the config, else the strategy (an unknown method logs once)."""
    if bot.protections is None:
        settings = bot.config.raw.get("protections") or getattr(bot.strategy, "protections", None)
        try:
            bot.protections = ProtectionSet.from_config(list(settings or []), bot.timeframe)
        except (StrategyError, TypeError, ValueError) as exc:
            logger.error("Protections not active: %s", exc)
            bot.protections = ProtectionSet([])
    return bot.protections


def _lookback(protections: ProtectionSet) -> timedelta:
    minutes = max((getattr(p, "lookback_minutes", 0) or 0) for p in protections.protections)
    return timedelta(minutes=max(minutes, 1))


def after_close(bot: RunningBot, trade: Trade, now: datetime) -> None:
    """Let every protection look at the closed trades and lock what it wants locked."""
    protections = protection_set(bot)
    if not protections:
        return
    closed = list(
        Trade.objects.for_bot(bot.bot_id)
        .closed()
        .filter(close_date__gt=now - _lookback(protections))
        .order_by("close_date", "trade_id")
    )
    starting = trade_math.starting_balance(bot.config, wallet.stake_wallet(bot.bot_id, bot.config))

    def is_locked(pair: str, until: datetime, side: str) -> bool:
        return PairLock.objects.filter(
            bot_id=bot.bot_id,
            active=True,
            pair=pair,
            side__in=[side, locks.ALL_PAIRS],
            lock_end_time__gte=until,
        ).exists()

    def lock(wanted: LockRequest, at: datetime) -> None:
        locks.lock_pair(
            bot.bot_id,
            wanted.pair,
            until=wanted.until,
            now=at,
            timeframe=bot.timeframe,
            reason=wanted.reason,
            side=wanted.side,
        )
        logger.info("Protection locked %s until %s: %s", wanted.pair, wanted.until, wanted.reason)

    protections.after_close(
        closed, trade.pair, now, "long", starting, is_locked=is_locked, lock=lock
    )
    bot.trades_changed()  # the engine's cached locks
