"""One trade with the facts its orders and the current price add: what TradeFull, TradeBase and
TradeOpen show (contract §2.9, formulas of §3.1 and §3.3). The JSON is built in
``api/serializers/trades.py``; here are the values, in the engine's units (datetimes, floats,
NaN where a price is unknown).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot_engine import trade_math
from bot_engine.exchange import precision as precision_rules
from bot_engine.models import Order, Trade
from bot_engine.models.order import FINAL_STATUSES


@dataclass(slots=True)
class TradeRecord:
    """A trade (a model instance or a ``.values()`` row with the same attributes) and what its
    orders say: the TradeFull keys that are not columns of the trade."""

    trade: Trade
    entry_side: str
    orders: list[Order]  # the visible ones: filled in a final state, or open
    open_fill_date: datetime | None
    stoploss_last_update: datetime | None
    successful_entries: int
    successful_exits: int
    has_open_orders: bool


@dataclass(slots=True)
class OpenTradeRecord(TradeRecord):
    """TradeOpen's profit now (contract §3.3); NaN where no price makes it unknown."""

    current_rate: float
    profit_ratio: float
    profit_abs: float
    total_profit_abs: float
    total_profit_ratio: float | None
    stoploss_current_dist: float
    stoploss_current_dist_ratio: float
    stoploss_entry_dist: float
    stoploss_entry_dist_ratio: float


def visible_orders(orders: Iterable[Order]) -> list[Order]:
    """Filled orders in a final state plus open orders (Freqtrade's filled-or-open filter)."""
    return [
        order
        for order in sorted(orders, key=lambda o: o.pk or 0)
        if (not order.ft_is_open and (order.filled or 0) > 0 and order.status in FINAL_STATUSES)
        or (order.ft_is_open and order.status is not None)
    ]


def trade_record(trade: Trade, orders: Iterable[Order]) -> TradeRecord:
    """``trade`` with the facts of ``orders`` (all of its orders)."""
    return TradeRecord(trade, *_order_facts(trade, list(orders)))


def open_trade_record(trade: Trade, *, current_rate: float | None) -> OpenTradeRecord:
    """``trade`` (orders from ``trade.orders``) priced at ``current_rate``, the exit-side price
    now: ignored for a closed trade, which uses its close rate; None or NaN when unavailable,
    which makes the profit unknown (contract §3.3)."""
    orders = list(trade.orders.all())
    facts = _order_facts(trade, orders)
    total_profit_abs = 0.0
    total_profit_ratio: float | None = None
    if trade.is_open:
        rate = math.nan if current_rate is None else float(current_rate)
        if _filled(orders, facts[0]):
            profit_ratio = profit_abs = math.nan
            if not math.isnan(rate):
                profit_abs, profit_ratio = trade_math.open_profit(trade, rate)
                total_profit_abs = profit_abs + (trade.realized_profit or 0.0)
                total_profit_ratio = trade_math.total_profit_ratio(
                    total_profit_abs,
                    trade.max_stake_amount,
                    trade.fee_open,
                    is_short=trade.is_short,
                )
        else:
            profit_ratio = profit_abs = 0.0
    else:
        rate = trade.close_rate or 0.0
        profit_ratio = trade.close_profit or 0.0
        profit_abs = trade.close_profit_abs or 0.0

    entry_dist, entry_dist_ratio = trade_math.open_profit(trade, trade.stop_loss)
    current_dist = current_dist_ratio = math.nan
    if rate and not math.isnan(rate):
        current_dist = price_to_precision(
            trade.stop_loss - rate, trade.price_precision, trade.precision_mode_price
        )
        current_dist_ratio = current_dist / rate
    return OpenTradeRecord(
        trade,
        *facts,
        current_rate=rate,
        profit_ratio=profit_ratio,
        profit_abs=profit_abs,
        total_profit_abs=total_profit_abs,
        total_profit_ratio=total_profit_ratio,
        stoploss_current_dist=current_dist,
        stoploss_current_dist_ratio=current_dist_ratio,
        stoploss_entry_dist=entry_dist,
        stoploss_entry_dist_ratio=entry_dist_ratio,
    )


def price_to_precision(price: float, precision: float | None, mode: int | None) -> float:
    """ccxt's ``decimal_to_precision(ROUND)``: nearest tick (or decimals), ties away from 0."""
    if math.isnan(price):
        return price
    return precision_rules.price_to_precision(price, precision, mode)


def _order_facts(
    trade: Trade, orders: list[Order]
) -> tuple[str, list[Order], datetime | None, datetime | None, int, int, bool]:
    """TradeRecord's fields after ``trade``, in order; one pass over the orders (a ``/trades``
    page computes this for 500 trades)."""
    entry_side, exit_side = ("sell", "buy") if trade.is_short else ("buy", "sell")
    entries = exits = 0
    open_fill = stoploss_update = None
    has_open_orders = False
    for order in orders:
        side = order.ft_order_side
        if order.ft_is_open:
            if side != "stoploss":
                has_open_orders = True
            elif order.order_date and (
                stoploss_update is None or order.order_date > stoploss_update
            ):
                stoploss_update = order.order_date
        elif order.filled and order.status in FINAL_STATUSES:
            if side == entry_side:
                entries += 1
                filled_at = order.order_filled_date
                if filled_at and (open_fill is None or filled_at < open_fill):
                    open_fill = filled_at
            elif side == exit_side:
                exits += 1
    return (
        entry_side,
        visible_orders(orders),
        open_fill,
        stoploss_update,
        entries,
        exits,
        has_open_orders,
    )


def _filled(orders: list[Order], side: str) -> list[Order]:
    return [
        o
        for o in orders
        if o.ft_order_side == side and not o.ft_is_open and o.filled and o.status in FINAL_STATUSES
    ]
