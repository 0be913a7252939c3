"""CcxtExchange against a real ``ccxt.binance`` whose HTTP layer answers from canned JSON."""

import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import ccxt
import pytest

from bot_engine.config.model import ExchangeConfig
from bot_engine.exceptions import (
    ConfigError,
    ExchangeError,
    InsufficientFundsError,
    InvalidOrderError,
    TemporaryExchangeError,
)
from bot_engine.exchange.ccxt_exchange import CcxtExchange

API_KEY = "tp-test-api-key-7f3a"
API_SECRET = "tp-test-secret-91bc"
CONFIG = ExchangeConfig(name="binance", key=API_KEY, secret=API_SECRET)
FIVE_MINUTES_MS = 5 * 60 * 1000


def binance_symbol(symbol, base, quote, *, tick, step, min_qty, min_notional, status="TRADING"):
    """One entry of Binance's /api/v3/exchangeInfo, trimmed to what ccxt reads."""
    return {
        "symbol": symbol,
        "status": status,
        "baseAsset": base,
        "quoteAsset": quote,
        "baseAssetPrecision": 8,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET"],
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": tick,
                "maxPrice": "922327.0",
                "tickSize": tick,
            },
            {"filterType": "LOT_SIZE", "minQty": min_qty, "maxQty": "900000.0", "stepSize": step},
            {"filterType": "NOTIONAL", "minNotional": min_notional, "maxNotional": "9000000.0"},
        ],
    }


EXCHANGE_INFO = {
    "timezone": "UTC",
    "serverTime": 1700000000000,
    "symbols": [
        binance_symbol(
            "ETHBTC",
            "ETH",
            "BTC",
            tick="0.00001000",
            step="0.00010000",
            min_qty="0.00010000",
            min_notional="0.00010000",
        ),
        binance_symbol(
            "XRPBTC",
            "XRP",
            "BTC",
            tick="0.00000001",
            step="1.00000000",
            min_qty="1.00000000",
            min_notional="0.00010000",
            status="BREAK",
        ),
    ],
}


def binance_order(
    status="NEW",
    *,
    order_type="LIMIT",
    side="BUY",
    qty="1.2345",
    executed="0",
    price="0.05000",
    quote_qty=None,
    fills=(),
):
    return {
        "symbol": "ETHBTC",
        "orderId": 28,
        "clientOrderId": "tp-1",
        "transactTime": 1700000000000,
        "updateTime": 1700000060000,
        "price": price,
        "origQty": qty,
        "executedQty": executed,
        "cummulativeQuoteQty": quote_qty or str(float(executed) * float(price)),
        "status": status,
        "timeInForce": "GTC",
        "type": order_type,
        "side": side,
        "fills": list(fills),
    }


@dataclass
class HttpError:
    """An HTTP error reply, run through the client's own error handling like a real one."""

    status: int
    body: dict


class InOrder(list):
    """Replies served one per request, in order; the last one repeats."""


class FakeBinanceHttp:
    """Replaces ccxt's low-level ``fetch``: routes (method, path) to canned replies.

    A route's value is a JSON reply, an exception to raise, an ``HttpError``, or ``InOrder``
    of those. Every request is recorded for assertions.
    """

    def __init__(self, client, routes):
        self.client = client
        self.routes = {
            key: list(value) if isinstance(value, InOrder) else [value]
            for key, value in routes.items()
        }
        self.requests: list[tuple[str, str, dict]] = []
        client.fetch = self

    def __call__(self, url, method="GET", headers=None, body=None):
        # ccxt's real fetch logs every request like this, headers (and so the API key) included.
        self.client.logger.debug("%s %s, Request: %s %s", method, url, headers, body)
        split = urlsplit(url)
        params = {k: v[0] for k, v in parse_qs(split.query or body or "").items()}
        self.requests.append((method, split.path, params))
        replies = self.routes.get((method, split.path))
        if replies is None:
            raise AssertionError(f"unexpected request {method} {split.path}")
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, HttpError):
            self._raise_http_error(reply, url, method, headers, body)
        return json.loads(json.dumps(reply))  # a fresh copy, as if decoded from the wire

    def _raise_http_error(self, reply, url, method, headers, body):
        text = json.dumps(reply.body)
        self.client.handle_errors(
            reply.status, "Error", url, method, {}, text, reply.body, headers, body
        )
        self.client.handle_http_status_code(reply.status, "Error", url, method, text)
        raise ccxt.ExchangeError(f"binance {method} {url} {reply.status}")

    def calls(self, method, path):
        return [params for m, p, params in self.requests if (m, p) == (method, path)]


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_exchange(sleeps):
    made = []

    def make(routes=None):
        client = ccxt.binance(
            {
                "apiKey": API_KEY,
                "secret": API_SECRET,
                "enableRateLimit": False,  # the throttle would sleep between canned replies
                # Spot only: skips the futures/margin/currency endpoints load_markets would call.
                "options": {
                    "fetchMarkets": {"types": ["spot"]},
                    "fetchMargins": False,
                    "fetchCurrencies": False,
                },
            }
        )
        http = FakeBinanceHttp(
            client, {("GET", "/api/v3/exchangeInfo"): EXCHANGE_INFO, **(routes or {})}
        )
        exchange = CcxtExchange(CONFIG, client=client, sleep=sleeps.append)
        made.append(exchange)
        return exchange, http

    yield make
    for exchange in made:
        exchange.close()


def test_markets_are_mapped_with_tick_size_precision_and_limits(make_exchange):
    exchange, _ = make_exchange()
    eth = exchange.markets()["ETH/BTC"]
    assert (eth.symbol, eth.base, eth.quote, eth.spot, eth.active) == (
        "ETH/BTC",
        "ETH",
        "BTC",
        True,
        True,
    )
    assert eth.amount_precision == 0.0001
    assert eth.price_precision == 0.00001
    assert eth.precision_mode == ccxt.TICK_SIZE
    assert eth.min_amount == 0.0001
    assert eth.min_cost == 0.0001
    assert (eth.fee_taker, eth.fee_maker) == (0.001, 0.001)
    assert exchange.markets()["XRP/BTC"].active is False  # status BREAK


def test_markets_are_loaded_once(make_exchange):
    exchange, http = make_exchange()
    exchange.markets()
    exchange.markets()
    exchange.amount_to_precision("ETH/BTC", 1)
    assert len(http.calls("GET", "/api/v3/exchangeInfo")) == 1


def test_precision_helpers_round_through_ccxt(make_exchange):
    exchange, _ = make_exchange()
    assert exchange.amount_to_precision("ETH/BTC", 1.23456789) == 1.2345  # amounts truncate
    assert exchange.price_to_precision("ETH/BTC", 0.0512351) == 0.05124  # prices round
    assert exchange.amount_to_precision("XRP/BTC", 12.9) == 12.0


def test_ticker_maps_bid_ask_and_time(make_exchange):
    exchange, http = make_exchange(
        {
            ("GET", "/api/v3/ticker/24hr"): {
                "symbol": "ETHBTC",
                "lastPrice": "0.05000",
                "bidPrice": "0.04990",
                "askPrice": "0.05010",
                "openTime": 1699913600000,
                "closeTime": 1700000000000,
            }
        }
    )
    ticker = exchange.fetch_ticker("ETH/BTC")
    assert (ticker.symbol, ticker.last, ticker.bid, ticker.ask) == ("ETH/BTC", 0.05, 0.0499, 0.0501)
    assert ticker.timestamp == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert http.calls("GET", "/api/v3/ticker/24hr") == [{"symbol": "ETHBTC"}]


def test_ticker_bid_and_ask_fall_back_to_last(make_exchange):
    exchange, _ = make_exchange(
        {
            ("GET", "/api/v3/ticker/24hr"): {
                "symbol": "ETHBTC",
                "lastPrice": "0.05000",
                "closeTime": 1700000000000,
            }
        }
    )
    ticker = exchange.fetch_ticker("ETH/BTC")
    assert (ticker.bid, ticker.ask) == (0.05, 0.05)


def klines(opens_ms):
    return [
        [
            t,
            "0.050",
            "0.052",
            "0.049",
            "0.051",
            "12.5",
            t + FIVE_MINUTES_MS - 1,
            "0.6",
            10,
            "6",
            "0.3",
            "0",
        ]
        for t in opens_ms
    ]


def test_ohlcv_drops_the_candle_still_forming(make_exchange):
    now_ms = int(time.time() * 1000)
    current_open = now_ms - now_ms % FIVE_MINUTES_MS  # this candle closes in the future
    opens = [current_open - k * FIVE_MINUTES_MS for k in (3, 2, 1, 0)]
    exchange, http = make_exchange({("GET", "/api/v3/klines"): klines(opens)})
    frame = exchange.fetch_ohlcv("ETH/BTC", "5m", 3)
    assert list(frame.columns) == ["date", "open", "high", "low", "close", "volume"]
    assert str(frame["date"].dtype) == "datetime64[ns, UTC]"
    assert all(str(frame[c].dtype) == "float64" for c in frame.columns[1:])
    assert [d.value // 1_000_000 for d in frame["date"]] == opens[:3]
    assert frame["close"].tolist() == [0.051] * 3
    # One candle more than asked for, because the newest is usually dropped.
    assert http.calls("GET", "/api/v3/klines")[0]["limit"] == "4"


def test_ohlcv_keeps_the_newest_candle_once_closed(make_exchange):
    now_ms = int(time.time() * 1000)
    last_closed = now_ms - now_ms % FIVE_MINUTES_MS - FIVE_MINUTES_MS
    opens = [last_closed - k * FIVE_MINUTES_MS for k in (3, 2, 1, 0)]
    exchange, _ = make_exchange({("GET", "/api/v3/klines"): klines(opens)})
    frame = exchange.fetch_ohlcv("ETH/BTC", "5m", 3)
    assert [d.value // 1_000_000 for d in frame["date"]] == opens[1:]


def test_ohlcv_of_an_informative_timeframe_asks_for_it_and_drops_the_forming_hour(make_exchange):
    hour_ms = 12 * FIVE_MINUTES_MS
    now_ms = int(time.time() * 1000)
    current_open = now_ms - now_ms % hour_ms
    opens = [current_open - k * hour_ms for k in (2, 1, 0)]
    exchange, http = make_exchange({("GET", "/api/v3/klines"): klines(opens)})
    frame = exchange.fetch_ohlcv("ETH/BTC", "1h", 2)
    assert [d.value // 1_000_000 for d in frame["date"]] == opens[:2]
    assert http.calls("GET", "/api/v3/klines")[0]["interval"] == "1h"


def test_order_book_is_ccxts(make_exchange):
    depth = {"lastUpdateId": 1, "bids": [["0.0500", "2.0"]], "asks": [["0.0502", "1.5"]]}
    exchange, http = make_exchange({("GET", "/api/v3/depth"): depth})
    book = exchange.fetch_order_book("ETH/BTC", 5)
    assert (book["bids"][0], book["asks"][0]) == ([0.05, 2.0], [0.0502, 1.5])
    assert http.calls("GET", "/api/v3/depth")[0]["limit"] == "5"


def test_balance_keeps_non_zero_totals(make_exchange):
    exchange, _ = make_exchange(
        {
            ("GET", "/api/v3/account"): {
                "accountType": "SPOT",
                "updateTime": 1700000000000,
                "balances": [
                    {"asset": "BTC", "free": "0.40000000", "locked": "0.10000000"},
                    {"asset": "ETH", "free": "2.00000000", "locked": "0.00000000"},
                    {"asset": "XRP", "free": "0.00000000", "locked": "0.00000000"},
                ],
            }
        }
    )
    balance = exchange.fetch_balance()
    assert set(balance) == {"BTC", "ETH"}
    btc = balance["BTC"]
    assert (btc.currency, btc.free, btc.used, btc.total) == ("BTC", 0.4, 0.1, 0.5)


def test_create_limit_order_sends_rounded_amount_and_price(make_exchange):
    exchange, http = make_exchange({("POST", "/api/v3/order"): binance_order()})
    order = exchange.create_order(
        pair="ETH/BTC", order_type="limit", side="buy", amount=1.23456789, price=0.0512351
    )
    sent = http.calls("POST", "/api/v3/order")[0]
    assert (sent["quantity"], sent["price"], sent["type"], sent["side"]) == (
        "1.2345",
        "0.05124",
        "LIMIT",
        "BUY",
    )
    assert (order.id, order.symbol, order.side, order.type, order.status) == (
        "28",
        "ETH/BTC",
        "buy",
        "limit",
        "open",
    )
    assert (order.amount, order.filled, order.remaining) == (1.2345, 0.0, 1.2345)
    assert order.timestamp == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert order.filled_at is None
    assert order.info["orderId"] == 28


def test_create_market_order_sends_no_price_and_maps_fills_and_fees(make_exchange):
    fills = [
        {"price": "0.05000", "qty": "1.0000", "commission": "0.00100000", "commissionAsset": "ETH"},
        {"price": "0.05010", "qty": "0.2345", "commission": "0.00023450", "commissionAsset": "ETH"},
    ]
    reply = binance_order(
        "FILLED",
        order_type="MARKET",
        executed="1.2345",
        price="0.0",
        quote_qty="0.06174845",
        fills=fills,
    )
    exchange, http = make_exchange({("POST", "/api/v3/order"): reply})
    order = exchange.create_order(
        pair="ETH/BTC", order_type="market", side="buy", amount=1.23459, price=0.05
    )
    sent = http.calls("POST", "/api/v3/order")[0]
    assert "price" not in sent
    assert sent["quantity"] == "1.2345"
    assert order.status == "closed"
    assert order.filled == 1.2345
    assert order.average == pytest.approx((1.0 * 0.05 + 0.2345 * 0.0501) / 1.2345)
    assert order.fee_cost == pytest.approx(0.0012345)
    assert order.fee_currency == "ETH"
    assert order.filled_at is not None


def test_limit_order_without_price_is_refused_before_sending(make_exchange):
    exchange, http = make_exchange({("POST", "/api/v3/order"): binance_order()})
    with pytest.raises(InvalidOrderError, match="needs a price"):
        exchange.create_order(pair="ETH/BTC", order_type="limit", side="buy", amount=1, price=None)
    assert http.calls("POST", "/api/v3/order") == []


def test_amount_below_the_step_is_an_invalid_order(make_exchange):
    exchange, _ = make_exchange()
    with pytest.raises(InvalidOrderError, match=r"^create_order ETH/BTC: "):
        exchange.create_order(
            pair="ETH/BTC", order_type="limit", side="buy", amount=0.00001, price=0.05
        )


def test_fetch_and_cancel_order(make_exchange):
    exchange, http = make_exchange(
        {
            ("GET", "/api/v3/order"): binance_order("PARTIALLY_FILLED", executed="0.5000"),
            ("DELETE", "/api/v3/order"): binance_order("CANCELED", executed="0.5000"),
        }
    )
    fetched = exchange.fetch_order("28", "ETH/BTC")
    assert (fetched.status, fetched.filled, fetched.remaining) == ("open", 0.5, 0.7345)
    assert fetched.cost == pytest.approx(0.025)
    canceled = exchange.cancel_order("28", "ETH/BTC")
    assert canceled.status == "canceled"
    assert http.calls("DELETE", "/api/v3/order")[0]["orderId"] == "28"


ORDER_ERRORS = [
    (ccxt.InsufficientFunds("binance no money"), InsufficientFundsError),
    (ccxt.InvalidOrder("binance bad order"), InvalidOrderError),
    (ccxt.OrderNotFound("binance unknown order"), InvalidOrderError),
    (ccxt.DDoSProtection("binance ddos"), TemporaryExchangeError),
    (ccxt.RateLimitExceeded("binance 429"), TemporaryExchangeError),
    (ccxt.RequestTimeout("binance timeout"), TemporaryExchangeError),
    (ccxt.NetworkError("binance reset"), TemporaryExchangeError),
    (ccxt.ExchangeNotAvailable("binance 503"), TemporaryExchangeError),
    (ccxt.AuthenticationError("binance bad key"), ExchangeError),
    (ccxt.BadSymbol("binance no such symbol"), ExchangeError),
    (ccxt.ExchangeError("binance something"), ExchangeError),
]


@pytest.mark.parametrize(
    ("raised", "expected"), ORDER_ERRORS, ids=[type(e).__name__ for e, _ in ORDER_ERRORS]
)
def test_ccxt_errors_map_to_engine_errors(make_exchange, raised, expected):
    exchange, _ = make_exchange({("POST", "/api/v3/order"): raised})
    with pytest.raises(expected) as info:
        exchange.create_order(pair="ETH/BTC", order_type="limit", side="buy", amount=1, price=0.05)
    assert type(info.value) is expected
    assert str(info.value).startswith("create_order ETH/BTC: ")
    assert str(raised) in str(info.value)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            HttpError(
                400,
                {"code": -2010, "msg": "Account has insufficient balance for requested action."},
            ),
            InsufficientFundsError,
        ),
        (HttpError(400, {"code": -1013, "msg": "Filter failure: LOT_SIZE"}), InvalidOrderError),
        (HttpError(429, {"code": -1003, "msg": "Too many requests."}), TemporaryExchangeError),
        (HttpError(503, {"code": -1001, "msg": "Internal error."}), TemporaryExchangeError),
    ],
    ids=["insufficient-balance", "lot-size", "429", "503"],
)
def test_binance_error_replies_map_through_ccxt(make_exchange, reply, expected):
    exchange, _ = make_exchange({("POST", "/api/v3/order"): reply})
    with pytest.raises(expected, match=r"^create_order ETH/BTC: "):
        exchange.create_order(pair="ETH/BTC", order_type="limit", side="buy", amount=1, price=0.05)


TICKER_REPLY = {"symbol": "ETHBTC", "lastPrice": "0.05", "closeTime": 1700000000000}


def test_reads_retry_temporary_errors_then_succeed(make_exchange, sleeps, caplog):
    exchange, http = make_exchange(
        {
            ("GET", "/api/v3/ticker/24hr"): InOrder(
                [
                    ccxt.RequestTimeout("binance timeout"),
                    ccxt.DDoSProtection("binance 418"),
                    TICKER_REPLY,
                ]
            )
        }
    )
    with caplog.at_level(logging.WARNING, logger="bot_engine.exchange.ccxt_exchange"):
        assert exchange.fetch_ticker("ETH/BTC").last == 0.05
    assert len(http.calls("GET", "/api/v3/ticker/24hr")) == 3
    assert sleeps == [0.5, 1.0]
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert "fetch_ticker ETH/BTC failed (attempt 1 of 4)" in retries[0]
    assert "attempt 2 of 4" in retries[1]


def test_reads_give_up_after_the_last_attempt(make_exchange, sleeps):
    exchange, http = make_exchange({("GET", "/api/v3/account"): ccxt.NetworkError("reset")})
    with pytest.raises(TemporaryExchangeError, match=r"^fetch_balance: NetworkError: reset"):
        exchange.fetch_balance()
    assert len(http.calls("GET", "/api/v3/account")) == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_load_markets_is_retried(make_exchange, sleeps):
    exchange, _ = make_exchange(
        {
            ("GET", "/api/v3/exchangeInfo"): InOrder(
                [ccxt.ExchangeNotAvailable("maintenance"), EXCHANGE_INFO]
            )
        }
    )
    assert "ETH/BTC" in exchange.markets()
    assert sleeps == [0.5]


def test_reads_do_not_retry_permanent_errors(make_exchange, sleeps):
    exchange, http = make_exchange(
        {("GET", "/api/v3/order"): HttpError(400, {"code": -2013, "msg": "Order does not exist."})}
    )
    with pytest.raises(InvalidOrderError, match=r"^fetch_order ETH/BTC 28: "):
        exchange.fetch_order("28", "ETH/BTC")
    assert len(http.calls("GET", "/api/v3/order")) == 1
    assert sleeps == []


def test_create_order_is_never_retried(make_exchange, sleeps):
    exchange, http = make_exchange(
        {
            ("POST", "/api/v3/order"): InOrder(
                [ccxt.RequestTimeout("binance timeout"), binance_order()]
            )
        }
    )
    with pytest.raises(TemporaryExchangeError, match=r"^create_order ETH/BTC: "):
        exchange.create_order(pair="ETH/BTC", order_type="limit", side="buy", amount=1, price=0.05)
    assert len(http.calls("POST", "/api/v3/order")) == 1
    assert sleeps == []


def test_secrets_never_reach_error_messages_or_logs(make_exchange, caplog):
    leaky = ccxt.AuthenticationError(f"binance rejected key {API_KEY} / {API_SECRET}")
    exchange, _ = make_exchange(
        {
            ("POST", "/api/v3/order"): leaky,
            ("GET", "/api/v3/account"): ccxt.RequestTimeout(f"timeout for {API_KEY}"),
        }
    )
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(ExchangeError) as info:
            exchange.create_order(
                pair="ETH/BTC", order_type="limit", side="buy", amount=1, price=0.05
            )
        with pytest.raises(TemporaryExchangeError):
            exchange.fetch_balance()
    message = str(info.value)
    assert API_KEY not in message and API_SECRET not in message
    assert "***" in message
    assert info.value.__cause__ is None  # a traceback would print the unscrubbed original
    logged = [r.getMessage() for r in caplog.records]
    assert any("X-MBX-APIKEY" in m for m in logged)  # ccxt's request log was seen ...
    assert not [m for m in logged if API_KEY in m or API_SECRET in m]  # ... and scrubbed


def test_close_detaches_the_log_filter(make_exchange, caplog):
    exchange, _ = make_exchange()
    exchange.close()
    with caplog.at_level(logging.DEBUG, logger="ccxt"):
        logging.getLogger("ccxt.base.exchange").debug("header %s", API_KEY)
    assert API_KEY in caplog.records[-1].getMessage()


def test_unknown_exchange_name_is_a_config_error():
    with pytest.raises(ConfigError) as info:
        CcxtExchange(ExchangeConfig(name="notanexchange", key=API_KEY, secret=API_SECRET))
    message = str(info.value)
    assert message.startswith("exchange.name: unknown exchange 'notanexchange'; ccxt supports: ")
    assert "binance" in message
    assert API_KEY not in message


def test_builds_the_named_ccxt_client_without_touching_the_network():
    options = {"options": {"defaultType": "spot"}}
    config = ExchangeConfig(name="Binance", key=API_KEY, secret=API_SECRET, ccxt_config=options)
    exchange = CcxtExchange(config)
    assert exchange.name == "Binance"
    assert exchange.now().tzinfo is UTC
    assert options == {"options": {"defaultType": "spot"}}  # config left untouched
    exchange.close()


def test_ohlcv_with_no_candles_is_an_empty_typed_frame(make_exchange):
    exchange, _ = make_exchange({("GET", "/api/v3/klines"): []})
    frame = exchange.fetch_ohlcv("ETH/BTC", "5m", 3)
    assert frame.empty
    assert list(frame.columns) == ["date", "open", "high", "low", "close", "volume"]
    assert str(frame["date"].dtype) == "datetime64[ns, UTC]"
