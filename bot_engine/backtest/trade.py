"""The in-memory trade and order a backtest keeps (Freqtrade's LocalTrade surface, no ORM).

Strategy callbacks read these exactly as they read live trades (``trade.open_rate``,
``trade.nr_of_successful_entries``, ``trade.orders``, ``trade.get_custom_data(...)``), so the
attribute names are Freqtrade's. The money math comes from ``trade_math``: one formula for live
and backtest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from bot_engine.backtest.local_order import CTX, BacktestOrder, div18, to_decimal
from bot_engine.exchange.precision import TICK_SIZE, amount_to_precision, price_to_precision
from bot_engine.trade_math import (
    close_trade_value,
    open_trade_value,
    roi_exit_rate,
    stop_price_on_tick,
    stoploss_price,
)


@dataclass
class BacktestTrade:
    """A long spot trade of a backtest; methods keep Freqtrade's names and rules."""

    is_backtest_trade: ClassVar[bool] = True  # isinstance(trade, freqtrade.persistence.Trade)

    id: int
    pair: str
    open_rate: float
    open_date: datetime
    stake_amount: float
    amount_requested: float
    fee_open: float
    fee_close: float
    enter_tag: str | None
    price_precision: float | None
    amount_precision: float | None
    strategy: str = ""
    timeframe: int = 5
    amount: float = 0.0
    is_open: bool = True
    is_short: bool = False
    leverage: float = 1.0
    exit_reason: str | None = None
    close_date: datetime | None = None
    close_rate: float | None = None
    close_profit: float | None = None
    close_profit_abs: float | None = None
    realized_profit: float = 0.0
    stop_loss: float = 0.0
    stop_loss_pct: float | None = None
    initial_stop_loss: float = 0.0
    initial_stop_loss_pct: float | None = None
    is_stop_loss_trailing: bool = False
    max_rate: float | None = None
    min_rate: float | None = None
    open_trade_value: float = 0.0
    max_stake_amount: float = 0.0
    orders: list[BacktestOrder] = field(default_factory=list)
    custom_data: dict[str, Any] = field(default_factory=dict)
    trading_mode: str = "spot"
    funding_fees: float = 0.0
    _close_key: tuple | None = field(default=None, repr=False, compare=False)
    _close_factor: Decimal = field(default=Decimal(0), repr=False, compare=False)

    # What strategies read

    @property
    def trade_id(self) -> int:
        """The trade's number (the engine's trade rows call it so; Freqtrade's ``id``)."""
        return self.id

    @property
    def open_date_utc(self) -> datetime:
        return self.open_date

    @property
    def close_date_utc(self) -> datetime | None:
        return self.close_date

    @property
    def entry_side(self) -> str:
        return "buy"

    @property
    def exit_side(self) -> str:
        return "sell"

    @property
    def trade_direction(self) -> str:
        return "long"

    @property
    def base_currency(self) -> str:
        return self.pair.split("/")[0]

    @property
    def stake_currency(self) -> str:
        return self.pair.split("/")[-1]

    @property
    def open_rate_requested(self) -> float:
        return self.open_rate

    @property
    def nr_of_successful_entries(self) -> int:
        return sum(1 for o in self.orders if o.ft_order_side == "buy" and o.status == "closed")

    @property
    def nr_of_successful_exits(self) -> int:
        return sum(1 for o in self.orders if o.ft_order_side == "sell" and o.status == "closed")

    @property
    def has_open_orders(self) -> bool:
        return any(o.ft_is_open for o in self.orders)

    @property
    def open_orders(self) -> list[BacktestOrder]:
        return [o for o in self.orders if o.ft_is_open]

    @property
    def has_open_position(self) -> bool:
        return self.amount > 0

    @property
    def date_last_filled_utc(self) -> datetime:
        dates = [o.order_filled_date for o in self.orders if o.order_filled_date]
        return max(dates) if dates else self.open_date

    def select_order(self, order_side: str | None = None, is_open: bool | None = None):
        """The newest order of ``order_side`` (open or not as asked), or None."""
        for order in reversed(self.orders):
            if order_side and order.ft_order_side != order_side:
                continue
            if is_open is not None and order.ft_is_open != is_open:
                continue
            return order
        return None

    def select_filled_orders(self, order_side: str | None = None) -> list[BacktestOrder]:
        return [
            o
            for o in self.orders
            if o.status == "closed" and (order_side is None or o.ft_order_side == order_side)
        ]

    def select_filled_or_open_orders(self) -> list[BacktestOrder]:
        return [o for o in self.orders if o.status in ("closed", "open")]

    def get_custom_data(self, key: str, default: Any = None) -> Any:
        return self.custom_data.get(key, default)

    def set_custom_data(self, key: str, value: Any) -> None:
        self.custom_data[key] = value

    def get_all_custom_data(self) -> dict[str, Any]:
        return dict(self.custom_data)

    # Money

    def calc_profit_ratio(
        self, rate: float, amount: float | None = None, open_rate: float | None = None
    ) -> float:
        if amount is None and open_rate is None:
            opened = self.open_trade_value
            closed = self._close_value(rate)
        else:
            closed = close_trade_value(amount or self.amount, rate, self.fee_close, is_short=False)
            opened = open_trade_value(
                amount or self.amount, open_rate or self.open_rate, self.fee_open, is_short=False
            )
        if opened == 0.0:
            return 0.0
        return round((closed / opened - 1) * self.leverage, 8)

    def _close_value(self, rate: float) -> float:
        """``close_trade_value`` of the whole amount, with amount x (1 - fee) kept in decimal
        (exact, so equal to trade_math's amount x rate - fees): called twice a candle."""
        key = (self.amount, self.fee_close)
        if self._close_key != key:
            self._close_key = key
            self._close_factor = CTX.multiply(
                to_decimal(self.amount), 1 - to_decimal(self.fee_close)
            )
        return float(CTX.multiply(Decimal(repr(float(rate))), self._close_factor))

    def calc_profit(
        self, rate: float, amount: float | None = None, open_rate: float | None = None
    ) -> float:
        closed = close_trade_value(amount or self.amount, rate, self.fee_close, is_short=False)
        if amount is None or open_rate is None:
            opened = self.open_trade_value
        else:
            opened = open_trade_value(amount, open_rate, self.fee_open, is_short=False)
        return round(closed - opened, 8)

    def calc_close_rate_for_roi(self, roi: float) -> float:
        """The exit price at which the profit ratio (fees included) equals ``roi``."""
        return roi_exit_rate(
            amount=self.amount,
            open_rate=self.open_rate,
            fee_open=self.fee_open,
            fee_close=self.fee_close,
            roi=roi,
            leverage=self.leverage,
        )

    def adjust_min_max_rates(self, high: float, low: float) -> None:
        self.max_rate = max(high, self.max_rate or self.open_rate)
        self.min_rate = min(low, self.min_rate or self.open_rate)

    # Stops

    def _set_stop(self, price: float, ratio: float) -> None:
        if not self.stop_loss:
            self.initial_stop_loss = price
        self.stop_loss = price
        self.stop_loss_pct = -abs(ratio)

    def adjust_stop_loss(
        self,
        current_price: float,
        stoploss: float | None,
        initial: bool = False,
        allow_refresh: bool = False,
    ) -> None:
        """Move the stop ``stoploss`` below ``current_price``; only up, unless refreshed."""
        if stoploss is None or (initial and self.stop_loss):
            return
        stoploss = float(stoploss)  # a strategy's numpy float must not reach the Decimal maths
        price = stoploss_price(
            float(current_price), stoploss, is_short=False, leverage=self.leverage or 1.0
        )
        stop = stop_price_on_tick(price, self.price_precision)
        if self.initial_stop_loss_pct is None:
            self._set_stop(stop, stoploss)
            self.initial_stop_loss = stop
            self.initial_stop_loss_pct = -abs(stoploss)
        elif allow_refresh or stop > self.stop_loss:
            if not allow_refresh:
                self.is_stop_loss_trailing = True
            self._set_stop(stop, stoploss)

    # Orders

    def recalc_from_orders(self, *, is_closing: bool = False) -> None:
        """Amount, average open rate, stake and (when closing) profit from the filled orders."""
        amount = Decimal(0)
        stake = Decimal(0)
        max_stake = Decimal(0)
        avg = Decimal(0)
        total_stake = 0.0
        profit_abs = 0.0
        last_profit = None
        for order in self.orders:
            if order.ft_is_open or not order.filled:
                continue
            qty, price = to_decimal(order.filled), to_decimal(order.price)
            if order.ft_order_side == "sell":
                amount -= qty
                stake -= avg * qty
                last_profit = self.calc_profit(order.price, order.filled, float(avg))
                profit_abs += last_profit
            else:
                amount += qty
                stake += price * qty
                if amount > 0:
                    avg = div18(stake, amount)
                total_stake += open_trade_value(
                    order.filled, order.price, self.fee_open, is_short=False
                )
                max_stake += qty * price
        self.max_stake_amount = float(max_stake) / (self.leverage or 1.0)
        if last_profit is not None and total_stake > 0:
            self.close_profit = profit_abs / total_stake * self.leverage
            self.realized_profit = profit_abs
            self.close_profit_abs = last_profit
        remaining = amount_to_precision(float(amount), self.amount_precision, TICK_SIZE)
        if remaining > 0:
            self.open_rate = price_to_precision(
                float(div18(stake, amount)), self.price_precision, TICK_SIZE
            )
            self.amount = remaining
            self.stake_amount = float(stake) / (self.leverage or 1.0)
            self.open_trade_value = open_trade_value(
                self.amount, self.open_rate, self.fee_open, is_short=False
            )
            if self.stop_loss_pct is not None:
                self.adjust_stop_loss(self.open_rate, self.stop_loss_pct)
        elif is_closing and total_stake > 0:
            self.close_profit = profit_abs / total_stake * self.leverage
            self.close_profit_abs = profit_abs

    def fill_order(self, order: BacktestOrder, when: datetime) -> None:
        """``order`` filled at ``when``: an entry moves the open rate and restarts the stop."""
        order.fill(when)
        if order.ft_order_side == "buy":
            self.open_rate = order.price
            self.recalc_from_orders()
            if self.nr_of_successful_entries == 1:
                self.initial_stop_loss_pct = None
                self.is_stop_loss_trailing = False
            # The first fill restarts the stop from the filled price (initial stop included).
            self.adjust_stop_loss(self.open_rate, self.stop_loss_pct)

    def close(self, rate: float, when: datetime) -> None:
        self.close_rate = rate
        self.close_date = when
        self.is_open = False
        self.recalc_from_orders(is_closing=True)

    def to_result(self) -> dict[str, Any]:
        """The trade as a row of Freqtrade's result file (``trades``)."""
        duration = int((self.close_date - self.open_date).total_seconds()) if self.close_date else 0
        return {
            "pair": self.pair,
            "stake_amount": round(self.stake_amount, 8),
            "max_stake_amount": round(self.max_stake_amount, 8) if self.max_stake_amount else None,
            "amount": round(self.amount, 8),
            "open_date": _date_str(self.open_date),
            "close_date": _date_str(self.close_date) if self.close_date else None,
            "open_rate": self.open_rate,
            "close_rate": self.close_rate,
            "fee_open": self.fee_open,
            "fee_close": self.fee_close,
            "trade_duration": duration // 60,
            "profit_ratio": self.close_profit,
            "profit_abs": self.close_profit_abs,
            "exit_reason": self.exit_reason,
            "initial_stop_loss_abs": self.initial_stop_loss,
            "initial_stop_loss_ratio": self.initial_stop_loss_pct or None,
            "stop_loss_abs": self.stop_loss,
            "stop_loss_ratio": self.stop_loss_pct or None,
            "min_rate": self.min_rate,
            "max_rate": self.max_rate,
            "is_open": self.is_open,
            "enter_tag": self.enter_tag,
            "leverage": self.leverage,
            "is_short": self.is_short,
            "open_timestamp": int(self.open_date.timestamp() * 1000),
            "close_timestamp": int(self.close_date.timestamp() * 1000) if self.close_date else None,
            "orders": [o.to_result() for o in self.select_filled_or_open_orders()],
            "funding_fees": self.funding_fees,
            # The result file's periodic breakdown adds the close's day of the week.
            "weekday": self.close_date.weekday() if self.close_date else None,
        }


def _date_str(when: datetime) -> str:
    """``2018-01-11 00:05:00+00:00``, as pandas writes a UTC timestamp."""
    return when.isoformat(sep=" ")


__all__ = ["BacktestOrder", "BacktestTrade"]
