"""``GET /metrics``: Prometheus text that follows the trades, behind the metrics token or the
normal API logins."""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace

import ccxt
import pytest
import requests
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from api.auth.tokens import token_pair
from api.context import configure_webserver
from bot_engine import secret_filter
from bot_engine.config import validation
from bot_engine.config.builder import build_config
from bot_engine.config.model import ExchangeConfig
from bot_engine.config.policy import redact
from bot_engine.engine.loop import Engine
from bot_engine.exceptions import InsufficientFundsError, TemporaryExchangeError
from bot_engine.exchange.ccxt_exchange import CcxtExchange
from bot_engine.models import Bot, Order, Trade
from tests.fixtures.api import API_USER, BASE_CONFIG, basic_header, config_dict
from tests.fixtures.runbot import runbot_process

METRICS_TOKEN = "metrics-token-0123456789abcdef"
BOT = BASE_CONFIG["bot_name"]


@pytest.fixture
def bot_config():
    """The API fixtures' config with a metrics token (``running_bot`` and ``api`` use it)."""
    api_server = {**BASE_CONFIG["api_server"], "metrics_token": METRICS_TOKEN}
    return build_config(config_dict(api_server=api_server), path=None)


@pytest.fixture
def scraper(anon_client):
    anon_client.credentials(HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")
    return anon_client


def samples(body: str) -> list:
    return [s for family in text_string_to_metric_families(body) for s in family.samples]


def value(found: list, name: str, **labels: str) -> float | None:
    """The value of the sample ``name`` whose labels include ``labels`` (None: no such one)."""
    matches = [s.value for s in found if s.name == name and labels.items() <= s.labels.items()]
    assert len(matches) <= 1, (name, labels, matches)
    return matches[0] if matches else None


def scrape(client) -> list:
    response = client.get("/metrics")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return samples(response.content.decode())


def db_figures(bot_id: int) -> dict:
    trades = Trade.objects.filter(bot_id=bot_id)
    closed = trades.filter(is_open=False)
    return {
        "open": trades.filter(is_open=True).count(),
        "closed": closed.count(),
        "profit": sum(t.close_profit_abs for t in closed),
        "orders": Order.objects.filter(bot_id=bot_id).count(),
    }


def test_route_is_top_level():
    assert reverse("metrics") == "/metrics"


def test_trade_figures_follow_entries_and_exits(running_bot, api, scraper):
    before = scrape(scraper)
    start = db_figures(running_bot.bot_id)
    assert value(before, "tradeplane_open_trades", bot=BOT) == start["open"]
    assert value(before, "tradeplane_closed_trades", bot=BOT) == start["closed"]
    assert value(before, "tradeplane_bot_info", bot=BOT, stake_currency="BTC", dry_run="true") == 1

    trade = api.post("/api/v1/forceenter", {"pair": "LTC/BTC"}, format="json").json()
    opened = scrape(scraper)
    assert value(opened, "tradeplane_open_trades", bot=BOT) == start["open"] + 1
    stake = value(opened, "tradeplane_open_trades_stake", bot=BOT, stake_currency="BTC")
    open_stake = sum(t.stake_amount for t in Trade.objects.filter(bot_id=running_bot.bot_id))
    assert stake == pytest.approx(open_stake - sum_closed_stake(running_bot.bot_id))
    buys = value(opened, "tradeplane_orders", bot=BOT, status="closed", side="buy")
    assert buys == Order.objects.filter(bot_id=running_bot.bot_id, ft_order_side="buy").count()

    response = api.post("/api/v1/forceexit", {"tradeid": str(trade["trade_id"])}, format="json")
    assert response.status_code == 200, response.content
    closed = scrape(scraper)
    end = db_figures(running_bot.bot_id)
    assert end["closed"] == start["closed"] + 1
    assert value(closed, "tradeplane_open_trades", bot=BOT) == end["open"]
    assert value(closed, "tradeplane_closed_trades", bot=BOT) == end["closed"]
    profit = value(closed, "tradeplane_realized_profit", bot=BOT, stake_currency="BTC")
    assert profit == pytest.approx(end["profit"]) and profit != 0
    orders = [s for s in closed if s.name == "tradeplane_orders" and s.labels["bot"] == BOT]
    assert sum(s.value for s in orders) == end["orders"]


def sum_closed_stake(bot_id: int) -> float:
    return sum(t.stake_amount for t in Trade.objects.filter(bot_id=bot_id, is_open=False))


def test_database_figures_are_grouped_in_the_database(running_bot, scraper):
    with CaptureQueriesContext(connection) as queries:
        scrape(scraper)
    trade_queries = [q["sql"] for q in queries if '"bot_engine_trade"' in q["sql"]]
    assert len(trade_queries) == 1 and "GROUP BY" in trade_queries[0]
    order_queries = [q["sql"] for q in queries if '"bot_engine_order"' in q["sql"]]
    assert len(order_queries) == 1 and "GROUP BY" in order_queries[0]
    assert len(queries) <= 4  # bot ids, bots, trades, orders: whatever the number of trades


def test_engine_loop_duration_and_state(running_bot, scraper):
    def loops(found):
        return value(found, "tradeplane_engine_loop_duration_seconds_count", bot=BOT) or 0

    before = loops(scrape(scraper))
    Engine(running_bot).step()
    after = scrape(scraper)
    assert loops(after) == before + 1
    inf = value(after, "tradeplane_engine_loop_duration_seconds_bucket", bot=BOT, le="+Inf")
    assert inf == before + 1
    assert value(after, "tradeplane_engine_loop_duration_seconds_sum", bot=BOT) > 0
    assert value(after, "tradeplane_bot_state", bot=BOT, state="running") == 1
    assert value(after, "tradeplane_bot_state", bot=BOT, state="stopped") == 0


def test_api_latency_is_labelled_by_route_name(running_bot, api, scraper):
    def count(found, route, status):
        name = "tradeplane_api_request_duration_seconds_count"
        return value(found, name, route=route, method="GET", status=status) or 0

    before = scrape(scraper)
    api.get("/api/v1/trade/1")
    api.get("/api/v1/trade/999999")  # another id, same route
    api.get("/api/v1/no-such-endpoint")
    after = scrape(scraper)
    answered = count(after, "trade", "200") + count(after, "trade", "404")
    assert answered == count(before, "trade", "200") + count(before, "trade", "404") + 2
    assert count(after, "unmatched", "404") == count(before, "unmatched", "404") + 1
    routes = {s.labels["route"] for s in after if s.name.startswith("tradeplane_api_request")}
    assert not any("/" in route for route in routes)  # names, never paths with ids
    assert count(after, "metrics", "200") >= 1


def test_exchange_errors_are_counted_by_kind(running_bot, scraper):
    def errors(found, kind, operation):
        return value(found, "tradeplane_exchange_errors_total", kind=kind, operation=operation)

    before = scrape(scraper)

    def timeout(pair):
        raise ccxt.RequestTimeout("binance GET /ticker timed out")

    def no_funds(pair, amount):
        raise ccxt.InsufficientFunds("binance Account has insufficient balance")

    client = SimpleNamespace(
        fetch_ticker=timeout, load_markets=lambda reload: {}, amount_to_precision=no_funds
    )
    exchange = CcxtExchange(ExchangeConfig(name="binance"), client=client, sleep=lambda s: None)
    with pytest.raises(TemporaryExchangeError):
        exchange.fetch_ticker("ETH/BTC")
    with pytest.raises(InsufficientFundsError):
        exchange.create_order(pair="ETH/BTC", order_type="market", side="buy", amount=1, price=None)
    after = scrape(scraper)
    # Four attempts (the first and three retries), each a failed call.
    assert (
        errors(after, "temporary", "fetch_ticker")
        == (errors(before, "temporary", "fetch_ticker") or 0) + 4
    )
    assert (
        errors(after, "insufficient_funds", "create_order")
        == (errors(before, "insufficient_funds", "create_order") or 0) + 1
    )


def test_token_scrape_covers_every_bot_of_the_database(running_bot, scraper):
    Bot.objects.create(name="other-bot", stake_currency="USDT", dry_run=False)
    found = scrape(scraper)
    assert value(found, "tradeplane_open_trades", bot="other-bot") == 0
    assert value(found, "tradeplane_realized_profit", bot="other-bot", stake_currency="USDT") == 0


def test_normal_logins_are_accepted(running_bot, client_basic, anon_client):
    assert value(scrape(client_basic), "tradeplane_open_trades", bot=BOT) is not None
    anon_client.credentials(HTTP_AUTHORIZATION="Bearer " + token_pair(API_USER)["access_token"])
    assert value(scrape(anon_client), "tradeplane_open_trades", bot=BOT) is not None


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        (None, "Unauthorized"),
        (f"Bearer {METRICS_TOKEN}x", "Could not validate credentials"),
        (f"Bearer {METRICS_TOKEN[:-1]}", "Could not validate credentials"),
        ("Bearer ", "Could not validate credentials"),
        (f"Basic {METRICS_TOKEN}", "Not authenticated"),
        (basic_header(password="wrong-password"), "Unauthorized"),
    ],
    ids=["none", "longer", "shorter", "empty", "token-as-basic", "wrong-basic"],
)
def test_without_valid_credentials_is_401_json(running_bot, anon_client, header, detail):
    if header is not None:
        anon_client.credentials(HTTP_AUTHORIZATION=header)
    response = anon_client.get("/metrics")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": detail}


def test_no_token_configured_means_no_token_login(db, webserver, scraper):
    configure_webserver(build_config(config_dict(), path=None))  # no metrics_token
    response = scraper.get("/metrics")
    assert response.status_code == 401 and response["Content-Type"] == "application/json"


def test_scraper_accept_headers_never_get_406(running_bot, scraper):
    plain = scraper.get("/metrics", HTTP_ACCEPT="text/plain")
    assert plain.status_code == 200 and plain["Content-Type"].startswith("text/plain")
    prometheus = "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4"
    open_metrics = scraper.get("/metrics", HTTP_ACCEPT=prometheus)
    assert open_metrics.status_code == 200
    assert open_metrics["Content-Type"].startswith("application/openmetrics-text")
    assert open_metrics.content.rstrip().endswith(b"# EOF")
    refused = APIClient().get("/metrics", HTTP_ACCEPT="text/plain")
    assert refused.status_code == 401 and refused.json() == {"detail": "Unauthorized"}


def test_token_is_a_secret(running_bot, api, bot_config, caplog):
    assert METRICS_TOKEN not in api.get("/api/v1/show_config").content.decode()
    assert METRICS_TOKEN not in repr(bot_config)
    assert redact(bot_config.raw)["api_server"]["metrics_token"] == "REDACTED"
    secret_filter.install(bot_config)
    try:
        with caplog.at_level(logging.INFO):
            logging.getLogger("tradeplane.test").info("scraping with %s", METRICS_TOKEN)
    finally:
        secret_filter.uninstall()
    assert "scraping with" in caplog.text and METRICS_TOKEN not in caplog.text


def test_short_token_is_a_config_error():
    short = config_dict(api_server={**BASE_CONFIG["api_server"], "metrics_token": "tiny-token"})
    assert validation.validate(short) == [
        "api_server.metrics_token: must be a string of at least 16 characters (or empty)"
    ]
    none = config_dict(api_server={**BASE_CONFIG["api_server"], "metrics_token": ""})
    assert validation.validate(none) == []


@pytest.mark.integration
def test_real_runbot_serves_metrics(tmp_path):
    api_server = {**BASE_CONFIG["api_server"], "metrics_token": METRICS_TOKEN}
    with runbot_process(tmp_path, api_server=api_server) as bot:
        headers = {"Authorization": f"Bearer {METRICS_TOKEN}"}
        deadline = time.monotonic() + 30
        while True:
            response = requests.get(f"{bot.url}/metrics", headers=headers, timeout=10)
            assert response.status_code == 200, response.text
            found = samples(response.text)
            loops = value(found, "tradeplane_engine_loop_duration_seconds_count", bot=BOT) or 0
            if loops > 0 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert loops > 0
        assert value(found, "tradeplane_bot_state", bot=BOT, state="running") == 1
        name = "tradeplane_api_request_duration_seconds_count"
        assert value(found, name, route="ping", method="GET", status="200") >= 1
        assert value(found, "tradeplane_open_trades", bot=BOT) is not None
        assert value(found, "process_resident_memory_bytes") > 0
        wrong = requests.get(f"{bot.url}/metrics", headers={"Authorization": "Bearer x"})
        assert wrong.status_code == 401 and wrong.json() == {
            "detail": "Could not validate credentials"
        }
