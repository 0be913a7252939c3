"""A backtest's exits: which exit applies in the candle, its order, and what a fill closes.

The rules themselves (order of precedence, stop moves, exit prices) are ``exit_rules``; here
they are applied to the run: custom exit prices, ``confirm_trade_exit``, the order on the
market's tick, the fill that closes the trade, and the protections it may set off. The
functions take the running ``engine.Backtester`` as ``bt``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot_engine.backtest.exit_rules import (
    ExitCheck,
    RoiOnRedCandle,
    roi_close_rate,
    should_exit,
    stop_close_rate,
)
from bot_engine.backtest.local_order import BacktestOrder
from bot_engine.backtest.orders import new_order, similar_order, try_fill
from bot_engine.backtest.trade import BacktestTrade
from bot_engine.exchange.precision import TICK_SIZE, amount_to_precision, price_to_precision
from bot_engine.strategy.enums import ExitType
from bot_engine.strategy.safe_call import call_strategy

Backtester = Any  # engine.Backtester
Row = Any  # engine.Row
STOP_EXITS = (ExitType.STOP_LOSS, ExitType.TRAILING_STOP_LOSS, ExitType.LIQUIDATION)
SIGNAL_EXITS = (ExitType.EXIT_SIGNAL, ExitType.CUSTOM_EXIT, ExitType.PARTIAL_EXIT)


def exit_for(
    bt: Backtester,
    trade: BacktestTrade,
    row: Row,
    check: ExitCheck,
    now: datetime,
    amount: float | None = None,
) -> bool:
    """Place the exit order ``check`` asks for; False when no order was placed."""
    trade.close_date = now
    reason = check.reason
    amount = amount if amount is not None else trade.amount
    minutes = int((now - trade.open_date).total_seconds() // 60)
    try:
        rate = close_rate(bt, trade, row, check.exit_type, minutes)
    except RoiOnRedCandle:
        return False
    if check.exit_type in SIGNAL_EXITS:
        if check.exit_type == ExitType.EXIT_SIGNAL and row.exit_tag:
            reason = row.exit_tag
        if bt.exit_type == "limit":
            rate = custom_exit_price(bt, trade, row, rate, reason, now)
    if check.exit_type != ExitType.PARTIAL_EXIT and not call_strategy(
        bt.strategy,
        "confirm_trade_exit",
        default=True,
        pair=trade.pair,
        trade=trade,
        order_type=bt.exit_type,
        amount=amount,
        rate=rate,
        time_in_force="GTC",
        sell_reason=reason,
        exit_reason=reason,
        current_time=now,
    ):
        return False
    trade.exit_reason = reason
    return place_exit(bt, trade, row, rate, amount, reason)


def custom_exit_price(bt: Backtester, trade, row: Row, rate: float, reason: str, now) -> float:
    """custom_exit_price's limit, never below the candle's low (it would fill at once)."""
    custom = call_strategy(
        bt.strategy,
        "custom_exit_price",
        default=rate,
        pair=trade.pair,
        trade=trade,
        current_time=now,
        proposed_rate=rate,
        current_profit=trade.calc_profit_ratio(rate),
        exit_tag=reason,
    )
    if custom is not None and custom != rate:
        rate = custom
    return max(rate, row.low)


def close_rate(bt: Backtester, trade: BacktestTrade, row: Row, exit_type: ExitType, minutes: int):
    if exit_type in STOP_EXITS:
        return stop_close_rate(
            bt.rules,
            bt.strategy,
            trade,
            exit_type,
            open_=row.open,
            high=row.high,
            low=row.low,
            minutes=minutes,
        )
    if exit_type == ExitType.ROI:
        return roi_close_rate(
            bt.strategy,
            bt.rules,
            trade,
            now=row.date,
            open_=row.open,
            high=row.high,
            low=row.low,
            close=row.close,
            minutes=minutes,
            timeframe_minutes=bt.timeframe_minutes,
        )
    return row.open


def place_exit(bt: Backtester, trade, row: Row, rate: float, amount: float, reason) -> bool:
    rate = price_to_precision(float(rate), trade.price_precision, TICK_SIZE)
    amount = amount_to_precision(float(amount or trade.amount), trade.amount_precision, TICK_SIZE)
    if similar_order(bt, trade, rate, amount, "sell"):
        return False
    new_order(bt, trade, "sell", rate, amount, row.date, reason)
    return True


def process_exit_order(
    bt: Backtester, order: BacktestOrder, trade, now: datetime, row: Row
) -> None:
    if not try_fill(bt, order, trade, now, row):
        return
    if order.filled != trade.amount:
        trade.recalc_from_orders()
    else:
        trade.close(order.price, now)
        bt.ledger.close(trade)
    if bt.protections:
        bt.protections.after_close(
            bt.ledger.closed,
            trade.pair,
            now,
            "long",
            bt.ledger.starting_wallet,
            is_locked=bt.ledger.is_locked,
            lock=lambda wanted, at: bt.ledger.lock(
                wanted.pair, wanted.until, wanted.reason, now=at, side=wanted.side
            ),
        )


def check_exit(bt: Backtester, trade: BacktestTrade, row: Row, now: datetime) -> None:
    """Place the order of the first exit that applies in this candle (none: nothing)."""
    if not trade.is_open:
        return
    exits = should_exit(
        bt.strategy,
        bt.rules,
        trade,
        rate=row.open,
        now=row.date,
        enter=row.enter,
        exit_=row.exit,
        low=row.low,
        high=row.high,
        uses_after_fill=bt.uses_after_fill,
    )
    for check in exits:
        if exit_for(bt, trade, row, check, now):
            return
