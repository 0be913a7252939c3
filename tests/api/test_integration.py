"""A real ``runbot`` (replay exchange, speed 0) driven by freqtrade-client and raw JWT requests."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from freqtrade_client import FtRestClient

from tests.fixtures.api import API_PASSWORD, API_USER, REPO
from tests.fixtures.runbot import runbot_process

pytestmark = pytest.mark.integration


SERVER_CONFIG: dict = {}


@pytest.fixture(scope="module")
def runbot_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("runbot")
    with runbot_process(
        tmp, initial_state="stopped", max_open_trades=10, stake_amount=0.01
    ) as running:
        SERVER_CONFIG["path"] = running.config_path
        yield running.url


@pytest.fixture(scope="module")
def ft_rest_client(runbot_server) -> FtRestClient:
    return FtRestClient(runbot_server, API_USER, API_PASSWORD)


def test_ping_without_credentials(runbot_server):
    response = requests.get(f"{runbot_server}/api/v1/ping", timeout=5)
    assert response.json() == {"status": "pong"}
    assert response.headers["Content-Type"] == "application/json"


def test_freqtrade_client_session(ft_rest_client):
    assert ft_rest_client.version()["version"]
    assert ft_rest_client.show_config()["state"] == "stopped"
    assert ft_rest_client.start() == {"status": "starting trader ..."}
    assert ft_rest_client.ping() == {"status": "pong"}
    assert ft_rest_client.start() == {"status": "already running"}

    open_pairs = {t["pair"] for t in ft_rest_client.status()}
    pair = next(p for p in ft_rest_client.whitelist()["whitelist"] if p not in open_pairs)
    trade = ft_rest_client.forceenter(pair, "long")
    assert trade["pair"] == pair and trade["is_open"], trade
    trade_id = trade["trade_id"]
    assert any(t["trade_id"] == trade_id for t in ft_rest_client.status())
    assert ft_rest_client.trade(trade_id)["trade_id"] == trade_id
    assert ft_rest_client.count()["current"] >= 1

    # At speed 0 the replay races ahead: the strategy may have closed the trade already (ROI,
    # stoploss), and then the contract's answer is "invalid argument".
    result = ft_rest_client.forceexit(trade_id)
    if "error" in result:
        assert result == {"error": "Error querying /api/v1/forceexit: invalid argument"}
    else:
        assert result == {"result": f"Created exit order for trade {trade_id}."}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and ft_rest_client.trade(trade_id)["is_open"]:
        time.sleep(0.2)
    closed = ft_rest_client.trade(trade_id)
    assert not closed["is_open"] and closed["exit_reason"]

    trades = ft_rest_client.trades()
    assert trades["total_trades"] >= 1
    assert any(t["trade_id"] == trade_id for t in ft_rest_client.trades(limit=500)["trades"])
    assert "profit_closed_coin" in ft_rest_client.profit()
    assert ft_rest_client.performance() is not None
    assert len(ft_rest_client.daily(days=3)["data"]) == 3

    blacklist = ft_rest_client.blacklist("DOGE/BTC")
    assert "DOGE/BTC" in blacklist["blacklist"]
    assert "DOGE/BTC" in ft_rest_client.blacklist()["blacklist"]
    until = (datetime.now(UTC) + timedelta(days=3650)).strftime("%Y-%m-%d %H:%M:%SZ")
    locks = ft_rest_client.lock_add(pair, until, reason="integration")
    lock = next(item for item in locks["locks"] if item["reason"] == "integration")
    remaining = ft_rest_client.delete_lock(lock["id"])
    # The engine may add or expire its own "Auto lock"s meanwhile: check this lock, not counts.
    assert lock["id"] not in {item["id"] for item in remaining["locks"]}
    assert remaining["lock_count"] == len(remaining["locks"])

    candles = ft_rest_client.pair_candles(pair, "5m", limit=10)
    assert candles["pair"] == pair and candles["columns"][:6] == [
        "date",
        "open",
        "high",
        "low",
        "close",
        "volume",
    ]
    assert candles["length"] <= 10
    with_columns = ft_rest_client.pair_candles(pair, "5m", limit=5, columns=["rsi"])
    assert "rsi" in with_columns["columns"]

    assert ft_rest_client.stop() == {"status": "stopping trader ..."}
    assert ft_rest_client.ping() == {"status": "not_running"}
    assert ft_rest_client.forceenter(pair, "long") == {
        "error": "Error querying /api/v1/forceenter: trader is not running"
    }
    assert ft_rest_client.start() == {"status": "starting trader ..."}


def test_raw_requests_with_jwt(runbot_server):
    login = requests.post(
        f"{runbot_server}/api/v1/token/login", auth=(API_USER, API_PASSWORD), timeout=5
    )
    assert login.status_code == 200
    tokens = login.json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    status = requests.get(f"{runbot_server}/api/v1/status", headers=headers, timeout=5)
    assert status.status_code == 200 and isinstance(status.json(), list)

    refreshed = requests.post(
        f"{runbot_server}/api/v1/token/refresh",
        timeout=5,
        json={},
        headers={"Authorization": f"Bearer {tokens['refresh_token']}"},
    )
    assert set(refreshed.json()) == {"access_token"}
    headers = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    assert requests.get(f"{runbot_server}/api/v1/profit", headers=headers, timeout=5).ok

    refused = requests.get(
        f"{runbot_server}/api/v1/status",
        timeout=5,
        headers={"Authorization": f"Bearer {tokens['refresh_token']}"},
    )
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Could not validate credentials"}
    assert requests.get(f"{runbot_server}/api/v1/nope", headers=headers, timeout=5).json() == {
        "detail": "Not Found"
    }


def test_scripts_rest_client(runbot_server):
    import importlib.util

    spec = importlib.util.spec_from_file_location("rest_client", REPO / "scripts/rest_client.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    ft_rest_client = module.RestClient(runbot_server, API_USER, API_PASSWORD)
    assert "version" in ft_rest_client.version()
    assert isinstance(ft_rest_client.status(), list)
    assert "whitelist" in ft_rest_client.whitelist()
    assert ft_rest_client.available_pairs()["length"] == 10
    assert module.RestClient(runbot_server, API_USER, "wrong").count() == {"detail": "Unauthorized"}


# Every command `freqtrade-client --show` lists, with arguments where it needs them, and what
# a correct answer contains. Run through the CLI's own entry point (`main_exec`).
CLI_COMMANDS = [
    ("version", [], "version"),
    ("show_config", [], "api_version"),
    ("start", [], "status"),
    ("ping", [], "status"),
    ("balance", [], "currencies"),
    ("count", [], "current"),
    ("daily", ["3"], "data"),
    ("weekly", [], "data"),
    ("monthly", [], "data"),
    ("entries", [], None),
    ("exits", [], None),
    ("mix_tags", [], None),
    ("performance", [], None),
    ("profit", [], "profit_closed_coin"),
    ("stats", [], "durations"),
    ("status", [], None),
    ("trades", [], "trades"),
    ("whitelist", [], "whitelist"),
    ("blacklist", [], "blacklist"),
    ("locks", [], "locks"),
    ("logs", ["5"], "logs"),
    ("health", [], "last_process"),
    ("sysinfo", [], "cpu_pct"),
    ("strategies", [], "strategies"),
    ("strategy", ["SampleStrategy"], "code"),
    ("plot_config", [], "main_plot"),
    ("available_pairs", [], "pairs"),
    ("pair_candles", ["ETH/BTC", "5m", "3"], "columns"),
    ("pair_history", ["ETH/BTC", "5m", "SampleStrategy", "20180110-20180111"], "columns"),
    # The replaying bot may already hold the pair: the contract's 502 is a correct answer too.
    ("forceenter", ["LTC/BTC", "long"], ("trade_id", "error")),
    ("forcebuy", ["XMR/BTC"], ("trade_id", "error")),
    ("trade", ["1"], "trade_id"),
    ("lock_add", ["ADA/BTC", "2030-01-01T00:00:00Z"], "locks"),
    ("delete_lock", ["1"], "locks"),
    ("list_custom_data", ["1"], "detail"),
    ("list_open_trades_custom_data", [], "detail"),
    ("cancel_open_order", ["1"], "error"),  # filled at once in dry-run: nothing to cancel
    ("forceexit", ["all"], "result"),
    ("delete_trade", ["1"], "result_msg"),
    ("pairlists_available", [], "detail"),  # webserver mode only, as in Freqtrade 2026.9
    ("stopbuy", [], "status"),
    ("reload_config", [], "status"),
    ("stop", [], "status"),
]


def test_freqtrade_client_cli_runs_every_command(runbot_server, capsys):
    from freqtrade_client.ft_client import main_exec
    from freqtrade_client.ft_rest_client import FtRestClient as Client

    listed = {name for name in dir(Client) if not name.startswith("_")}
    assert listed == {name for name, _, _ in CLI_COMMANDS}  # nothing left out
    for command, args, key in CLI_COMMANDS:
        main_exec(
            {"config": str(SERVER_CONFIG["path"]), "command": command, "command_arguments": args}
        )
        printed = capsys.readouterr().out.strip().splitlines()[-1]
        answer = json.loads(printed)
        assert answer is not None, command  # None would mean the connection failed
        if key is not None:
            found = answer if isinstance(answer, dict) else (answer[0] if answer else {})
            keys = key if isinstance(key, tuple) else (key,)
            assert any(k in found for k in keys), (command, answer)


def test_admin_static_files_swagger_and_schema_served_offline(runbot_server):
    css = requests.get(f"{runbot_server}/static/admin/css/base.css", timeout=10)
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    docs = requests.get(f"{runbot_server}/docs", timeout=10)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "cdn" not in docs.text.lower() and "//unpkg" not in docs.text  # served locally
    schema = requests.get(f"{runbot_server}/api/v1/openapi.json", timeout=10).json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/status", "/api/v1/profit", "/api/v1/forceenter", "/api/v1/trades"):
        assert path in schema["paths"]
    admin = requests.get(f"{runbot_server}/admin/login/", timeout=10)
    assert admin.status_code == 200 and "csrfmiddlewaretoken" in admin.text
