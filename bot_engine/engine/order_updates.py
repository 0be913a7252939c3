"""Follow open orders: record fills, cancel the ones past ``unfilledtimeout``."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction

from bot_engine import events
from bot_engine.config.model import UnfilledTimeout
from bot_engine.engine import callbacks
from bot_engine.engine.orders import apply_entry_fill, apply_exit_fill, update_order_row
from bot_engine.engine.state import RunningBot
from bot_engine.exceptions import ExchangeError
from bot_engine.models import Order

logger = logging.getLogger(__name__)


def timeout_delta(timeout: UnfilledTimeout, *, entry: bool) -> timedelta:
    value = timeout.entry if entry else timeout.exit
    return timedelta(seconds=value) if timeout.unit == "seconds" else timedelta(minutes=value)


def handle_open_orders(bot: RunningBot, now: datetime) -> None:
    for order in bot.book.open_orders():
        try:
            result = bot.exchange.fetch_order(order.order_id, order.ft_pair)
        except ExchangeError as exc:
            logger.warning(
                "Could not check order %s for %s: %s", order.order_id, order.ft_pair, exc
            )
            continue
        entry = order.ft_order_side == "buy"
        if result.status == "open":
            timed_out = order.order_date and now - order.order_date > timeout_delta(
                bot.config.unfilledtimeout, entry=entry
            )
            # The strategy's check_entry/exit_timeout may cancel it earlier (Freqtrade's).
            if timed_out or callbacks.order_timed_out(bot, order, now):
                cancel_order(bot, order, reason="timeout")
            continue
        bot.trades_changed()
        with transaction.atomic():
            update_order_row(order, result)
            if result.status == "closed":
                if entry:
                    apply_entry_fill(bot, order.trade, order)
                else:
                    apply_exit_fill(bot, order.trade, order, when=now)
            else:
                _after_cancel(bot, order, reason=result.status)


def cancel_order(bot: RunningBot, order: Order, *, reason: str) -> None:
    """Cancel on the exchange, then record it; a never-filled entry removes its trade."""
    result = bot.exchange.cancel_order(order.order_id, order.ft_pair)
    bot.trades_changed()
    with transaction.atomic():
        update_order_row(order, result)
        order.ft_cancel_reason = reason
        order.order_update_date = bot.exchange.now()  # when it was cancelled
        if result.status == "closed":  # it filled while we were cancelling
            if order.ft_order_side == "buy":
                apply_entry_fill(bot, order.trade, order)
            else:
                apply_exit_fill(bot, order.trade, order, when=bot.exchange.now())
            return
        order.ft_is_open = False
        _after_cancel(bot, order, reason=reason)


def _after_cancel(bot: RunningBot, order: Order, *, reason: str) -> None:
    trade = order.trade
    order.save()
    kind = "entry_cancel" if order.ft_order_side == "buy" else "exit_cancel"
    events.publish(
        {
            "type": kind,
            "trade_id": trade.trade_id,
            "pair": trade.pair,
            "reason": reason,
            "direction": "Long",
        }
    )
    never_filled = order.ft_order_side == "buy" and not (order.filled or 0)
    if never_filled and not trade.orders.exclude(pk=order.pk).filter(filled__gt=0).exists():
        logger.info(
            "Entry order for %s cancelled (%s); removing trade %s",
            trade.pair,
            reason,
            trade.trade_id,
        )
        trade.delete()
        return
    if order.ft_order_side == "sell":
        trade.exit_reason = None
        trade.exit_order_status = reason
        trade.save(update_fields=["exit_reason", "exit_order_status"])
