"""Position adjustment (Freqtrade's ``adjust_trade_position``): more entries, partial exits.

Asked once per iteration for every open trade without an open order, after the exits and
before new entries (Freqtrade's order), when ``position_adjustment_enable`` is set in the
strategy or the config. A positive answer is a stake to add (a further entry order, at most
``max_entry_position_adjustment`` of them), a negative one a stake to take out (a partial exit of
that value at the exit price; all of it or more closes the trade). ``(stake, tag)`` tags the order.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot_engine.engine import analysis, callbacks, entries, exits, pricing, wallet
from bot_engine.engine.orders import record_entry_order
from bot_engine.engine.state import RunningBot
from bot_engine.exceptions import BotOperationError, ExchangeError
from bot_engine.models import Trade
from bot_engine.strategy.enums import ExitType
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)

PARTIAL_EXIT = ExitType.PARTIAL_EXIT.value


def enabled(bot: RunningBot) -> bool:
    return bool(
        bot.config.position_adjustment_enable
        or getattr(bot.strategy, "position_adjustment_enable", False)
    )


def max_adjustments(bot: RunningBot) -> int:
    """Further entries allowed per trade; -1 = no limit. The config's value wins when set."""
    if "max_entry_position_adjustment" in bot.config.raw:
        return int(bot.config.max_entry_position_adjustment)
    return int(getattr(bot.strategy, "max_entry_position_adjustment", -1))


def handle_adjustments(bot: RunningBot, now: datetime) -> None:
    if not enabled(bot):
        return
    for trade in bot.book.open_trades():
        if trade.amount <= 0 or bot.book.has_open_order(trade):
            continue
        rate = bot.current_rate(trade.pair)
        if rate is not None:
            adjust_trade(bot, trade, rate, now)


def _answer(value) -> tuple[float | None, str | None]:
    if isinstance(value, tuple | list):
        stake = callbacks.finite_number(value[0]) if value else None
        tag = value[1] if len(value) > 1 and isinstance(value[1], str) else None
        return stake, tag
    return callbacks.finite_number(value), None


def adjust_trade(bot: RunningBot, trade: Trade, rate: float, now: datetime) -> None:
    entries_filled = trade.orders.filter(ft_order_side="buy", filled__gt=0).count()
    limit = max_adjustments(bot)
    can_add = limit < 0 or entries_filled - 1 < limit
    market = bot.exchange.markets().get(trade.pair)
    min_stake = entries.min_stake(market, rate)
    available = wallet.stake_wallet(bot.bot_id, bot.config).available_stake
    entry_rate = pricing.entry_price(bot, trade.pair)
    exit_rate = pricing.exit_price(bot, trade.pair)
    profit = trade.calc_profit_ratio(rate)
    answer = call_strategy(
        bot.strategy,
        "adjust_trade_position",
        default=None,
        candle=analysis.current_candle(bot),
        trade=trade,
        current_time=now,
        current_rate=rate,
        current_profit=profit,
        min_stake=min_stake or None,
        max_stake=available,
        current_entry_rate=entry_rate,
        current_exit_rate=exit_rate,
        current_entry_profit=trade.calc_profit_ratio(entry_rate),
        current_exit_profit=trade.calc_profit_ratio(exit_rate),
    )
    stake, tag = _answer(answer)
    if not stake:
        return
    if stake > 0:
        if not can_add:
            logger.debug("%s: max_entry_position_adjustment reached", trade.pair)
            return
        _add_to(bot, trade, min(stake, available), entry_rate, tag, min_stake)
        return
    amount = bot.exchange.amount_to_precision(trade.pair, -stake / exit_rate)
    if amount <= 0:
        return
    if amount >= trade.amount:
        exits.execute_exit(bot, trade, reason=tag or PARTIAL_EXIT, amount=trade.amount)
        return
    exits.execute_exit(bot, trade, reason=tag or PARTIAL_EXIT, amount=amount)


def _add_to(
    bot: RunningBot, trade: Trade, stake: float, rate: float, tag: str | None, min_stake: float
) -> None:
    if stake < min_stake:
        logger.info("%s: additional stake %.8f is below the minimum", trade.pair, stake)
        return
    order_type = bot.rules.order_types.get("entry", "limit")
    rate = bot.exchange.price_to_precision(trade.pair, rate)
    try:
        amount = bot.exchange.amount_to_precision(trade.pair, stake / rate)
        result = bot.exchange.create_order(
            pair=trade.pair,
            order_type=order_type,
            side="buy",
            amount=amount,
            price=None if order_type == "market" else rate,
        )
    except (ExchangeError, BotOperationError) as exc:
        logger.warning("Could not add to %s: %s", trade.pair, exc)
        return
    if result.price is None:
        result.price = result.average or rate
    record_entry_order(bot, trade, result, tag=tag)
    logger.info(
        "Added to %s (trade %s): %.8f @ %.8f, tag %s", trade.pair, trade.trade_id, amount, rate, tag
    )
