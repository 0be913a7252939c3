"""The live exchange: ccxt behind the engine's Exchange interface (the one ccxt importer)."""

from __future__ import annotations

import copy
import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import ccxt
import pandas as pd

from bot_engine import telemetry
from bot_engine.config.model import ExchangeConfig
from bot_engine.exceptions import (
    ConfigError,
    ExchangeError,
    InsufficientFundsError,
    InvalidOrderError,
    TemporaryExchangeError,
)
from bot_engine.exchange.base import BalanceEntry, Exchange, Market, OrderResult, Ticker
from bot_engine.exchange.ccxt_responses import from_ms, market, num, ohlcv_frame, order_result
from bot_engine.exchange.retry import retrying

T = TypeVar("T")

logger = logging.getLogger(__name__)

REDACTED = "***"

# First match wins, so subclasses come before their parents (OrderNotFound is an InvalidOrder;
# OperationFailed is ccxt's parent of NetworkError, DDoSProtection, RateLimitExceeded,
# RequestTimeout, ExchangeNotAvailable and InvalidNonce: the failures worth retrying).
ERROR_TABLE: tuple[tuple[type[Exception], type[ExchangeError]], ...] = (
    (ccxt.InsufficientFunds, InsufficientFundsError),
    (ccxt.InvalidOrder, InvalidOrderError),
    (ccxt.OperationFailed, TemporaryExchangeError),
    (ccxt.BaseError, ExchangeError),
)


class _RedactSecrets(logging.Filter):
    """Scrubs credentials from ccxt's own debug records (it logs request headers verbatim)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = _scrub(message, self.secrets)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        return True


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class CcxtExchange(Exchange):
    """A real exchange reached through ccxt's synchronous unified API."""

    def __init__(
        self,
        config: ExchangeConfig,
        *,
        client: Any | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = config.name
        # Longest first, so a secret containing another is replaced whole.
        self._secrets = sorted(
            {s for s in (config.key, config.secret, config.password, config.uid) if s},
            key=len,
            reverse=True,
        )
        self._client = client if client is not None else _build_client(config)
        self._sleep = sleep
        self._markets: dict[str, Market] | None = None
        self._log_filter = _RedactSecrets(self._secrets)
        client_logger = getattr(self._client, "logger", None)
        self._client_logger = client_logger if isinstance(client_logger, logging.Logger) else None
        if self._client_logger is not None and self._secrets:
            self._client_logger.addFilter(self._log_filter)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def markets(self) -> dict[str, Market]:
        """Spot markets, loaded on first use and cached for the life of this object."""
        if self._markets is None:
            raw = self._read("load_markets", lambda: self._client.load_markets(False))
            mode = getattr(self._client, "precisionMode", None)
            self._markets = {
                symbol: market(m, mode) for symbol, m in raw.items() if m.get("spot", True)
            }
        return self._markets

    def fetch_ticker(self, pair: str) -> Ticker:
        raw = self._read(f"fetch_ticker {pair}", lambda: self._client.fetch_ticker(pair))
        last = num(raw.get("last")) or num(raw.get("close"))
        if not last:
            raise ExchangeError(f"fetch_ticker {pair}: the exchange reported no last price")
        # A missing (or zero) side happens on thin books; the last trade is the best stand-in.
        return Ticker(
            symbol=pair,
            last=last,
            bid=num(raw.get("bid")) or last,
            ask=num(raw.get("ask")) or last,
            timestamp=from_ms(raw.get("timestamp")) or self.now(),
        )

    def fetch_tickers_24h(self) -> dict[str, dict[str, float | None]]:
        """Every market's 24 h ticker in one request (pairlists rank by them): last, bid, ask,
        quoteVolume and percentage, as ccxt reports them."""
        raw = self._read("fetch_tickers", lambda: self._client.fetch_tickers())
        keys = ("last", "bid", "ask", "quoteVolume", "percentage")
        return {symbol: {k: num(t.get(k)) for k in keys} for symbol, t in raw.items()}

    def fetch_order_book(self, pair: str, limit: int) -> dict:
        return self._read(
            f"fetch_order_book {pair}", lambda: self._client.fetch_order_book(pair, limit=limit)
        )

    def fetch_ohlcv(self, pair: str, timeframe: str, limit: int) -> pd.DataFrame:
        """The last ``limit`` closed candles; the still-forming one is dropped."""
        label = f"fetch_ohlcv {pair} {timeframe}"
        with self._mapped_errors(label):
            timeframe_ms = self._client.parse_timeframe(timeframe) * 1000
        # One extra, because the newest candle is usually still open and gets dropped.
        rows = self._read(label, lambda: self._client.fetch_ohlcv(pair, timeframe, limit=limit + 1))
        frame = ohlcv_frame(rows)
        if not frame.empty:
            now_ms = int(self.now().timestamp() * 1000)
            open_ms = frame["date"].iloc[-1].value // 1_000_000
            if open_ms + timeframe_ms > now_ms:
                frame = frame.iloc[:-1]
        return frame.tail(limit).reset_index(drop=True)

    def fetch_ohlcv_pages(
        self, pair: str, timeframe: str, *, since: datetime, until: datetime | None = None
    ) -> Iterator[pd.DataFrame]:
        """Closed candles from ``since`` up to (not including) ``until``, one page per request.

        For downloading history: each page starts after the previous page's last candle, so a
        caller can stop, store what it has and resume later. Every page is retried like any read.
        """
        label = f"fetch_ohlcv {pair} {timeframe}"
        with self._mapped_errors(label):
            timeframe_ms = self._client.parse_timeframe(timeframe) * 1000
        page_size = _ohlcv_page_size(self._client)
        now_ms = int(self.now().timestamp() * 1000)
        stop_ms = min(now_ms, int(until.timestamp() * 1000)) if until else now_ms
        cursor = int(since.timestamp() * 1000)
        while cursor < stop_ms:
            start = cursor
            rows = self._read(
                label,
                lambda start=start: self._client.fetch_ohlcv(
                    pair, timeframe, since=start, limit=page_size
                ),
            )
            frame = ohlcv_frame(rows)
            if frame.empty:
                return
            open_ms = frame["date"].array.asi8 // 1_000_000
            # Only closed candles inside the range; the still-forming one is dropped.
            keep = (open_ms >= start) & (open_ms < stop_ms) & (open_ms + timeframe_ms <= now_ms)
            if keep.any():
                yield frame[keep].reset_index(drop=True)
            last = int(open_ms[-1])
            if last < start:  # the exchange ignored ``since``: no way to make progress
                return
            cursor = last + timeframe_ms

    def fetch_balance(self) -> dict[str, BalanceEntry]:
        raw = self._read("fetch_balance", self._client.fetch_balance)
        totals = raw.get("total") or {}
        entries = {}
        for currency, total in totals.items():
            if not total:
                continue
            account = raw.get(currency) or {}
            entries[currency] = BalanceEntry(
                currency=currency,
                free=num(account.get("free")) or 0.0,
                used=num(account.get("used")) or 0.0,
                total=float(total),
            )
        return entries

    def create_order(
        self, *, pair: str, order_type: str, side: str, amount: float, price: float | None
    ) -> OrderResult:
        """Place an order, rounding amount and price to the market's precision first.

        Deliberately not retried: when a create times out the exchange may still have accepted
        it, and sending it again could open a second position. The caller sees the
        TemporaryExchangeError and reconciles by fetching orders instead.
        """
        label = f"create_order {pair}"
        if order_type != "market" and price is None:
            raise InvalidOrderError(f"{label}: a {order_type} order needs a price")
        self.markets()
        with self._mapped_errors(label):
            sent_amount = float(self._client.amount_to_precision(pair, amount))
            # Market orders fill at the book; they are sent without a price.
            sent_price = (
                None if order_type == "market" else self._client.price_to_precision(pair, price)
            )
            raw = self._client.create_order(pair, order_type, side, sent_amount, num(sent_price))
        return order_result(raw, pair)

    def fetch_order(self, order_id: str, pair: str) -> OrderResult:
        raw = self._read(
            f"fetch_order {pair} {order_id}", lambda: self._client.fetch_order(order_id, pair)
        )
        return order_result(raw, pair)

    def cancel_order(self, order_id: str, pair: str) -> OrderResult:
        # Retrying a cancel is safe: at worst the repeat finds the order already gone and
        # reports it as not found (InvalidOrderError), which callers handle anyway.
        raw = self._read(
            f"cancel_order {pair} {order_id}", lambda: self._client.cancel_order(order_id, pair)
        )
        return order_result(raw, pair)

    def amount_to_precision(self, pair: str, amount: float) -> float:
        """``amount`` rounded the way the exchange accepts it (ccxt truncates amounts)."""
        self.markets()
        with self._mapped_errors(f"amount_to_precision {pair}"):
            return float(self._client.amount_to_precision(pair, amount))

    def price_to_precision(self, pair: str, price: float) -> float:
        """``price`` rounded to the market's tick (ccxt rounds prices to nearest)."""
        self.markets()
        with self._mapped_errors(f"price_to_precision {pair}"):
            return float(self._client.price_to_precision(pair, price))

    def close(self) -> None:
        if self._client_logger is not None:
            self._client_logger.removeFilter(self._log_filter)
        close = getattr(self._client, "close", None)
        if callable(close):
            close()

    def _read(self, operation: str, fn: Callable[[], T]) -> T:
        """A read-only call: errors mapped, temporary failures retried with backoff."""

        def attempt() -> T:
            with self._mapped_errors(operation):
                return fn()

        return retrying(attempt, sleep=self._sleep, logger=logger, label=operation)

    @contextmanager
    def _mapped_errors(self, operation: str) -> Iterator[None]:
        """Turn ccxt's exceptions into the engine's, prefixed with the operation."""
        try:
            yield
        except ccxt.BaseError as exc:
            error_class = next(ours for theirs, ours in ERROR_TABLE if isinstance(exc, theirs))
            telemetry.record_exchange_error(error_class, operation=operation.split(" ", 1)[0])
            original = f"{type(exc).__name__}: {exc}"
            message = _scrub(original, self._secrets)
            # Chain the original only when it is safe to show: tracebacks print the cause.
            cause = exc if message == original else None
            raise error_class(f"{operation}: {message}") from cause


def _build_client(config: ExchangeConfig) -> Any:
    exchange_id = config.name.lower()
    if exchange_id not in ccxt.exchanges:
        known = ", ".join(ccxt.exchanges[:8])
        raise ConfigError(
            f"exchange.name: unknown exchange '{config.name}'; ccxt supports: {known}, ... "
            f"({len(ccxt.exchanges)} in all)"
        )
    settings = {
        "apiKey": config.key,
        "secret": config.secret,
        "password": config.password,
        "uid": config.uid,
        "enableRateLimit": True,
        # Copied: ccxt keeps (and may mutate) nested dicts such as "options".
        **copy.deepcopy(dict(config.ccxt_config)),
    }
    return getattr(ccxt, exchange_id)(settings)


def _ohlcv_page_size(client: Any) -> int:
    """Candles per request: ccxt's per-exchange maximum, 500 where it does not say."""
    features = getattr(client, "features", None) or {}
    limit = ((features.get("spot") or {}).get("fetchOHLCV") or {}).get("limit")
    return int(limit) if limit else 500


# What the engine calls on an exchange (spot): without one of these it cannot trade there.
REQUIRED_CAPABILITIES = (
    "fetchMarkets",
    "fetchOHLCV",
    "fetchTicker",
    "fetchBalance",
    "createOrder",
    "cancelOrder",
    "fetchOrder",
)


@dataclass(frozen=True)
class ExchangeListing:
    """One exchange ccxt knows, and whether Tradeplane can trade spot on it."""

    classname: str  # ccxt's id
    name: str
    missing: tuple[str, ...]  # REQUIRED_CAPABILITIES it lacks
    dex: bool
    alias_for: str | None


@functools.cache
def exchange_catalog() -> tuple[ExchangeListing, ...]:
    """Every exchange of the installed ccxt (about 2 s the first time, then kept)."""
    listings = []
    for exchange_id in ccxt.exchanges:
        client = getattr(ccxt, exchange_id)()
        has = client.has or {}
        parent = type(client).__mro__[1]
        alias = bool(getattr(client, "alias", False))
        listings.append(
            ExchangeListing(
                classname=exchange_id,
                name=str(client.name or exchange_id),
                missing=tuple(c for c in REQUIRED_CAPABILITIES if not has.get(c)),
                dex=bool(getattr(client, "dex", False)),
                alias_for=parent().id if alias and parent is not ccxt.Exchange else None,
            )
        )
    return tuple(listings)
