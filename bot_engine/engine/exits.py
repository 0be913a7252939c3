"""Exit decisions for open trades: stoploss, trailing stop, ROI, exit signal, custom exit."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from bot_engine import trade_math
from bot_engine.engine import analysis, callbacks, locks, pricing
from bot_engine.engine.orders import record_exit_order
from bot_engine.engine.state import RunningBot
from bot_engine.exceptions import BotOperationError, ExchangeError
from bot_engine.exchange.dry_run import DryRunExchange
from bot_engine.models import Trade
from bot_engine.strategy.enums import ExitType
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)

# Exit reasons, Freqtrade's values (the ones strategies compare trade.exit_reason against).
ROI = ExitType.ROI.value
STOP_LOSS = ExitType.STOP_LOSS.value
TRAILING_STOP_LOSS = ExitType.TRAILING_STOP_LOSS.value
EXIT_SIGNAL = ExitType.EXIT_SIGNAL.value
CUSTOM_EXIT = ExitType.CUSTOM_EXIT.value
FORCE_EXIT = ExitType.FORCE_EXIT.value
AUTO_LOCK = "Auto lock"


def update_stoploss(bot: RunningBot, trade: Trade, rate: float, profit: float) -> bool:
    """Move a trailing stop up behind the price; returns True when the stop moved."""
    distance = bot.rules.trailing_distance(profit)
    if distance is None:
        return False
    new_stop = trade_math.stop_on_tick(
        rate * (1 - abs(distance) / trade.leverage),
        trade.price_precision,
        trade.precision_mode_price,
    )
    if new_stop <= trade.stop_loss:
        return False
    trade.stop_loss = new_stop
    trade.stop_loss_pct = -abs(distance)
    trade.is_stop_loss_trailing = True
    return True


def roi_price(trade: Trade, roi: float) -> float:
    """The rate at which the trade's profit after both fees equals ``roi``."""
    return trade.open_rate * (1 + trade.fee_open) * (1 + roi) / (1 - trade.fee_close)


def exit_reason_for(
    bot: RunningBot, trade: Trade, rate: float, now: datetime
) -> tuple[str | None, float | None]:
    """Freqtrade's order: exit signal, stoploss, ROI, then a trailing stop.

    Returns the exit reason and, for the stops and ROI, the price level that was reached: the
    exit fills there when the market moved through it since the last tick.
    """
    rules = bot.rules
    profit = trade.calc_profit_ratio(rate)
    signal = analysis.last_signal(bot.dataframes.get(trade.pair))
    stop_hit = rate <= trade.stop_loss
    wants_exit = rules.use_exit_signal and signal["exit_long"] and not signal["enter_long"]
    if wants_exit and (not rules.exit_profit_only or profit > rules.exit_profit_offset):
        return signal.get("exit_tag") or EXIT_SIGNAL, None
    # Before the stoploss, as in Freqtrade; a raising custom_exit counts as None, so the
    # stoploss and ROI below still close the trade.
    custom = call_strategy(
        bot.strategy,
        "custom_exit",
        default=None,
        candle=analysis.current_candle(bot),
        pair=trade.pair,
        trade=trade,
        current_time=now,
        current_rate=rate,
        current_profit=profit,
    )
    if custom:
        return (str(custom)[:64] if isinstance(custom, str) else CUSTOM_EXIT), None
    if stop_hit and not trade.is_stop_loss_trailing:
        return STOP_LOSS, trade.stop_loss
    ignore_roi = rules.ignore_roi_if_entry_signal and signal["enter_long"]
    minutes_open = int((now - trade.open_date).total_seconds() // 60)
    roi = rules.roi_for(minutes_open)
    if not ignore_roi and roi is not None and profit > roi:
        return ROI, roi_price(trade, roi)
    if stop_hit:
        return TRAILING_STOP_LOSS, trade.stop_loss
    return None, None


def handle_exits(bot: RunningBot, now: datetime) -> None:
    """Check every open trade whose entry has filled and that has no exit order pending."""
    changed = []
    for trade in bot.book.open_trades():
        if trade.amount <= 0 or bot.book.has_open_order(trade):
            continue
        rate = bot.current_rate(trade.pair)
        if rate is None:
            continue
        moved = _track_rates(trade, rate)
        # Freqtrade's order: the custom stop first, then the trailing stop may raise it more.
        moved |= callbacks.apply_custom_stoploss(bot, trade, rate)
        moved |= update_stoploss(bot, trade, rate, trade.calc_profit_ratio(rate))
        reason, level = exit_reason_for(bot, trade, rate, now)
        if reason:
            execute_exit(bot, trade, reason=reason, trigger_price=level)
        elif moved:
            changed.append(trade)
    if changed:
        with transaction.atomic():
            for trade in changed:
                trade.save(
                    update_fields=[
                        "max_rate",
                        "min_rate",
                        "stop_loss",
                        "stop_loss_pct",
                        "is_stop_loss_trailing",
                    ]
                )


def _track_rates(trade: Trade, rate: float) -> bool:
    before = (trade.max_rate, trade.min_rate)
    trade.max_rate = max(trade.max_rate or rate, rate)
    trade.min_rate = min(trade.min_rate or rate, rate)
    return before != (trade.max_rate, trade.min_rate)


def execute_exit(
    bot: RunningBot,
    trade: Trade,
    *,
    reason: str,
    order_type: str | None = None,
    price: float | None = None,
    amount: float | None = None,
    trigger_price: float | None = None,
) -> bool:
    """Place the exit order; a filled exit closes the trade and locks the pair for a candle.

    ``amount`` below the trade's amount is a partial exit (``adjust_trade_position``): the
    trade stays open, ``reason`` is the order's tag. ``trigger_price``: the stop or ROI level
    that made the bot exit (a simulated exchange fills there if the market moved through it).
    """
    rules = bot.rules
    if order_type is None:
        order_type = rules.order_types.get("stoploss" if "stop_loss" in reason else "exit", "limit")
        if reason == FORCE_EXIT:
            order_type = rules.order_types.get("force_exit", rules.order_types["exit"])
    now = bot.exchange.now()
    # An amount comes from adjust_trade_position: Freqtrade asks no confirm_trade_exit there.
    adjusting = amount is not None
    partial = adjusting and amount < trade.amount
    amount = amount if partial else trade.amount
    rate = price or pricing.exit_price(bot, trade.pair)
    if price is None and order_type != "market":
        # Stoploss exits too when they are limit orders: Freqtrade's bot asks there as well
        # (only its backtester keeps custom_exit_price to signal and custom exits).
        proposed, rate = rate, callbacks.custom_exit_price(bot, trade, rate, reason)
        if rate != proposed:
            trigger_price = None  # the strategy's own limit price: it fills where it rests
    if not adjusting and not call_strategy(
        bot.strategy,
        "confirm_trade_exit",
        default=True,
        candle=analysis.current_candle(bot),
        pair=trade.pair,
        trade=trade,
        order_type=order_type,
        amount=amount,
        rate=rate,
        time_in_force="GTC",
        exit_reason=reason,
        current_time=now,
    ):
        logger.info("Strategy refused to exit %s (%s)", trade.pair, reason)
        return False
    try:
        simulated = isinstance(bot.exchange, DryRunExchange)
        trigger = {"trigger_price": trigger_price} if simulated and trigger_price else {}
        result = bot.exchange.create_order(
            pair=trade.pair,
            order_type=order_type,
            side="sell",
            amount=amount,
            price=None if order_type == "market" else rate,
            **trigger,  # only the dry-run exchange takes it: a live exchange fills as it fills
        )
    except ExchangeError as exc:
        logger.warning("Could not place the exit order for %s: %s", trade.pair, exc)
        if reason == FORCE_EXIT:
            raise BotOperationError("Failed to exit trade.") from exc
        return False
    record_exit_order(bot, trade, result, exit_reason=reason, partial=partial)
    if not trade.is_open:
        locks.lock_pair(
            bot.bot_id, trade.pair, until=now, now=now, timeframe=bot.timeframe, reason=AUTO_LOCK
        )
        bot.trades_changed()
    return True
