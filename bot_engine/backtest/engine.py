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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot_engine.backtest.detail import PairDetail
from bot_engine.backtest.entries import adjust_position, enter
from bot_engine.backtest.exits import check_exit, place_exit, process_exit_order
from bot_engine.backtest.ledger import Ledger
from bot_engine.backtest.local_order import BacktestOrder
from bot_engine.backtest.markets import BacktestMarket
from bot_engine.backtest.orders import timed_out, try_fill
from bot_engine.backtest.signals import PairArrays
from bot_engine.backtest.trade import BacktestTrade
from bot_engine.config.model import BotConfig
from bot_engine.data.timeframes import timeframe_to_minutes, timeframe_to_seconds
from bot_engine.engine.rules import TradingRules
from bot_engine.exceptions import BotOperationError
from bot_engine.protections import ProtectionSet
from bot_engine.strategy.base import IStrategy
from bot_engine.strategy.enums import ExitType
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)

STOP_REQUESTED = "Stop requested"
STOP_POLL_CANDLES = 16  # how often (in candles) the loop asks whether to stop


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
    """The run's counts Freqtrade reports beside the trades."""

    rejected_signals: int = 0
    timedout_entry_orders: int = 0
    timedout_exit_orders: int = 0
    canceled_trade_entries: int = 0
    canceled_entry_orders: int = 0
    replaced_entry_orders: int = 0


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
        detail: dict[str, PairDetail] | None = None,
        detail_seconds: int = 0,
    ) -> None:
        self.config = config
        # The detail timeframe's candles per pair (None: no detail timeframe).
        self.detail = detail
        self.detail_ns = detail_seconds * 10**9
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
        self.position_adjustment = bool(strategy.position_adjustment_enable)

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
        # Plain lists for what every candle of every pair reads (numpy scalars are slower).
        dates = {pair: arrays.dates.tolist() for pair, arrays in data.items()}
        wanted = {pair: (arrays.enter & ~arrays.exit).tolist() for pair, arrays in data.items()}
        visited: dict[str, None] = {}
        total = max(1, int((end - start) / self.step))
        end_ns = int(end.timestamp()) * 10**9
        step_ns = int(self.step.total_seconds()) * 10**9
        now_ns = int(start.timestamp()) * 10**9 + step_ns
        done = 0
        slice_end, offset = self.slice_end, self.slice_offset
        open_by_pair = self.ledger.open_by_pair
        while now_ns <= end_ns:
            if should_stop is not None and done % STOP_POLL_CANDLES == 0 and should_stop():
                raise BacktestStopped(STOP_REQUESTED)
            now = datetime.fromtimestamp(now_ns // 10**9, UTC)
            self.ledger.now = now
            if self.loop_start:
                call_strategy(self.strategy, "bot_loop_start", default=None, current_time=now)
            trade_pairs = [t.pair for t in self.ledger.open_trades]
            order = list(dict.fromkeys(trade_pairs + pairs))
            can_enter = now_ns != end_ns
            # Pairs that held a trade when the candle began, and pairs spread into detail.
            held = set(trade_pairs)
            spread: dict[str, tuple[int, int, Row]] = {}
            for pair in order:
                i = indexes[pair]
                pair_dates = dates[pair]
                if i >= len(pair_dates) or pair_dates[i] > now_ns:
                    continue
                indexes[pair] = i + 1
                slice_end[pair] = offset + i + 1
                if pair not in visited:
                    visited[pair] = None
                wants = wanted[pair][i]
                has_trade = bool(open_by_pair.get(pair))
                if not has_trade and not wants:
                    continue
                row = _row(data[pair], i, now)
                if self.detail is not None and pair in self.detail:
                    row = self._spread(pair, i, row, spread)
                    if has_trade:
                        held.add(pair)
                if not has_trade and not (wants and can_enter):
                    continue
                self._pair_candle(pair, row, now, wants, can_enter)
            if spread:
                self._detail_candles(spread, pairs, now_ns, end_ns, held)
            done += 1
            if progress is not None and done % 500 == 0:
                progress("backtest", min(done / total, 1.0), len(self.ledger.closed))
            now_ns += step_ns
        self._force_exit_left_open(data, list(visited))
        if progress is not None:
            progress("backtest", 1.0, len(self.ledger.closed))

    # The detail timeframe

    def _spread(self, pair: str, i: int, row: Row, spread: dict) -> Row:
        """Main candle ``i`` of ``pair`` into detail candles (kept in ``spread``); the row to
        process now is the first detail candle (the main one when there is no detail)."""
        detail = self.detail[pair]
        lo, hi = detail.lo[i], detail.hi[i]
        if hi <= lo:
            return row  # no detail candle in this main candle: the main candle stands
        spread[pair] = (lo, hi, row)
        return _detail_row(detail, lo, row)

    def _detail_candles(
        self,
        spread: dict[str, tuple[int, int, Row]],
        pairs: list[str],
        now_ns: int,
        end_ns: int,
        held: set[str],
    ) -> None:
        """Detail candles 2.. of this main candle, all spread pairs in step (open trades
        first), as Freqtrade: a pair whose trade closed here waits for the next main candle;
        a pair still without a trade may enter on a later detail candle (a slot came free)."""
        open_by_pair = self.ledger.open_by_pair
        expiry = getattr(self.strategy, "ignore_buying_expired_candle_after", 0) or 0
        longest = max(hi - lo for lo, hi, _ in spread.values())
        for idx in range(1, longest):
            det_ns = now_ns + idx * self.detail_ns
            det_now = datetime.fromtimestamp(det_ns // 10**9, UTC)
            can_enter = det_ns != end_ns
            trade_pairs = [t.pair for t in self.ledger.open_trades]
            for pair in dict.fromkeys(trade_pairs + pairs):
                window = spread.get(pair)
                if window is None or window[0] + idx >= window[1]:
                    continue
                lo, _, main = window
                wants = main.enter and not main.exit  # the main candle's trade direction
                if wants and expiry and (det_ns - now_ns) // 10**9 > expiry:
                    wants = False  # ignore_buying_expired_candle_after
                has_trade = bool(open_by_pair.get(pair))
                if pair in held and not has_trade:
                    continue
                if has_trade:
                    held.add(pair)
                if not has_trade and not (wants and can_enter):
                    continue
                row = _detail_row(self.detail[pair], lo + idx, main)
                self._pair_candle(pair, row, det_now, wants, can_enter)

    def _pair_candle(
        self, pair: str, row: Row, now: datetime, wants: bool, can_enter: bool
    ) -> None:
        trades = self.ledger.pair_trades(pair)
        for trade in list(trades):
            if self._manage_open_orders(trade, now, row):
                self.ledger.remove(trade)
        if can_enter and wants and not trades and not self.ledger.is_locked(pair, row.date, "long"):
            if self.max_open_trades <= 0 or len(self.ledger.open_trades) < self.max_open_trades:
                enter(self, pair, row)
            else:
                self.counters.rejected_signals += 1
        for trade in list(trades):
            entry = trade.select_order("buy", is_open=True)
            if entry is not None:
                try_fill(self, entry, trade, now, row)
            if trade.has_open_position:
                if self.position_adjustment:
                    adjust_position(self, trade, row, now)
                check_exit(self, trade, row, now)
            pending = trade.select_order("sell", is_open=True)
            if pending is not None:
                process_exit_order(self, pending, trade, now, row)

    # Orders

    def _manage_open_orders(self, trade: BacktestTrade, now: datetime, row: Row) -> bool:
        """Time out or replace open orders; True when the trade is to be dropped."""
        for order in [o for o in trade.orders if o.ft_is_open]:
            if timed_out(self, trade, order, now):
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

    def _replace_order(self, trade, order: BacktestOrder, now: datetime, row: Row) -> bool:
        if now <= order.order_date:
            return False
        is_entry = order.ft_order_side == "buy"
        asked = {"is_entry": is_entry}  # adjust_order_price's own argument
        method = "adjust_order_price"
        if not _overrides(self.strategy, method):
            method, asked = ("adjust_entry_price" if is_entry else "adjust_exit_price"), {}
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
            **asked,
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
            enter(self, trade.pair, row, trade=trade, requested_rate=wanted, requested_stake=stake)
            self.counters.replaced_entry_orders += 1
        else:
            place_exit(self, trade, row, wanted, order.remaining, order.ft_order_tag)
        return not trade.has_open_orders and is_entry and trade.nr_of_successful_entries == 0

    # Entries

    # Exits

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
                place_exit(self, trade, row, row.open, trade.amount, ExitType.FORCE_EXIT.value)
                trade.exit_reason = ExitType.FORCE_EXIT.value
                process_exit_order(self, trade.orders[-1], trade, row.date, row)


def _detail_row(detail: PairDetail, k: int, main: Row) -> Row:
    """Detail candle ``k`` with the signals of the main candle it lies in."""
    return Row(
        date=datetime.fromtimestamp(detail.dates[k] // 10**9, UTC),
        open=detail.open[k],
        high=detail.high[k],
        low=detail.low[k],
        close=detail.close[k],
        enter=main.enter,
        exit=main.exit,
        enter_tag=main.enter_tag,
        exit_tag=main.exit_tag,
    )


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
