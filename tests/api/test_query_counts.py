"""Pinned query counts for every endpoint FreqUI polls (the Zulip habit in style.md).

A poll is repeated every few seconds per bot, so one extra query per row or per request shows
up at once; a changed number here is a decision to review, not a number to bump.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bot_engine import runtime
from bot_engine.models import Trade
from tests.fixtures.engine import run_candles

# The API tests' credentials (tests.fixtures.api), so ``client_basic`` logs in to this bot.
API_SERVER = {
    "enabled": True,
    "listen_ip_address": "127.0.0.1",
    "listen_port": 8080,
    "username": "tester",
    "password": "s3cret-pass",
    "jwt_secret_key": "test-jwt-secret-0123456789abcdef0123456789",
}

# path → queries of a repeated poll (the first one fills the per-bot caches).
POLLED_QUERIES = {
    "status": 2,  # open trades, their orders
    "count": 1,
    "balance": 7,  # the closed-trade cache (4), open trades and their orders, the bot row
    "performance": 5,
    "daily": 7,
    "locks": 1,
    "whitelist": 0,  # the running bot's pair list, no database
    "trades?limit=500": 3,  # the count, the page, its orders
    "profit": 7,  # the closed-trade cache's fingerprint (5), open trades and their orders
    "stats": 5,
    "entries": 5,
    "exits": 5,
    "mix_tags": 5,
    "weekly": 7,
    "monthly": 7,
    "trade/1": 2,  # the trade, its orders
    "blacklist": 0,
    "show_config": 0,
    "health": 0,
    "sysinfo": 0,
    "version": 0,
    "pair_candles?pair=ETH/BTC&timeframe=5m&limit=100": 0,  # the analysed frame in memory
}


@pytest.fixture
def traded_bot(make_running_bot):
    """A replay run with closed and open trades, registered for the API."""
    bot = make_running_bot(
        bot_name="polled",
        max_open_trades=3,
        api_server=API_SERVER,
        exchange={"pair_whitelist": ["ETH/BTC", "XLM/BTC", "ADA/BTC", "LTC/BTC"]},
    )
    run_candles(bot, 1480)  # ends with a trade open (the price moves inside candles)
    trades = Trade.objects.for_bot(bot.bot_id)
    assert trades.filter(is_open=True).exists() and trades.filter(is_open=False).count() > 1
    runtime.register(bot)
    yield bot
    runtime.register(None)


@pytest.mark.parametrize(("path", "queries"), POLLED_QUERIES.items(), ids=list(POLLED_QUERIES))
def test_a_repeated_poll_makes_a_pinned_number_of_queries(traded_bot, client_basic, path, queries):
    assert client_basic.get(f"/api/v1/{path}").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client_basic.get(f"/api/v1/{path}")
    assert response.status_code == 200
    sql = [query["sql"] for query in captured.captured_queries]
    assert len(sql) == queries, "\n".join(sql)
