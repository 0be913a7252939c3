"""A backtest's orders: placing them, filling them against the candle, timing them out.

An order fills when its price lies inside the candle's raw low..high (README behaviour 10:
prices are on the tick, candles are raw floats, so some limit orders fill a candle late or
never). The functions take the running ``engine.Backtester`` as ``bt`` (not imported: the
engine imports this module).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot_engine.backtest.exit_rules import adjust_stop
from bot_engine.backtest.local_order import BacktestOrder
from bot_engine.backtest.trade import BacktestTrade
from bot_engine.strategy.safe_call import call_strategy

Backtester = Any  # engine.Backtester
Row = Any  # engine.Row


def try_fill(
    bt: Backtester, order: BacktestOrder, trade: BacktestTrade, now: datetime, row
) -> bool:
    if not (row.low <= order.price <= row.high):
        return False
    trade.fill_order(order, now)
    call_strategy(
        bt.strategy,
        "order_filled",
        default=None,
        pair=trade.pair,
        trade=trade,
        order=order,
        current_time=now,
    )
    if not (order.ft_order_side == "sell" and order.amount == trade.amount):
        adjust_stop_after_fill(bt, trade, now, order.price)
    return True


def adjust_stop_after_fill(
    bt: Backtester, trade: BacktestTrade, now: datetime, rate: float
) -> None:
    if not bt.uses_after_fill:
        return
    adjust_stop(
        bt.strategy,
        bt.rules,
        trade,
        rate=rate,
        now=now,
        profit=trade.calc_profit_ratio(rate),
        after_fill=True,
        uses_after_fill=True,
    )


def new_order(
    bt: Backtester, trade: BacktestTrade, side: str, price: float, amount: float, when, tag
) -> BacktestOrder:
    bt.order_ids += 1
    order = BacktestOrder(
        id=bt.order_ids,
        ft_order_side=side,
        order_type=bt.entry_type if side == "buy" else bt.exit_type,
        price=price,
        amount=amount,
        order_date=when,
        ft_order_tag=tag,
        fee=bt.fee,
    )
    trade.orders.append(order)
    return order


def similar_order(
    bt: Backtester, trade: BacktestTrade, price: float, amount: float, side: str
) -> bool:
    """True when the same order is already open; other open orders are cancelled."""
    if not trade.has_open_orders:
        return False
    current = trade.select_order(side, is_open=True)
    if current and current.price == price and current.amount == amount:
        return True
    for order in trade.open_orders:
        if order.ft_order_side == "buy":
            bt.counters.canceled_entry_orders += 1
        trade.orders.remove(order)
    return False


def timed_out(bt: Backtester, trade: BacktestTrade, order: BacktestOrder, now: datetime) -> bool:
    timeout = bt.timeouts.get(order.ft_order_side)
    if timeout is not None and order.order_date <= now - timeout:
        return True
    callback = "check_entry_timeout" if order.ft_order_side == "buy" else "check_exit_timeout"
    return bool(
        call_strategy(
            bt.strategy,
            callback,
            default=False,
            pair=trade.pair,
            trade=trade,
            order=order,
            current_time=now,
        )
    )
