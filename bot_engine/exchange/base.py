"""The one exchange interface the engine depends on (ccxt, dry-run and replay sit behind it)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from bot_engine.exchange import precision


@dataclass(frozen=True)
class Market:
    """What the engine needs to know about one tradable symbol."""

    symbol: str
    base: str
    quote: str
    active: bool = True
    spot: bool = True
    amount_precision: float | None = None  # step size (ccxt TICK_SIZE mode) or decimals
    price_precision: float | None = None
    precision_mode: int | None = 4  # ccxt.TICK_SIZE
    min_amount: float | None = None
    min_cost: float | None = None
    fee_taker: float = 0.001
    fee_maker: float = 0.001


@dataclass(frozen=True)
class Ticker:
    symbol: str
    last: float
    bid: float
    ask: float
    timestamp: datetime


@dataclass
class OrderResult:
    """An order as the exchange reports it (ccxt's unified order, reduced)."""

    id: str
    symbol: str
    side: str  # "buy" | "sell"
    type: str  # "limit" | "market"
    status: str  # "open" | "closed" | "canceled" | "expired" | "rejected"
    amount: float
    price: float | None
    filled: float = 0.0
    remaining: float = 0.0
    average: float | None = None
    cost: float = 0.0
    fee_cost: float | None = None
    fee_currency: str | None = None
    fee_rate: float | None = None
    timestamp: datetime | None = None
    filled_at: datetime | None = None
    info: dict = field(default_factory=dict)


@dataclass(frozen=True)
class BalanceEntry:
    currency: str
    free: float
    used: float
    total: float


class Exchange(ABC):
    """Market data and order placement; every implementation speaks UTC-aware datetimes."""

    name: str = "exchange"

    @abstractmethod
    def now(self) -> datetime:
        """The exchange's clock (wall clock live, the replay clock on replay)."""

    @abstractmethod
    def markets(self) -> dict[str, Market]: ...

    @abstractmethod
    def fetch_ticker(self, pair: str) -> Ticker: ...

    @abstractmethod
    def fetch_ohlcv(self, pair: str, timeframe: str, limit: int) -> pd.DataFrame:
        """The last ``limit`` *closed* candles: columns date, open, high, low, close, volume."""

    def fetch_order_book(self, pair: str, limit: int) -> dict:
        """ccxt's order book shape (``bids``/``asks`` as ``[price, amount]``, best first).

        An exchange without a book (the replay) quotes its ticker as one level each side.
        """
        ticker = self.fetch_ticker(pair)
        return {
            "symbol": pair,
            "bids": [[ticker.bid, 0.0]] if limit > 0 else [],
            "asks": [[ticker.ask, 0.0]] if limit > 0 else [],
            "timestamp": int(ticker.timestamp.timestamp() * 1000),
            "datetime": ticker.timestamp.isoformat(),
            "nonce": None,
        }

    @abstractmethod
    def fetch_balance(self) -> dict[str, BalanceEntry]: ...

    @abstractmethod
    def create_order(
        self, *, pair: str, order_type: str, side: str, amount: float, price: float | None
    ) -> OrderResult: ...

    @abstractmethod
    def fetch_order(self, order_id: str, pair: str) -> OrderResult: ...

    @abstractmethod
    def cancel_order(self, order_id: str, pair: str) -> OrderResult: ...

    def price_to_precision(self, pair: str, price: float) -> float:
        """``price`` on the market's tick (nearest), as the exchange would accept it."""
        market = self.markets().get(pair)
        if market is None:
            return price
        return precision.price_to_precision(price, market.price_precision, market.precision_mode)

    def amount_to_precision(self, pair: str, amount: float) -> float:
        """``amount`` on the market's step, truncated so it never exceeds what was asked."""
        market = self.markets().get(pair)
        if market is None:
            return amount
        return precision.amount_to_precision(amount, market.amount_precision, market.precision_mode)

    def next_tick_delay(self, throttle_secs: float) -> float:
        """Real seconds the engine should wait before its next iteration."""
        return throttle_secs

    def advance(self) -> bool:
        """Move a simulated clock forward one step; False once no more data will come."""
        return True

    @property
    def finished(self) -> bool:
        """True when no new market data will ever arrive (end of a replay)."""
        return False

    def price_range_since(self, pair: str, since: datetime) -> tuple[float, float] | None:
        """Lowest and highest traded price since ``since``, if the exchange can tell."""
        return None

    def close(self) -> None:  # noqa: B027  (optional hook: most exchanges hold nothing)
        """Release network resources."""
