"""Placing orders and writing their outcome to the trade tables, one transaction per change."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Max

from bot_engine import events, trade_math
from bot_engine.data.timeframes import timeframe_to_minutes
from bot_engine.engine import callbacks, protections
from bot_engine.engine.state import RunningBot
from bot_engine.exchange.base import Market, OrderResult
from bot_engine.models import Order, Trade

logger = logging.getLogger(__name__)

EXIT_REASON_FORCE = "force_exit"


def _order_row(trade: Trade, result: OrderResult, *, ft_side: str, tag: str | None) -> Order:
    order = Order(
        trade=trade,
        bot_id=trade.bot_id,
        ft_order_side=ft_side,
        ft_pair=trade.pair,
        ft_amount=result.amount,
        ft_price=result.price or 0.0,
        ft_order_tag=tag,
        order_id=result.id,
        symbol=result.symbol,
        side=result.side,
        order_type=result.type,
        order_date=result.timestamp,
    )
    update_order_row(order, result)
    return order


def update_order_row(order: Order, result: OrderResult) -> None:
    order.status = result.status
    order.price = result.price
    order.average = result.average
    order.amount = result.amount
    order.filled = result.filled
    order.remaining = result.remaining
    order.cost = result.cost
    order.ft_is_open = result.status == "open"
    order.order_update_date = result.filled_at or result.timestamp
    if result.status == "closed" and result.filled_at and order.order_filled_date is None:
        order.order_filled_date = result.filled_at


def next_trade_id(bot_id: int) -> int:
    current = Trade.objects.filter(bot_id=bot_id).aggregate(m=Max("trade_id"))["m"]
    return (current or 0) + 1


def set_initial_stoploss(trade: Trade, stoploss: float) -> None:
    trade.stop_loss = trade_math.stop_on_tick(
        trade_math.stoploss_price(
            trade.open_rate, stoploss, is_short=trade.is_short, leverage=trade.leverage
        ),
        trade.price_precision,
        trade.precision_mode_price,
    )
    trade.stop_loss_pct = -abs(stoploss)
    trade.initial_stop_loss = trade.stop_loss
    trade.initial_stop_loss_pct = trade.stop_loss_pct


def open_trade(
    bot: RunningBot,
    *,
    pair: str,
    result: OrderResult,
    stake: float,
    enter_tag: str | None,
    market: Market | None,
) -> Trade:
    """Record a new trade and its entry order; apply the fill if the order filled at once.

    Nothing here may call the exchange: the order exists, so it must be recorded whatever
    the exchange does next (``market`` was read before the order was placed).
    """
    now = result.timestamp or bot.exchange.now()
    with transaction.atomic():
        trade = Trade.objects.create(
            bot_id=bot.bot_id,
            trade_id=next_trade_id(bot.bot_id),
            exchange=bot.exchange.name,
            pair=pair,
            base_currency=pair.split("/")[0],
            stake_currency=bot.config.stake_currency,
            is_open=True,
            fee_open=bot.exchange_fee(pair),
            fee_close=bot.exchange_fee(pair),
            open_rate=result.price or 0.0,
            open_rate_requested=result.price,
            amount=result.amount,
            amount_requested=result.amount,
            stake_amount=stake,
            max_stake_amount=stake,
            open_date=now,
            strategy=type(bot.strategy).__name__,
            enter_tag=enter_tag,
            timeframe=timeframe_to_minutes(bot.timeframe),
            trading_mode=bot.config.trading_mode,
            amount_precision=market.amount_precision if market else None,
            price_precision=market.price_precision if market else None,
            precision_mode=market.precision_mode if market else None,
            precision_mode_price=market.precision_mode if market else None,
            max_rate=result.price,
            min_rate=result.price,
        )
        trade.recalc_open_trade_value()
        set_initial_stoploss(trade, bot.stoploss_for(pair))
        trade.save()
        order = _order_row(trade, result, ft_side="buy", tag=enter_tag)
        order.save()
        events.publish(trade_event(bot, trade, "entry", order))
        if result.status == "closed":
            apply_entry_fill(bot, trade, order)
    bot.trades_changed()
    logger.info(
        "Entered %s (trade %s): %.8f @ %.8f, stake %.8f %s, tag %s",
        pair,
        trade.trade_id,
        trade.amount,
        trade.open_rate,
        trade.stake_amount,
        trade.stake_currency,
        enter_tag,
    )
    return trade


def apply_entry_fill(bot: RunningBot, trade: Trade, order: Order) -> None:
    """An entry order filled: the trade now holds what was bought, at the average price.

    A further entry (``adjust_trade_position``) averages the open rate over every filled
    entry, as Freqtrade does; the stop stays where the first entry put it.
    """
    order.save()
    first = not trade.orders.exclude(pk=order.pk).filter(ft_order_side="buy", filled__gt=0).exists()
    trade.fee_open = bot.exchange_fee(trade.pair)
    trade.fee_open_currency = trade.stake_currency
    price = order.average or order.price or trade.open_rate
    if first:
        filled = order.filled or 0.0
        trade.amount = filled
        trade.open_rate = price
        trade.stake_amount = filled * price / trade.leverage
        trade.max_stake_amount = trade.stake_amount
        trade.fee_open_cost = (order.cost or 0.0) * trade.fee_open
        trade.recalc_open_trade_value()
        if not trade.is_stop_loss_trailing:
            set_initial_stoploss(trade, bot.stoploss_for(trade.pair))
    else:
        recalc_position(trade)
        trade.fee_open_cost = (trade.fee_open_cost or 0.0) + (order.cost or 0.0) * trade.fee_open
    trade.max_rate = max(trade.max_rate or price, price)
    trade.min_rate = min(trade.min_rate or price, price)
    when = order.order_filled_date or bot.exchange.now()
    callbacks.order_filled(bot, trade, order, when)
    callbacks.apply_custom_stoploss(bot, trade, price, after_fill=True)
    trade.save()
    events.publish(trade_event(bot, trade, "entry_fill", order))


def recalc_position(trade: Trade) -> None:
    """Amount, average open rate, stakes and realised profit from the trade's filled orders."""
    fills = [
        (o.ft_order_side == "buy", o.filled, o.average or o.price or 0.0)
        for o in trade.orders.filter(filled__gt=0).order_by("id")
    ]
    position = trade_math.position_from_fills(
        fills, fee_open=trade.fee_open, fee_close=trade.fee_close
    )
    leverage = trade.leverage or 1.0
    trade.amount = position.amount
    trade.open_rate = position.open_rate
    trade.stake_amount = position.amount * position.open_rate / leverage
    trade.max_stake_amount = max(trade.max_stake_amount or 0.0, position.max_stake / leverage)
    trade.realized_profit = position.realized_profit
    trade.recalc_open_trade_value()


def apply_exit_fill(bot: RunningBot, trade: Trade, order: Order, *, when: datetime) -> None:
    """The exit order filled: close the trade with its realised profit (or, for a partial
    exit of ``adjust_trade_position``, book that part's profit and keep the rest open)."""
    rate = order.average or order.price or 0.0
    trade.fee_close = bot.exchange_fee(trade.pair)
    trade.fee_close_currency = trade.stake_currency
    fee_cost = (order.cost or 0.0) * trade.fee_close
    if (order.filled or 0.0) < trade.amount * (1 - 1e-9):
        order.save()
        recalc_position(trade)
        trade.fee_close_cost = (trade.fee_close_cost or 0.0) + fee_cost
        trade.exit_order_status = None
        callbacks.order_filled(bot, trade, order, order.order_filled_date or when)
        trade.save()
        events.publish(trade_event(bot, trade, "exit_fill", order))
        logger.info(
            "Partly exited %s (trade %s): %.8f @ %.8f, %.8f left",
            trade.pair,
            trade.trade_id,
            order.filled or 0.0,
            rate,
            trade.amount,
        )
        return
    earlier = trade.realized_profit or 0.0  # partial exits booked before this one
    trade.fee_close_cost = fee_cost
    trade.close_rate = rate
    trade.close_profit_abs = trade_math.round8(earlier + trade.calc_profit(rate))
    if earlier:
        trade.close_profit = trade_math.total_profit_ratio(
            trade.close_profit_abs, trade.max_stake_amount, trade.fee_open, is_short=trade.is_short
        )
    else:
        trade.close_profit = trade_math.closed_profit_ratio(
            trade.close_profit_abs, trade.open_trade_value, leverage=trade.leverage
        )
    trade.realized_profit = trade.close_profit_abs
    trade.close_date = order.order_filled_date or when
    trade.is_open = False
    trade.exit_order_status = None
    order.save()
    callbacks.order_filled(bot, trade, order, trade.close_date)
    trade.save()
    protections.after_close(bot, trade, trade.close_date)
    events.publish(trade_event(bot, trade, "exit_fill", order))
    logger.info(
        "Exited %s (trade %s) @ %.8f: %s, profit %.8f %s (%.2f%%)",
        trade.pair,
        trade.trade_id,
        rate,
        trade.exit_reason,
        trade.close_profit_abs,
        trade.stake_currency,
        trade.close_profit * 100,
    )


def record_exit_order(
    bot: RunningBot,
    trade: Trade,
    result: OrderResult,
    *,
    exit_reason: str,
    partial: bool = False,
) -> Order:
    """Record an exit order; a partial one (``adjust_trade_position``) leaves the trade's exit
    reason alone and carries its tag on the order only."""
    with transaction.atomic():
        if not partial:
            trade.exit_reason = exit_reason
            trade.close_rate_requested = result.price
        order = _order_row(trade, result, ft_side="sell", tag=exit_reason)
        order.save()
        trade.save()
        events.publish(trade_event(bot, trade, "exit", order))
        if result.status == "closed":
            apply_exit_fill(bot, trade, order, when=result.filled_at or bot.exchange.now())
    bot.trades_changed()
    return order


def record_entry_order(bot: RunningBot, trade: Trade, result: OrderResult, *, tag: str | None):
    """Record a further entry order of an open trade (``adjust_trade_position``)."""
    with transaction.atomic():
        order = _order_row(trade, result, ft_side="buy", tag=tag)
        order.save()
        events.publish(trade_event(bot, trade, "entry", order))
        if result.status == "closed":
            apply_entry_fill(bot, trade, order)
    bot.trades_changed()
    return order


def trade_event(bot: RunningBot, trade: Trade, kind: str, order: Order) -> dict:
    """The websocket message of contract §4 for an entry/exit event."""
    message = {
        "type": kind,
        "trade_id": trade.trade_id,
        "exchange": bot.exchange.name.capitalize(),
        "pair": trade.pair,
        "leverage": trade.leverage,
        "direction": "Short" if trade.is_short else "Long",
        "limit": order.safe_price,
        "order_rate": order.safe_price,
        "open_rate": trade.open_rate,
        "order_type": order.order_type,
        "amount": order.safe_amount,
        "stake_amount": trade.stake_amount,
        "stake_currency": trade.stake_currency,
        "base_currency": trade.base_currency,
        "quote_currency": trade.stake_currency,
        "fiat_currency": bot.config.fiat_display_currency or None,
        "open_date": trade.open_date,
        "current_rate": bot.current_rate(trade.pair),
        "sub_trade": False,
        "buy_tag": trade.enter_tag,
        "enter_tag": trade.enter_tag,
    }
    if kind.startswith("exit"):
        profit = trade.close_profit_abs if not trade.is_open else None
        message.update(
            gain="profit" if (profit or 0) > 0 else "loss",
            close_rate=trade.close_rate,
            profit_amount=profit,
            profit_ratio=trade.close_profit,
            exit_reason=trade.exit_reason,
            close_date=trade.close_date,
            cumulative_profit=profit,
            final_profit_ratio=trade.close_profit,
            is_final_exit=not trade.is_open,
        )
    return message
