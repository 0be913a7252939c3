"""The per-candle trade loop of a backtest: orders, entries and exits over numpy arrays.

For every candle of the range, each pair (those holding a trade first) goes through
Freqtrade's steps: open orders timed out or replaced, a new entry on the previous candle's
signal, entry fills, exit checks (position adjustment, exit signal, stoploss, ROI, trailing
stop), exit fills. Prices and amounts sit on the market's grid; fills are tested against the
candle's raw floats.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot_engine.backtest.entries import adjust_position, enter
from bot_engine.backtest.exit_rules import (
    ExitCheck,
    RoiOnRedCandle,
    adjust_stop,
    roi_close_rate,
    should_exit,
    stop_close_rate,
)
from bot_engine.backtest.ledger import Ledger
from bot_engine.backtest.markets import BacktestMarket
from bot_engine.backtest.signals import PairArrays
from bot_engine.backtest.trade import BacktestOrder, BacktestTrade
from bot_engine.config.model import BotConfig
from bot_engine.data.timeframes import timeframe_to_minutes, timeframe_to_seconds
from bot_engine.engine.rules import TradingRules
from bot_engine.exceptions import BotOperationError
from bot_engine.exchange.precision import TICK_SIZE, amount_to_precision, price_to_precision
from bot_engine.protections import ProtectionSet
from bot_engine.strategy.base import IStrategy
from bot_engine.strategy.enums import ExitType
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)

STOP_REQUESTED = "Stop requested"
STOP_EXITS = (ExitType.STOP_LOSS, ExitType.TRAILING_STOP_LOSS, ExitType.LIQUIDATION)
SIGNAL_EXITS = (ExitType.EXIT_SIGNAL, ExitType.CUSTOM_EXIT, ExitType.PARTIAL_EXIT)


class BacktestStopped(BotOperationError):
    """The caller asked the run to stop (``should_stop()``)."""


@dataclass
class Row:
    """The candle a pair is at: open time, prices and the previous candle's signals."""

    date: datetime
    open: float
    high: float
    low: float
    close: float
    enter: bool
    exit: bool
    enter_tag: str | None
    exit_tag: str | None


@dataclass
class Counters:
    rejected_signals: int = 0
    timedout_entry_orders: int = 0
    timedout_exit_orders: int = 0
    canceled_trade_entries: int = 0
    canceled_entry_orders: int = 0
    replaced_entry_orders: int = 0
    extra: dict = field(default_factory=dict)


def _overrides(strategy: IStrategy, name: str) -> bool:
    method = getattr(type(strategy), name, None)
    return method is not None and getattr(IStrategy, name, None) is not method


class Backtester:
    """One run: the strategy, its rules, the markets and the ledger the loop writes to."""

    def __init__(
        self,
        *,
        config: BotConfig,
        strategy: IStrategy,
        rules: TradingRules,
        markets: dict[str, BacktestMarket],
        ledger: Ledger,
        protections: ProtectionSet,
        max_open_trades: int,
        stake_amount: float | str,
        fee: float,
        slice_end: dict[str, int] | None = None,
        slice_offset: int = 0,
    ) -> None:
        self.config = config
        # The data provider's view of each pair's analysed rows follows the loop.
        self.slice_end = slice_end if slice_end is not None else {}
        self.slice_offset = slice_offset
        self.strategy = strategy
        self.rules = rules
        self.markets = markets
        self.ledger = ledger
        self.protections = protections
        self.max_open_trades = max_open_trades
        self.stake_amount = stake_amount
        self.fee = fee
        self.timeframe_minutes = timeframe_to_minutes(rules.timeframe)
        self.step = timedelta(seconds=timeframe_to_seconds(rules.timeframe))
        self.counters = Counters()
        self.trade_ids = 0
        self.order_ids = 0
        unit = config.unfilledtimeout.unit
        self.timeouts = {
            side: timedelta(**{unit: value})
            for side, value in (
                ("buy", config.unfilledtimeout.entry),
                ("sell", config.unfilledtimeout.exit),
            )
            if value is not None
        }
        self.entry_type = rules.order_types.get("entry", "limit")
        self.exit_type = rules.order_types.get("exit", "limit")
        custom_stop = getattr(type(strategy), "custom_stoploss", None)
        self.uses_after_fill = _overrides(strategy, "custom_stoploss") and (
            "after_fill" in inspect.signature(custom_stop).parameters
        )
        self.adjusts_orders = any(
            _overrides(strategy, name)
            for name in ("adjust_order_price", "adjust_entry_price", "adjust_exit_price")
        )
        self.loop_start = _overrides(strategy, "bot_loop_start")
        self.position_adjustment = bool(
            self.config.position_adjustment_enable or strategy.position_adjustment_enable
        )

    # The loop

    def run(
        self,
        data: dict[str, PairArrays],
        start: datetime,
        end: datetime,
        *,
        progress: Callable[[str, float, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        pairs = list(data)
        indexes = dict.fromkeys(pairs, 0)
        visited: dict[str, None] = {}
        total = max(1, int((end - start) / self.step))
        end_ns = int(end.timestamp()) * 10**9
        step_ns = int(self.step.total_seconds()) * 10**9
        now_ns = int(start.timestamp()) * 10**9 + step_ns
        done = 0
        slice_end, offset = self.slice_end, self.slice_offset
        while now_ns <= end_ns:
            if should_stop is not None and should_stop():
                raise BacktestStopped(STOP_REQUESTED)
            now = datetime.fromtimestamp(now_ns // 10**9, UTC)
            self.ledger.now = now
            if self.loop_start:
                call_strategy(self.strategy, "bot_loop_start", default=None, current_time=now)
            order = list(dict.fromkeys([t.pair for t in self.ledger.open_trades] + pairs))
            can_enter = now_ns != end_ns
            for pair in order:
                arrays = data[pair]
                i = indexes[pair]
                if i >= len(arrays) or arrays.dates[i] > now_ns:
                    continue
                indexes[pair] = i + 1
                slice_end[pair] = offset + i + 1
                visited.setdefault(pair, None)
                open_trades = self.ledger.pair_trades(pair)
                wants = arrays.enter[i] and not arrays.exit[i]
                if not open_trades and not (wants and can_enter):
                    continue
                self._pair_candle(pair, _row(arrays, i, now), now, wants, can_enter)
            done += 1
            if progress is not None and done % 500 == 0:
                progress("backtest", min(done / total, 1.0), len(self.ledger.closed))
            now_ns += step_ns
        self._force_exit_left_open(data, list(visited))
        if progress is not None:
            progress("backtest", 1.0, len(self.ledger.closed))

    def _pair_candle(
        self, pair: str, row: Row, now: datetime, wants: bool, can_enter: bool
    ) -> None:
        trades = self.ledger.pair_trades(pair)
        for trade in list(trades):
            if self._manage_open_orders(trade, now, row):
                self.ledger.remove(trade)
        if can_enter and wants and not trades and not self.ledger.is_locked(pair, row.date, "long"):
            if self.max_open_trades <= 0 or len(self.ledger.open_trades) < self.max_open_trades:
                self._enter(pair, row)
            else:
                self.counters.rejected_signals += 1
        for trade in list(trades):
            entry = trade.select_order("buy", is_open=True)
            if entry is not None:
                self._try_fill(entry, trade, now, row)
            if trade.has_open_position:
                self._check_exit(trade, row, now)
            pending = trade.select_order("sell", is_open=True)
            if pending is not None:
                self._process_exit_order(pending, trade, now, row)

    # Orders

    def _try_fill(self, order: BacktestOrder, trade: BacktestTrade, now: datetime, row) -> bool:
        if not (row.low <= order.price <= row.high):
            return False
        trade.fill_order(order, now)
        call_strategy(
            self.strategy,
            "order_filled",
            default=None,
            pair=trade.pair,
            trade=trade,
            order=order,
            current_time=now,
        )
        if not (order.ft_order_side == "sell" and order.amount == trade.amount):
            self._adjust_stop_after_fill(trade, now, order.price)
        return True

    def _adjust_stop_after_fill(self, trade: BacktestTrade, now: datetime, rate: float) -> None:
        if not self.uses_after_fill:
            return
        adjust_stop(
            self.strategy,
            self.rules,
            trade,
            rate=rate,
            now=now,
            profit=trade.calc_profit_ratio(rate),
            after_fill=True,
            uses_after_fill=True,
        )

    def _new_order(
        self, trade: BacktestTrade, side: str, price: float, amount: float, when, tag
    ) -> BacktestOrder:
        self.order_ids += 1
        order = BacktestOrder(
            id=self.order_ids,
            ft_order_side=side,
            order_type=self.entry_type if side == "buy" else self.exit_type,
            price=price,
            amount=amount,
            order_date=when,
            ft_order_tag=tag,
            fee=self.fee,
        )
        trade.orders.append(order)
        return order

    def _similar_order(self, trade: BacktestTrade, price: float, amount: float, side: str) -> bool:
        """True when the same order is already open; other open orders are cancelled."""
        if not trade.has_open_orders:
            return False
        current = trade.select_order(side, is_open=True)
        if current and current.price == price and current.amount == amount:
            return True
        for order in trade.open_orders:
            if order.ft_order_side == "buy":
                self.counters.canceled_entry_orders += 1
            trade.orders.remove(order)
        return False

    def _manage_open_orders(self, trade: BacktestTrade, now: datetime, row: Row) -> bool:
        """Time out or replace open orders; True when the trade is to be dropped."""
        for order in [o for o in trade.orders if o.ft_is_open]:
            timed_out = self._timed_out(trade, order, now)
            if timed_out:
                if order.ft_order_side == "buy":
                    self.counters.timedout_entry_orders += 1
                    if trade.nr_of_successful_entries == 0:
                        return True
                else:
                    self.counters.timedout_exit_orders += 1
                trade.orders.remove(order)
            elif self.adjusts_orders and self._replace_order(trade, order, now, row):
                self.counters.canceled_trade_entries += 1
                return True
        return False

    def _timed_out(self, trade: BacktestTrade, order: BacktestOrder, now: datetime) -> bool:
        timeout = self.timeouts.get(order.ft_order_side)
        if timeout is not None and order.order_date <= now - timeout:
            return True
        callback = "check_entry_timeout" if order.ft_order_side == "buy" else "check_exit_timeout"
        return bool(
            call_strategy(
                self.strategy,
                callback,
                default=False,
                pair=trade.pair,
                trade=trade,
                order=order,
                current_time=now,
            )
        )

    def _replace_order(self, trade, order: BacktestOrder, now: datetime, row: Row) -> bool:
        if now <= order.order_date:
            return False
        is_entry = order.ft_order_side == "buy"
        method = "adjust_order_price"
        if not _overrides(self.strategy, method):
            method = "adjust_entry_price" if is_entry else "adjust_exit_price"
        wanted = call_strategy(
            self.strategy,
            method,
            default=order.price,
            trade=trade,
            order=order,
            pair=trade.pair,
            current_time=now,
            proposed_rate=row.open,
            current_order_rate=order.price,
            entry_tag=trade.enter_tag,
            side="long",
            is_entry=is_entry,
        )
        if wanted == order.price:
            return False
        trade.orders.remove(order)
        if is_entry:
            self.counters.canceled_entry_orders += 1
        if not wanted:
            return trade.nr_of_successful_entries == 0
        if is_entry:
            stake = order.remaining * order.price
            self._enter(trade.pair, row, trade=trade, requested_rate=wanted, requested_stake=stake)
            self.counters.replaced_entry_orders += 1
        else:
            self._place_exit(trade, row, wanted, order.remaining, order.ft_order_tag)
        return not trade.has_open_orders and is_entry and trade.nr_of_successful_entries == 0

    # Entries

    def _enter(
        self,
        pair: str,
        row: Row,
        *,
        trade: BacktestTrade | None = None,
        stake: float | None = None,
        order_tag: str | None = None,
        requested_rate: float | None = None,
        requested_stake: float | None = None,
    ) -> BacktestTrade | None:
        return enter(
            self,
            pair,
            row,
            trade=trade,
            stake=stake,
            order_tag=order_tag,
            requested_rate=requested_rate,
            requested_stake=requested_stake,
        )

    # Exits

    def _check_exit(self, trade: BacktestTrade, row: Row, now: datetime) -> None:
        if self.position_adjustment:
            adjust_position(self, trade, row, now)
        if not trade.is_open:
            return
        exits = should_exit(
            self.strategy,
            self.rules,
            trade,
            rate=row.open,
            now=row.date,
            enter=row.enter,
            exit_=row.exit,
            low=row.low,
            high=row.high,
            uses_after_fill=self.uses_after_fill,
        )
        for check in exits:
            if self._exit_for(trade, row, check, now):
                return

    def _exit_for(
        self,
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
            rate = self._close_rate(trade, row, check.exit_type, minutes)
        except RoiOnRedCandle:
            return False
        if check.exit_type in SIGNAL_EXITS:
            if check.exit_type == ExitType.EXIT_SIGNAL and row.exit_tag:
                reason = row.exit_tag
            if self.exit_type == "limit":
                rate = self._custom_exit_price(trade, row, rate, reason, now)
        if check.exit_type != ExitType.PARTIAL_EXIT and not call_strategy(
            self.strategy,
            "confirm_trade_exit",
            default=True,
            pair=trade.pair,
            trade=trade,
            order_type=self.exit_type,
            amount=amount,
            rate=rate,
            time_in_force="GTC",
            sell_reason=reason,
            exit_reason=reason,
            current_time=now,
        ):
            return False
        trade.exit_reason = reason
        return self._place_exit(trade, row, rate, amount, reason)

    def _custom_exit_price(self, trade, row: Row, rate: float, reason: str, now) -> float:
        """custom_exit_price's limit, never below the candle's low (it would fill at once)."""
        custom = call_strategy(
            self.strategy,
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

    def _close_rate(self, trade: BacktestTrade, row: Row, exit_type: ExitType, minutes: int):
        if exit_type in STOP_EXITS:
            return stop_close_rate(
                self.rules,
                self.strategy,
                trade,
                exit_type,
                open_=row.open,
                high=row.high,
                low=row.low,
                minutes=minutes,
            )
        if exit_type == ExitType.ROI:
            return roi_close_rate(
                self.strategy,
                self.rules,
                trade,
                now=row.date,
                open_=row.open,
                high=row.high,
                low=row.low,
                close=row.close,
                minutes=minutes,
                timeframe_minutes=self.timeframe_minutes,
            )
        return row.open

    def _place_exit(self, trade, row: Row, rate: float, amount: float, reason) -> bool:
        rate = price_to_precision(float(rate), trade.price_precision, TICK_SIZE)
        amount = amount_to_precision(
            float(amount or trade.amount), trade.amount_precision, TICK_SIZE
        )
        if self._similar_order(trade, rate, amount, "sell"):
            return False
        self._new_order(trade, "sell", rate, amount, row.date, reason)
        return True

    def _process_exit_order(self, order: BacktestOrder, trade, now: datetime, row: Row) -> None:
        if not self._try_fill(order, trade, now, row):
            return
        if order.filled != trade.amount:
            trade.recalc_from_orders()
        else:
            trade.close(order.price, now)
            self.ledger.close(trade)
        if self.protections:
            self.protections.after_close(
                self.ledger.closed,
                trade.pair,
                now,
                "long",
                self.ledger.starting_wallet,
                is_locked=self.ledger.is_locked,
                lock=lambda wanted, at: self.ledger.lock(
                    wanted.pair, wanted.until, wanted.reason, now=at, side=wanted.side
                ),
            )

    def _force_exit_left_open(self, data: dict[str, PairArrays], pairs: list[str]) -> None:
        for pair in pairs:
            arrays = data[pair]
            for trade in list(self.ledger.pair_trades(pair)):
                if (
                    trade.has_open_orders and trade.nr_of_successful_entries == 0
                ) or not trade.has_open_position:
                    self.ledger.remove(trade)
                    continue
                last = len(arrays) - 1
                row = _row(arrays, last, None)
                self._place_exit(trade, row, row.open, trade.amount, ExitType.FORCE_EXIT.value)
                trade.exit_reason = ExitType.FORCE_EXIT.value
                self._process_exit_order(trade.orders[-1], trade, row.date, row)


def _row(arrays: PairArrays, i: int, now: datetime | None) -> Row:
    date = now or datetime.fromtimestamp(int(arrays.dates[i]) // 10**9, UTC)
    return Row(
        date=date,
        open=float(arrays.open[i]),
        high=float(arrays.high[i]),
        low=float(arrays.low[i]),
        close=float(arrays.close[i]),
        enter=bool(arrays.enter[i]),
        exit=bool(arrays.exit[i]),
        enter_tag=arrays.enter_tag[i],
        exit_tag=arrays.exit_tag[i],
    )
