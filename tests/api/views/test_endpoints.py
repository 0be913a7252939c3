"""Per-endpoint behaviour against an in-process RunningBot (replay, no engine thread)."""

from __future__ import annotations

import json
import math

import pytest

from api.views.info import EDGE_DISABLED
from bot_engine.engine.state import BotState
from bot_engine.models import PairLock
from bot_engine.services import control, pairs
from bot_engine.services import trades as trade_services
from tests.fixtures.api import config_dict


def error_of(response, path):
    assert response.status_code == 502, response.content
    return response.json()["error"].removeprefix(f"Error querying {path}: ")


def force_enter(api, pair="ETH/BTC", **extra):
    response = api.post("/api/v1/forceenter", {"pair": pair, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_show_config(api, running_bot):
    body = api.get("/api/v1/show_config").json()
    assert body["api_version"] == 2.50  # FreqUI shows 2.45-2.50 features from this number
    assert body["state"] == "running" and body["runmode"] == "dry_run"
    assert body["stake_amount"] == "0.05" and body["max_open_trades"] == 3.0
    assert body["force_entry_enable"] is True and body["bot_name"] == "api-test-bot"
    assert "password" not in str(body) and "jwt" not in str(body)


@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        ("/api/v1/stop", BotState.RUNNING, BotState.STOPPED, control.STOPPING),
        ("/api/v1/stop", BotState.STOPPED, BotState.STOPPED, control.ALREADY_STOPPED),
        ("/api/v1/start", BotState.STOPPED, BotState.RUNNING, control.STARTING),
        ("/api/v1/start", BotState.RUNNING, BotState.RUNNING, control.ALREADY_RUNNING),
        ("/api/v1/stopbuy", BotState.RUNNING, BotState.PAUSED, control.PAUSED),
        ("/api/v1/stopentry", BotState.STOPPED, BotState.PAUSED, control.PAUSED_FROM_STOPPED),
        ("/api/v1/pause", BotState.RUNNING, BotState.PAUSED, control.PAUSED),
    ],
)
def test_state_control(api, running_bot, path, old, new, message):
    running_bot.state = old
    response = api.post(path, None, format="json")
    assert response.json() == {"status": message}
    assert running_bot.state == new


def test_reload_config_keeps_running(api, running_bot):
    assert api.post("/api/v1/reload_config", {}, format="json").json() == {
        "status": control.RELOADING
    }
    assert running_bot.state == BotState.RUNNING


@pytest.mark.parametrize(
    ("action", "state"),
    [("/api/v1/stop", "stopped"), ("/api/v1/stopentry", "paused"), ("/api/v1/start", "running")],
)
def test_reload_config_keeps_the_state_the_bot_was_in(
    client_basic, file_bot, config_file, action, state
):
    """An emergency stop survives a reload (deliberately unlike Freqtrade: no initial_state)."""
    api = client_basic
    assert api.post(action, None, format="json").status_code == 200
    config_file.write_text(json.dumps(config_dict(max_open_trades=5)))
    response = api.post("/api/v1/reload_config", {}, format="json")
    assert response.json() == {"status": control.RELOADING}
    body = api.get("/api/v1/show_config").json()
    assert body["max_open_trades"] == 5  # the file was re-read ...
    assert body["state"] == state  # ... and the bot is where it was


def test_a_failed_reload_keeps_the_state_and_the_old_config(client_basic, file_bot, config_file):
    api = client_basic
    api.post("/api/v1/stop", None, format="json")
    config_file.write_text(json.dumps(config_dict(stake_amount=-1)))
    response = api.post("/api/v1/reload_config", {}, format="json")
    assert response.status_code == 502 and "stake_amount" in response.json()["error"]
    body = api.get("/api/v1/show_config").json()
    assert body["state"] == "stopped" and body["stake_amount"] == "0.05"
    assert api.post("/api/v1/forceenter", {"pair": "ETH/BTC"}, format="json").status_code == 502


def test_force_entry_status_trade_and_exit(api, running_bot):
    trade = force_enter(api, entry_tag="manual")
    assert trade["enter_tag"] == "manual" and trade["is_open"]
    status = api.get("/api/v1/status").json()
    assert [t["trade_id"] for t in status] == [trade["trade_id"]]
    assert status[0]["current_rate"] == running_bot.current_rate("ETH/BTC")
    assert api.get(f"/api/v1/trade/{trade['trade_id']}").json()["pair"] == "ETH/BTC"
    count = api.get("/api/v1/count").json()
    assert count["current"] == 1 and count["max"] == 3

    response = api.post("/api/v1/forcesell", {"tradeid": trade["trade_id"]}, format="json")
    assert response.json() == {"result": f"Created exit order for trade {trade['trade_id']}."}
    closed = api.get(f"/api/v1/trade/{trade['trade_id']}").json()
    assert closed["is_open"] is False and closed["exit_reason"] == "force_exit"
    page = api.get("/api/v1/trades", {"order_by_id": "False", "limit": "", "offset": "None"})
    assert page.json()["total_trades"] == 1 and page.json()["trades_count"] == 1


def test_force_entry_rules(api, running_bot):
    path = "/api/v1/forceenter"
    trade = force_enter(api)
    again = api.post(path, {"pair": "ETH/BTC"}, format="json")
    assert error_of(again, path) == trade_services.POSITION_OPEN.format(
        pair="ETH/BTC", trade_id=trade["trade_id"]
    )
    short = api.post(path, {"pair": "LTC/BTC", "side": "short"}, format="json")
    assert error_of(short, path) == trade_services.NO_SHORT_ON_SPOT
    unknown = api.post(path, {"pair": "NOPE/BTC"}, format="json")
    assert error_of(unknown, path) == trade_services.INACTIVE_MARKET
    running_bot.state = BotState.STOPPED
    assert error_of(api.post(path, {"pair": "LTC/BTC"}, format="json"), path) == (
        trade_services.NOT_RUNNING
    )


def test_force_entry_disabled(api, running_bot, bot_config):
    from dataclasses import replace

    running_bot.config = replace(bot_config, force_entry_enable=False)
    response = api.post("/api/v1/forcebuy", {"pair": "ETH/BTC"}, format="json")
    assert response.json() == {
        "error": f"Error querying /api/v1/forcebuy: {trade_services.FORCE_ENTRY_DISABLED}"
    }


def test_force_exit_errors_and_all(api, running_bot):
    path = "/api/v1/forceexit"
    assert error_of(api.post(path, {"tradeid": "abc"}, format="json"), path) == (
        trade_services.INVALID_ARGUMENT
    )
    assert error_of(api.post(path, {"tradeid": 99}, format="json"), path) == (
        trade_services.INVALID_ARGUMENT
    )
    force_enter(api)
    force_enter(api, "LTC/BTC")
    assert api.post(path, {"tradeid": "all"}, format="json").json() == {
        "result": trade_services.EXITS_CREATED
    }
    assert api.get("/api/v1/status").json() == []


def test_delete_trade(api, running_bot):
    trade = force_enter(api)
    response = api.delete(f"/api/v1/trades/{trade['trade_id']}")
    assert response.json() == {
        "cancel_order_count": 0,
        "result": "success",
        "trade_id": trade["trade_id"],
        "result_msg": trade_services.DELETED.format(
            trade_id=trade["trade_id"], pair="ETH/BTC", count=0
        ),
    }
    missing = api.delete("/api/v1/trades/42")
    assert error_of(missing, "/api/v1/trades/42") == "Trade with id '42' not found."


def test_open_order_and_reload(api, running_bot):
    trade = force_enter(api)
    path = f"/api/v1/trades/{trade['trade_id']}/open-order"
    assert error_of(api.delete(path), path) == trade_services.NO_OPEN_ORDER
    assert error_of(api.delete("/api/v1/trades/9/open-order"), "/api/v1/trades/9/open-order") == (
        trade_services.INVALID_TRADE_ID
    )
    reloaded = api.post(f"/api/v1/trades/{trade['trade_id']}/reload")
    assert reloaded.status_code == 200 and reloaded.json()["trade_id"] == trade["trade_id"]
    assert error_of(api.post("/api/v1/trades/9/reload"), "/api/v1/trades/9/reload") == (
        "Could not find trade with id 9."
    )


def test_trade_not_found_and_bad_id(api, running_bot):
    assert api.get("/api/v1/trade/5").json() == {"detail": "Trade not found."}
    bad = api.get("/api/v1/trade/abc")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["path", "tradeid"]


def test_blacklist_edits(api, running_bot):
    added = api.post(
        "/api/v1/blacklist", {"blacklist": ["DOGE/BTC", "BNB/.*", "(("]}, format="json"
    ).json()
    assert added["blacklist"] == ["BNB/.*", "DOGE/BTC"]
    assert added["errors"] == {
        "BNB/.*": {"error_msg": pairs.ALREADY_LISTED.format(pair="BNB/.*")},
        "((": {"error_msg": pairs.INVALID_WILDCARD.format(pair="((")},
    }
    removed = api.delete("/api/v1/blacklist?pairs_to_delete=DOGE/BTC&pairs_to_delete=XX/BTC")
    body = removed.json()
    assert body["blacklist"] == ["BNB/.*"] and body["length"] == 1
    assert body["errors"] == {"XX/BTC": {"error_msg": pairs.NOT_LISTED.format(pair="XX/BTC")}}
    assert body["method"] == ["StaticPairList"]


def test_locks_add_list_delete(api, running_bot):
    body = [
        {"pair": "ETH/BTC", "until": "2030-03-30 16:01:00Z", "reason": "manual"},
        {"pair": "LTC/BTC", "until": "2030-03-30T16:00:00+00:00", "side": "long"},
    ]
    locks = api.post("/api/v1/locks", body, format="json").json()
    assert locks["lock_count"] == 2
    first = locks["locks"][0]
    assert first["lock_end_time"] == "2030-03-30 16:05:00"  # rounded up to the candle
    assert set(first) == {
        "id",
        "pair",
        "side",
        "reason",
        "active",
        "lock_time",
        "lock_timestamp",
        "lock_end_time",
        "lock_end_timestamp",
    }
    assert api.delete(f"/api/v1/locks/{first['id']}").json()["lock_count"] == 1
    assert api.delete("/api/v1/locks/999").json()["lock_count"] == 1
    after = api.post("/api/v1/locks/delete", {"pair": "LTC/BTC"}, format="json").json()
    assert after == {"lock_count": 0, "locks": []}
    assert PairLock.objects.count() == 2  # deactivated, not deleted


def test_lock_until_without_timezone_is_422(api, running_bot):
    response = api.post(
        "/api/v1/locks", [{"pair": "ETH/BTC", "until": "2030-01-01 00:00:00"}], format="json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", 0]


def test_pair_candles(api, running_bot):
    body = api.get(
        "/api/v1/pair_candles", {"pair": "ETH/BTC", "timeframe": "5m", "limit": 20}
    ).json()
    cached = len(running_bot.dataframes["ETH/BTC"].frame)
    assert body["length"] == min(20, cached) == len(body["data"]) >= 1
    columns = body["columns"]
    for name in ("__date_ts", "_enter_long_signal_close", "_exit_long_signal_close"):
        assert name in columns
    row = dict(zip(columns, body["data"][-1], strict=True))
    assert row["date"].endswith("Z") and isinstance(row["__date_ts"], int)
    assert body["data_start"].endswith("+00:00") and body["last_analyzed"].endswith("Z")
    posted = api.post(
        "/api/v1/pair_candles",
        {"pair": "ETH/BTC", "timeframe": "5m", "columns": ["rsi"]},
        format="json",
    ).json()
    assert "rsi" in posted["columns"] and "tema" not in posted["columns"]
    assert "tema" in posted["all_columns"]
    empty = api.get("/api/v1/pair_candles", {"pair": "XRP/BTC", "timeframe": "5m"}).json()
    assert empty["length"] == 0 and empty["data_start"] == "" and empty["data_start_ts"] == 0


def test_pair_candles_requires_pair_and_timeframe(api, running_bot):
    response = api.get("/api/v1/pair_candles", {"pair": "ETH/BTC"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "missing",
            "loc": ["query", "timeframe"],
            "msg": "This field is required.",
            "input": None,
        }
    ]


def test_pair_history(api, running_bot):
    body = api.get(
        "/api/v1/pair_history",
        {
            "pair": "ETH/BTC",
            "timeframe": "5m",
            "strategy": "SampleStrategy",
            "timerange": "20180115-20180116",
            "freqaimodel": "None",
        },
    ).json()
    # Both ends included, as Freqtrade's pair_history: 2018-01-15 00:00 ... 2018-01-16 00:00.
    assert body["length"] == 289 and body["data_start"] == "2018-01-15 00:00:00+00:00"
    missing = api.get(
        "/api/v1/pair_history",
        {
            "pair": "ETH/BTC",
            "timeframe": "5m",
            "strategy": "SampleStrategy",
            "timerange": "20200101-20200102",
        },
    )
    assert missing.status_code == 502
    assert missing.json() == {"detail": "No data for ETH/BTC, 5m in 20200101-20200102 found."}


def test_strategy_endpoints(api, running_bot):
    assert "SampleStrategy" in api.get("/api/v1/strategies").json()["strategies"]
    body = api.get("/api/v1/strategy/SampleStrategy").json()
    assert body["strategy"] == "SampleStrategy" and "class SampleStrategy" in body["code"]
    assert body["timeframe"] == "5m" and isinstance(body["params"], list)
    assert api.get("/api/v1/strategy/Nope").json() == {"detail": "Strategy not found"}
    assert api.get("/api/v1/strategy/a:b").status_code == 422
    plot = api.get("/api/v1/plot_config").json()
    assert "main_plot" in plot and "subplots" in plot


def test_available_pairs_ignores_empty_query_values(api, running_bot):
    body = api.get("/api/v1/available_pairs?timeframe=&stake_currency=").json()
    assert body["length"] == 10 and body["pair_interval"][0] == ["ADA/BTC", "5m", "spot"]
    assert api.get("/api/v1/available_pairs?timeframe=1h").json()["length"] == 0


def test_logs_health_sysinfo_edge(api, running_bot):
    logs = api.get("/api/v1/logs", {"limit": 1}).json()
    assert logs["log_count"] == len(logs["logs"]) <= 1
    health = api.get("/api/v1/health").json()
    assert isinstance(health["bot_start_ts"], int) and health["last_process"].endswith("Z")
    assert set(api.get("/api/v1/sysinfo").json()) >= {"cpu_pct", "ram_pct"}
    assert api.get("/api/v1/edge").json() == {
        "error": f"Error querying /api/v1/edge: {EDGE_DISABLED}"
    }


def test_whitelist_and_markets(api, running_bot):
    assert api.get("/api/v1/whitelist").json() == {
        "whitelist": running_bot.whitelist,
        "length": len(running_bot.whitelist),
        "method": ["StaticPairList"],
    }
    markets = api.get("/api/v1/markets", {"base": "ETH"}).json()
    assert list(markets["markets"]) == ["ETH/BTC"] and markets["exchange_id"] == "replay"


def test_timescale_validation(api, running_bot):
    response = api.get("/api/v1/daily", {"timescale": 0})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "timescale"]
    assert api.get("/api/v1/trades", {"limit": 0}).status_code == 422


def test_nan_is_written_as_null():
    from api.renderers import dumps

    assert dumps({"a": math.nan, "b": math.inf, "c": -math.inf}) == b'{"a":null,"b":null,"c":null}'


def test_unknown_path_and_method_are_json(api, running_bot):
    missing = api.get("/api/v1/does_not_exist")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}
    assert api.get("/api/v1/status/").status_code == 404  # no trailing-slash redirect
    wrong = api.put("/api/v1/ping")
    assert wrong.status_code == 405 and wrong.json() == {"detail": "Method Not Allowed"}


def test_bodies_null_empty_and_invalid(api, running_bot):
    assert api.post("/api/v1/stop", "null", content_type="application/json").status_code == 200
    assert api.post("/api/v1/start", "", content_type="application/json").status_code == 200
    bad = api.post("/api/v1/forceenter", "{nope", content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["type"] == "json_invalid"
    missing = api.post("/api/v1/forceenter", {}, format="json")
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "pair"]


def test_openapi_schema_is_public(anon_client, running_bot):
    response = anon_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/forceenter" in response.json()["paths"]
