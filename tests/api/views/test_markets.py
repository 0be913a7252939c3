"""``GET /markets``: Freqtrade's body from the running bot's exchange, and in webserver mode
from the configured one (on replay: a spot market per pair with stored candles)."""

from __future__ import annotations

from bot_engine.data.candles import available_data
from tests.fixtures.api import USER_DATA

STORED = sorted({pair for pair, _, _ in available_data(USER_DATA / "data" / "binance")})


def test_running_bot_markets_with_filters(running_bot, client_basic):
    body = client_basic.get("/api/v1/markets").json()
    assert body["exchange_id"] == "replay"
    assert sorted(body["markets"]) == STORED
    assert body["markets"]["ETH/BTC"] == {
        "symbol": "ETH/BTC", "base": "ETH", "quote": "BTC", "spot": True, "swap": False,
        "active": True,
    }  # fmt: skip
    only_eth = client_basic.get("/api/v1/markets?base=ETH&quote=BTC").json()["markets"]
    assert list(only_eth) == ["ETH/BTC"]
    assert client_basic.get("/api/v1/markets?quote=USDT").json()["markets"] == {}


def test_webserver_mode_serves_the_stored_pairs(webserver, client_basic):
    response = client_basic.get("/api/v1/markets?quote=BTC")
    assert response.status_code == 200  # Freqtrade 2026.9 answers in every mode
    body = response.json()
    assert body["exchange_id"] == "replay" and sorted(body["markets"]) == STORED
    assert client_basic.get("/api/v1/markets?exchange=replay&base=XMR").json()["markets"] == {
        "XMR/BTC": {"symbol": "XMR/BTC", "base": "XMR", "quote": "BTC", "spot": True,
                    "swap": False, "active": True}
    }  # fmt: skip


def test_bad_flag_is_422(webserver, client_basic):
    response = client_basic.get("/api/v1/markets?include_inactive=maybe")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][0] == "query"
