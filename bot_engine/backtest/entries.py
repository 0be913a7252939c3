"""Entries of a backtest: a new trade at the candle's open, or a position adjustment (DCA).

Stake sizing is the live wallet's rule (configured stake, or "unlimited": the tradable balance
split over the free slots), checked against the market's minimum stake; the amount is
truncated to the market's step and the stake recomputed from it (README behaviours 9, 12, 14).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from bot_engine.backtest.exit_rules import ExitCheck
from bot_engine.backtest.exits import exit_for, process_exit_order
from bot_engine.backtest.local_order import div18, to_decimal
from bot_engine.backtest.orders import new_order, similar_order, try_fill
from bot_engine.backtest.trade import BacktestTrade
from bot_engine.exchange.precision import TICK_SIZE, amount_to_precision, price_to_precision
from bot_engine.strategy.enums import ExitType
from bot_engine.strategy.safe_call import call_strategy

# ``bt`` below is the running ``engine.Backtester`` and ``row`` its ``engine.Row`` (not
# imported: the engine imports this module).
Backtester = Any
Row = Any

NEW_TRADE_STOP_RESERVE = -0.05  # Freqtrade's stoploss reserve for a new trade's minimum stake
ADJUST_STOP_RESERVE = -0.1  # ... and for what adjust_trade_position is offered


def enter(
    bt: Backtester,
    pair: str,
    row: Row,
    *,
    trade: BacktestTrade | None = None,
    stake: float | None = None,
    order_tag: str | None = None,
    requested_rate: float | None = None,
    requested_stake: float | None = None,
) -> BacktestTrade | None:
    """Place (and, when the candle allows, fill) an entry order; returns the trade."""
    market = bt.markets[pair]
    now = row.date
    entry_tag = order_tag or row.enter_tag
    adjusting = trade is not None and requested_rate is None
    tick = market.tick_at(now)
    rate, stake_value, min_stake = _price_and_stake(
        bt, pair, row, stake or (trade.stake_amount if trade else 0.0), entry_tag, trade, tick
    )
    rate = float(requested_rate or rate)
    stake_value = float(requested_stake or stake_value)
    if not stake_value:
        return trade
    if min_stake and stake_value < min_stake:
        return trade
    amount = amount_to_precision(stake_value / rate, market.amount_step, TICK_SIZE)
    if not amount:
        return trade
    stake_value = amount * rate
    if not adjusting and not call_strategy(
        bt.strategy,
        "confirm_trade_entry",
        default=True,
        pair=pair,
        order_type=bt.entry_type,
        amount=amount,
        rate=rate,
        time_in_force="GTC",
        current_time=now,
        entry_tag=entry_tag,
        side="long",
    ):
        return trade
    if trade is None:
        bt.trade_ids += 1
        trade = BacktestTrade(
            id=bt.trade_ids,
            pair=pair,
            open_rate=rate,
            open_date=now,
            stake_amount=stake_value,
            amount_requested=amount,
            fee_open=bt.fee,
            fee_close=bt.fee,
            enter_tag=entry_tag,
            price_precision=tick,
            amount_precision=market.amount_step,
            strategy=bt.strategy.get_strategy_name(),
            timeframe=bt.timeframe_minutes,
        )
        bt.ledger.add(trade)
    elif similar_order(bt, trade, rate, amount, "buy"):
        return None
    trade.adjust_stop_loss(trade.open_rate, bt.rules.stoploss, initial=True)
    order = new_order(bt, trade, "buy", rate, amount, now, entry_tag)
    try_fill(bt, order, trade, now, row)
    trade.recalc_from_orders()
    return trade


def _price_and_stake(bt, pair, row, stake, entry_tag, trade, tick) -> tuple[float, float, float]:
    """The entry price (custom_entry_price, capped at the high) and the validated stake."""
    rate = row.open
    now = row.date
    if bt.entry_type == "limit":
        wanted = call_strategy(
            bt.strategy,
            "custom_entry_price",
            default=rate,
            pair=pair,
            trade=trade,
            current_time=now,
            proposed_rate=rate,
            entry_tag=entry_tag,
            side="long",
        )
        if wanted is not None and wanted != rate:
            rate = price_to_precision(wanted, tick, TICK_SIZE)
        rate = min(rate, row.high)
    adjusting = trade is not None
    if not adjusting:
        stake = bt.ledger.trade_stake(bt.stake_amount, bt.max_open_trades)
        if stake is None:
            return rate, 0.0, 0.0
    market = bt.markets[pair]
    reserve = NEW_TRADE_STOP_RESERVE if not adjusting else 0.0
    min_stake = market.min_stake(rate, reserve) or 0.0
    available = bt.ledger.available_stake()
    if not adjusting:
        stake = call_strategy(
            bt.strategy,
            "custom_stake_amount",
            default=stake,
            pair=pair,
            current_time=now,
            current_rate=rate,
            proposed_stake=stake,
            min_stake=min_stake,
            max_stake=available,
            leverage=1.0,
            entry_tag=entry_tag,
            side="long",
        )
    return rate, _validate_stake(stake, min_stake, available), min_stake


def _validate_stake(stake, min_stake: float, available: float) -> float:
    """Freqtrade's stake check: up to 30 % raised to the minimum, capped at what is free."""
    if not stake or isinstance(stake, str) or stake <= 0:
        return 0.0
    if min_stake > available:
        return 0.0
    if stake < min_stake:
        if stake * 1.3 < min_stake:
            return 0.0
        stake = min_stake
    return min(stake, available)


def adjust_position(bt: Backtester, trade: BacktestTrade, row: Row, now: datetime) -> None:
    """adjust_trade_position: a positive stake adds an entry; a negative one sells part."""
    rate = row.open
    profit = trade.calc_profit_ratio(rate)
    market = bt.markets[trade.pair]
    available = bt.ledger.available_stake()
    answer = call_strategy(
        bt.strategy,
        "adjust_trade_position",
        default=(None, ""),
        trade=trade,
        current_time=now,
        current_rate=rate,
        current_profit=profit,
        min_stake=market.min_stake(rate, ADJUST_STOP_RESERVE),
        max_stake=available,
        current_entry_rate=rate,
        current_exit_rate=rate,
        current_entry_profit=profit,
        current_exit_profit=profit,
    )
    stake, tag = _stake_and_tag(answer)
    if stake is None or (isinstance(stake, float) and math.isnan(stake)):
        return
    if stake > 0:
        limit = bt.strategy.max_entry_position_adjustment
        if limit > -1 and trade.nr_of_successful_entries > limit:
            return
        enter(bt, trade.pair, row, trade=trade, stake=stake, order_tag=tag)
    elif stake < 0:
        _partial_exit(bt, trade, row, now, -stake, tag, market)


def _stake_and_tag(answer) -> tuple[float | None, str]:
    if isinstance(answer, tuple):
        stake = answer[0] if answer else None
        tag = (answer[1] if len(answer) > 1 else "") or ""
        return stake, tag
    return answer, ""


def _partial_exit(bt, trade: BacktestTrade, row, now, stake: float, tag: str, market) -> None:
    # In decimal, as Freqtrade: half of 3.22 must be 1.61, not 1.6099999999999999.
    share = div18(to_decimal(stake) * to_decimal(trade.amount), to_decimal(trade.stake_amount))
    amount = amount_to_precision(float(share), trade.amount_precision, TICK_SIZE)
    if amount == 0.0:
        return
    remaining = (trade.amount - amount) * row.open
    min_stake = market.min_stake(row.open, ADJUST_STOP_RESERVE)
    if min_stake and remaining != 0 and remaining < min_stake:
        return
    if exit_for(bt, trade, row, ExitCheck.of(ExitType.PARTIAL_EXIT, tag), now, amount):
        process_exit_order(bt, trade.orders[-1], trade, now, row)
