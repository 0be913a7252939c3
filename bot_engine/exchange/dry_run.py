"""Simulated order placement over any market-data exchange (Freqtrade's dry-run).

Amounts and prices are put on the market's grid first, as a real exchange requires. Market
orders fill at once at the current price. A limit order that already crosses the market (a buy
above the ask, a sell below the bid) fills at once at the market price, as on an exchange; one
that rests fills at its own price as soon as the market trades through it. Fees are the
market's taker fee unless the config sets ``fee``.
"""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import replace
from datetime import datetime

import pandas as pd

from bot_engine.exceptions import InvalidOrderError
from bot_engine.exchange.base import BalanceEntry, Exchange, Market, OrderResult, Ticker

logger = logging.getLogger(__name__)


class DryRunExchange(Exchange):
    """Real (or replayed) market data, simulated orders."""

    def __init__(self, market_data: Exchange, *, fee: float | None = None) -> None:
        self.data = market_data
        self.name = market_data.name
        self.fee_override = fee
        self._orders: dict[str, OrderResult] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # market data is delegated
    def now(self) -> datetime:
        return self.data.now()

    def markets(self) -> dict[str, Market]:
        return self.data.markets()

    def fetch_ticker(self, pair: str) -> Ticker:
        return self.data.fetch_ticker(pair)

    def fetch_ohlcv(self, pair: str, timeframe: str, limit: int) -> pd.DataFrame:
        return self.data.fetch_ohlcv(pair, timeframe, limit)

    def fetch_order_book(self, pair: str, limit: int) -> dict:
        return self.data.fetch_order_book(pair, limit)

    def next_tick_delay(self, throttle_secs: float) -> float:
        return self.data.next_tick_delay(throttle_secs)

    def advance(self) -> bool:
        return self.data.advance()

    @property
    def finished(self) -> bool:
        return self.data.finished

    def price_range_since(self, pair: str, since: datetime) -> tuple[float, float] | None:
        return self.data.price_range_since(pair, since)

    def price_to_precision(self, pair: str, price: float) -> float:
        return self.data.price_to_precision(pair, price)

    def amount_to_precision(self, pair: str, amount: float) -> float:
        return self.data.amount_to_precision(pair, amount)

    def fetch_balance(self) -> dict[str, BalanceEntry]:
        return {}  # the engine's wallet simulates balances from the trade tables

    # simulated orders
    def fee_rate(self, pair: str) -> float:
        if self.fee_override is not None:
            return self.fee_override
        market = self.markets().get(pair)
        return market.fee_taker if market else 0.001

    def create_order(
        self,
        *,
        pair: str,
        order_type: str,
        side: str,
        amount: float,
        price: float | None,
        trigger_price: float | None = None,
    ) -> OrderResult:
        """``trigger_price``: the level (a stop, an ROI target) that made the bot exit now.
        When the market moved through it since the last tick the order fills there -- as a
        stop order resting on an exchange would -- instead of at the price after the move."""
        amount = self.amount_to_precision(pair, amount)
        if amount <= 0:
            raise InvalidOrderError(f"create_order {pair}: amount must be positive")
        if order_type != "market":
            if price is None:
                raise InvalidOrderError(f"create_order {pair}: a {order_type} order needs a price")
            price = self.price_to_precision(pair, price)
            if price <= 0:  # e.g. 1e-12 on a 1e-8 tick: no exchange accepts a price of 0
                raise InvalidOrderError(f"create_order {pair}: price must be positive")
        now = self.now()
        order = OrderResult(
            id=f"dry_run_{side}_{pair.replace('/', '_')}_{int(now.timestamp())}_{next(self._ids)}",
            symbol=pair,
            side=side,
            type=order_type,
            status="open",
            amount=amount,
            price=price,
            remaining=amount,
            timestamp=now,
        )
        ticker = self.fetch_ticker(pair)
        market_price = self.price_to_precision(pair, ticker.ask if side == "buy" else ticker.bid)
        touched = self._touched(pair, trigger_price)
        if touched is not None:
            order = replace(order, price=touched) if order_type != "market" else order
            market_price = touched
            price = touched
        # A limit that crosses the book takes the best price on offer, not its own limit
        # (Freqtrade's dry-run does the same): a buy limit of 1.0 with the ask at 0.017 pays 0.017.
        if order_type == "market" or self._crossed(side, price, market_price, market_price):
            order = self._fill(order, market_price)
        with self._lock:
            self._orders[order.id] = order
        return replace(order)

    def restore_order(self, order: OrderResult) -> None:
        """Re-register an open order read back from the database after a restart."""
        with self._lock:
            self._orders[order.id] = order

    def fetch_order(self, order_id: str, pair: str) -> OrderResult:
        with self._lock:
            order = self._orders.get(order_id)
        if order is None:
            raise InvalidOrderError(f"fetch_order {pair}: order {order_id} not found")
        if order.status == "open" and order.type == "limit":
            low_high = self.price_range_since(pair, order.timestamp)
            if low_high is None:
                ticker = self.fetch_ticker(pair)
                low_high = (ticker.ask, ticker.bid) if order.side == "buy" else (ticker.bid,) * 2
            if self._crossed(order.side, order.price, *low_high):
                order = self._fill(order, order.price)
                with self._lock:
                    self._orders[order_id] = order
        return replace(order)

    def cancel_order(self, order_id: str, pair: str) -> OrderResult:
        order = self.fetch_order(order_id, pair)
        if order.status == "open":
            order = replace(order, status="canceled")
            with self._lock:
                self._orders[order_id] = order
        return replace(order)

    def _touched(self, pair: str, level: float | None) -> float | None:
        """``level`` on the market's tick when the market data says it was traded through."""
        trigger_fill = getattr(self.data, "trigger_fill", None)
        if level is None or trigger_fill is None:
            return None
        touched = trigger_fill(pair, level)
        return None if touched is None else self.price_to_precision(pair, touched)

    @staticmethod
    def _crossed(side: str, limit: float | None, low: float, high: float) -> bool:
        """A buy fills once the price falls to the limit, a sell once it rises to it."""
        if limit is None:
            return False
        return low <= limit if side == "buy" else high >= limit

    def _fill(self, order: OrderResult, price: float) -> OrderResult:
        fee_rate = self.fee_rate(order.symbol)
        cost = order.amount * price
        quote = order.symbol.split("/")[1]
        return replace(
            order,
            status="closed",
            filled=order.amount,
            remaining=0.0,
            average=price,
            price=order.price if order.price is not None else price,
            cost=cost,
            fee_cost=cost * fee_rate,
            fee_currency=quote,
            fee_rate=fee_rate,
            filled_at=self.now(),
        )
