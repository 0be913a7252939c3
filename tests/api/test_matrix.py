"""One contract matrix over the whole endpoint table: auth, JSON, and no 500s (contract §0–1)."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from api.auth.authentication import UNAUTHORIZED
from api.auth.tokens import token_pair
from tests.fixtures.api import API_USER, basic_header

# (method, path, body): every row of contract §2 that Tradeplane serves, legacy names included.
ENDPOINTS = [
    ("get", "/api/v1/version", None),
    ("get", "/api/v1/show_config", None),
    ("get", "/api/v1/logs", None),
    ("get", "/api/v1/sysinfo", None),
    ("get", "/api/v1/health", None),
    ("post", "/api/v1/start", None),
    ("post", "/api/v1/stop", None),
    ("post", "/api/v1/stopbuy", None),
    ("post", "/api/v1/stopentry", None),
    ("post", "/api/v1/pause", None),
    ("post", "/api/v1/reload_config", None),
    ("get", "/api/v1/balance", None),
    ("get", "/api/v1/count", None),
    ("get", "/api/v1/status", None),
    ("get", "/api/v1/trades", None),
    ("get", "/api/v1/trade/1", None),
    ("delete", "/api/v1/trades/1", None),
    ("delete", "/api/v1/trades/1/open-order", None),
    ("post", "/api/v1/trades/1/reload", None),
    ("get", "/api/v1/trades/open/custom-data", None),
    ("get", "/api/v1/trades/1/custom-data", None),
    ("get", "/api/v1/profit", None),
    ("get", "/api/v1/profit_all", None),
    ("get", "/api/v1/stats", None),
    ("get", "/api/v1/performance", None),
    ("get", "/api/v1/entries", None),
    ("get", "/api/v1/exits", None),
    ("get", "/api/v1/mix_tags", None),
    ("get", "/api/v1/daily", None),
    ("get", "/api/v1/weekly", None),
    ("get", "/api/v1/monthly", None),
    ("get", "/api/v1/historic_balance", None),
    ("get", "/api/v1/edge", None),
    ("post", "/api/v1/forceenter", {"pair": "ETH/BTC"}),
    ("post", "/api/v1/forcebuy", {"pair": "LTC/BTC"}),
    ("post", "/api/v1/forceexit", {"tradeid": "all"}),
    ("post", "/api/v1/forcesell", {"tradeid": "all"}),
    ("get", "/api/v1/whitelist", None),
    ("get", "/api/v1/blacklist", None),
    ("post", "/api/v1/blacklist", {"blacklist": ["DOGE/BTC"]}),
    ("delete", "/api/v1/blacklist?pairs_to_delete=DOGE/BTC", None),
    ("get", "/api/v1/locks", None),
    ("post", "/api/v1/locks", [{"pair": "ETH/BTC", "until": "2030-01-01 00:00:00Z"}]),
    ("delete", "/api/v1/locks/1", None),
    ("post", "/api/v1/locks/delete", {"pair": "ETH/BTC"}),
    ("get", "/api/v1/pair_candles?pair=ETH/BTC&timeframe=5m&limit=5", None),
    ("post", "/api/v1/pair_candles", {"pair": "ETH/BTC", "timeframe": "5m", "columns": ["rsi"]}),
    (
        "get",
        "/api/v1/pair_history?pair=ETH/BTC&timeframe=5m&strategy=SampleStrategy"
        "&timerange=20180110-20180111",
        None,
    ),
    (
        "post",
        "/api/v1/pair_history",
        {
            "pair": "ETH/BTC",
            "timeframe": "5m",
            "strategy": "SampleStrategy",
            "timerange": "20180110-",
        },
    ),
    ("get", "/api/v1/plot_config", None),
    ("get", "/api/v1/strategies", None),
    ("get", "/api/v1/strategy/SampleStrategy", None),
    ("get", "/api/v1/available_pairs", None),
    ("get", "/api/v1/markets", None),
    ("get", "/api/v1/exchanges", None),
    ("get", "/api/v1/hyperoptloss", None),
    ("get", "/api/v1/hyperopt-loss", None),
    ("get", "/api/v1/freqaimodels", None),
    # webserver mode only (503 here; tests/api/views/test_backtest*.py serve them)
    ("get", "/api/v1/backtest", None),
    ("delete", "/api/v1/backtest", None),
    ("get", "/api/v1/backtest/abort", None),
    ("get", "/api/v1/backtest/history", None),
    ("get", "/api/v1/backtest/history/result?filename=nofile&strategy=S", None),
    ("patch", "/api/v1/backtest/history/nofile", {"strategy": "S", "notes": ""}),
    ("delete", "/api/v1/backtest/history/nofile", None),
    ("get", "/api/v1/backtest/history/nofile/market_change", None),
    ("get", "/api/v1/backtest/history/nofile/SampleStrategy/wallet", None),
    ("get", "/api/v1/background", None),
    ("get", "/api/v1/background/nojob", None),
    ("delete", "/api/v1/background/nojob", None),
    ("delete", "/api/v1/background/clear", None),
    ("post", "/api/v1/lookahead_analysis", {"strategy": "S"}),
    ("get", "/api/v1/lookahead_analysis/nojob", None),
    ("post", "/api/v1/recursive_analysis", {"strategy": "S"}),
    ("get", "/api/v1/recursive_analysis/nojob", None),
    ("get", "/api/v1/pairlists/available", None),
    (
        "post",
        "/api/v1/pairlists/evaluate",
        {"pairlists": [{"method": "StaticPairList"}], "blacklist": [], "stake_currency": "BTC"},
    ),
    ("get", "/api/v1/pairlists/evaluate/nojob", None),
    ("post", "/api/v1/download_data", {"pairs": ["ETH/BTC"], "days": 1}),
    # Tradeplane only
    ("get", "/api/v1/audit", None),
    ("get", "/api/v1/portfolio", None),
]
IDS = [f"{method.upper()} {path.split('?')[0]}" for method, path, _ in ENDPOINTS]
# The contract's answer where it is not 200 on the test bot: trade 1 does not exist (404, or
# the RPC error 502 where Freqtrade raises one), edge is not enabled.
NOT_OK = {
    "GET /api/v1/trade/1": 404,
    "GET /api/v1/trades/open/custom-data": 404,
    "GET /api/v1/trades/1/custom-data": 404,
    "DELETE /api/v1/trades/1": 502,
    "DELETE /api/v1/trades/1/open-order": 502,
    "POST /api/v1/trades/1/reload": 502,
    "GET /api/v1/edge": 502,
    # analysis jobs: webserver mode only, like the backtests
    "POST /api/v1/lookahead_analysis": 503,
    "GET /api/v1/lookahead_analysis/nojob": 503,
    "POST /api/v1/recursive_analysis": 503,
    "GET /api/v1/recursive_analysis/nojob": 503,
    "GET /api/v1/pairlists/available": 503,
    "POST /api/v1/pairlists/evaluate": 503,
    "GET /api/v1/pairlists/evaluate/nojob": 503,
    "POST /api/v1/download_data": 503,
    **{
        f"{method.upper()} {path.split('?')[0]}": 503
        for method, path, _ in ENDPOINTS
        if "/back" in path
    },
}
LIST_ANSWERS = {
    "/api/v1/status",
    "/api/v1/performance",
    "/api/v1/entries",
    "/api/v1/exits",
    "/api/v1/mix_tags",
}


def call(client, method, path, body):
    return getattr(client, method)(path, body, format="json")


def test_table_covers_every_api_route():
    routes = {str(p.pattern) for p in get_resolver("api.urls").url_patterns}
    called = {path.split("?")[0].removeprefix("/") for _, path, _ in ENDPOINTS}
    public = {
        "api/v1/ping",
        "api/v1/token/login",
        "api/v1/token/refresh",
        "api/v1/token/logout",
        "api/v1/openapi.json",
        "metrics",  # Prometheus text, not JSON: tests/api/test_metrics.py
        "ui_version",  # FreqUI's, public like its files: tests/api/views/test_ui.py
    }
    for route in routes - public:
        if route.startswith("^") or route.endswith("/") or route == "docs":
            continue
        probe = route.replace("<str:tradeid>", "1").replace("<str:lockid>", "1")
        probe = probe.replace("<str:strategy>", "SampleStrategy")
        probe = probe.replace("<str:file>", "nofile").replace("<str:jobid>", "nojob")
        assert probe in called, f"{route} is not in the matrix"


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=IDS)
def test_unauthenticated_is_401(running_bot, anon_client, method, path, body):
    response = call(anon_client, method, path, body)
    assert response.status_code == 401
    assert response.json() == {"detail": UNAUTHORIZED}
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("scheme", ["basic", "bearer"])
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=IDS)
def test_authenticated_is_answered_in_json(running_bot, anon_client, method, path, body, scheme):
    header = (
        basic_header() if scheme == "basic" else ("Bearer " + token_pair(API_USER)["access_token"])
    )
    anon_client.credentials(HTTP_AUTHORIZATION=header)
    response = call(anon_client, method, path, body)
    route = path.split("?")[0]
    expected = NOT_OK.get(f"{method.upper()} {route}", 200)
    assert response.status_code == expected, response.content[:300]
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    if expected == 200:
        assert isinstance(answer, list if route in LIST_ANSWERS else dict)
        assert answer or route in LIST_ANSWERS  # an object answer is never empty
    elif expected in (404, 503):
        assert list(answer) == ["detail"] and answer["detail"]
    else:  # contract §2.3: Freqtrade's RPCException answer names the endpoint
        assert list(answer) == ["error"]
        assert answer["error"].startswith(f"Error querying {route}: "), answer
