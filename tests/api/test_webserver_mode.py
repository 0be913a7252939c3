"""Webserver mode: no bot in this process; DB-backed reads work, control answers 503."""

from __future__ import annotations

import pytest

from api.exceptions import NOT_IN_STATE

pytestmark = pytest.mark.usefixtures("webserver")

CONTROL = [
    ("post", "/api/v1/start"),
    ("post", "/api/v1/stop"),
    ("post", "/api/v1/stopbuy"),
    ("post", "/api/v1/reload_config"),
    ("post", "/api/v1/forceenter"),
    ("post", "/api/v1/forceexit"),
    ("delete", "/api/v1/trades/1"),
    ("post", "/api/v1/blacklist"),
    ("delete", "/api/v1/blacklist?pairs_to_delete=BNB/.*"),
    ("get", "/api/v1/pair_candles?pair=ETH/BTC&timeframe=5m"),
    ("post", "/api/v1/locks"),
]
READS = [
    "/api/v1/status",
    "/api/v1/trades",
    "/api/v1/count",
    "/api/v1/locks",
    "/api/v1/strategies",
    "/api/v1/available_pairs",
    "/api/v1/version",
    "/api/v1/performance",
    "/api/v1/logs",
]


@pytest.mark.parametrize(("method", "path"), CONTROL)
def test_control_endpoints_answer_not_in_state(client_basic, method, path):
    response = getattr(client_basic, method)(path, {}, format="json")
    assert response.status_code == 503
    assert response.json() == {"detail": NOT_IN_STATE}


@pytest.mark.parametrize("path", READS)
def test_database_reads_work(client_basic, path):
    assert client_basic.get(path).status_code == 200


def test_pair_lists_are_the_configs(client_basic):
    # FreqUI reads both on every page; Freqtrade's webserver answers 503 (an error each time).
    assert client_basic.get("/api/v1/whitelist").json() == {
        "whitelist": ["ADA/BTC", "ETH/BTC", "LTC/BTC", "XLM/BTC", "XMR/BTC"],
        "length": 5,
        "method": ["StaticPairList"],
    }
    assert client_basic.get("/api/v1/blacklist").json() == {
        "blacklist": ["BNB/.*"],
        "blacklist_expanded": [],
        "errors": {},
        "length": 1,
        "method": ["StaticPairList"],
    }


def test_show_config_in_webserver_mode(client_basic):
    body = client_basic.get("/api/v1/show_config").json()
    assert body["runmode"] == "webserver" and body["state"] == ""


def test_auth_uses_the_served_config(client_jwt, anon_client):
    assert client_jwt.get("/api/v1/status").json() == []
    assert anon_client.get("/api/v1/status").status_code == 401


def test_plot_config_needs_a_strategy(client_basic):
    assert client_basic.get("/api/v1/plot_config").status_code == 502
    named = client_basic.get("/api/v1/plot_config", {"strategy": "SampleStrategy"})
    assert "main_plot" in named.json()


def test_health_is_502(client_basic):
    assert client_basic.get("/api/v1/health").status_code == 502


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/trades/abc"),
        ("delete", "/api/v1/trades/abc/open-order"),
        ("post", "/api/v1/trades/abc/reload"),
        ("delete", "/api/v1/locks/abc"),
        ("post", "/api/v1/forceenter"),
        ("post", "/api/v1/locks"),
    ],
)
def test_mode_is_checked_before_the_parameters(client_basic, method, path):
    # Contract §0: auth (401) before mode (503), both before parameter validation (422).
    response = getattr(client_basic, method)(path, {}, format="json")
    assert (response.status_code, response.json()) == (503, {"detail": NOT_IN_STATE})


def test_options_describes_a_trading_endpoint_in_both_modes(client_basic):
    assert client_basic.options("/api/v1/start").status_code == 200
