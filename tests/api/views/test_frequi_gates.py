"""What FreqUI sends once it sees API 2.50, as it sends it (checked in a real browser)."""

from __future__ import annotations

import pytest

from api.context import configure_webserver
from bot_engine import runtime
from bot_engine.backtest import jobs
from bot_engine.config.loader import load_config
from bot_engine.models import BacktestRun, Bot
from tests.fixtures.access import jwt_client, make_user
from tests.fixtures.webserver_backtest import SHORT_BODY, write_config


@pytest.fixture
def gate_operator(webserver, served_bot):
    return jwt_client(make_user("gate-op", bot=served_bot, role="operator"))


def test_pairlist_evaluation_with_a_blank_stake_currency_uses_the_configs(gate_operator):
    # FreqUI's configurator opened directly (a reload) sends stake_currency "" (its store is
    # built before show_config answers); Freqtrade accepts the str, the config's BTC applies.
    body = {
        "pairlists": [{"method": "VolumePairList", "number_assets": 3, "refresh_period": 1800}],
        "blacklist": [],
        "stake_currency": "",
    }
    started = gate_operator.post("/api/v1/pairlists/evaluate", body, format="json")
    assert started.status_code == 200, started.content
    job_id = started.json()["job_id"]
    jobs.run_job(job_id)
    done = gate_operator.get(f"/api/v1/pairlists/evaluate/{job_id}").json()
    assert done["status"] == "success", done
    assert done["result"]["whitelist"] == ["ETH/BTC", "ADA/BTC", "XLM/BTC"]


@pytest.fixture
def gate_backtester(db, tmp_path):
    """Webserver mode on the recorded backtest config (its results under tmp_path)."""
    config = load_config(write_config(tmp_path, "sqlite:///unused.sqlite"))
    runtime.register(None)
    configure_webserver(config)
    bot = Bot.objects.get_or_create(name=config.bot_name)[0]
    yield jwt_client(make_user("gate-bt", bot=bot, role="operator"))
    configure_webserver(None)


def backtest_run_id(client, timerange: str) -> str:
    body = {**SHORT_BODY, "timerange": timerange}
    assert client.post("/api/v1/backtest", body, format="json").status_code == 200
    jobs.run_job(str(BacktestRun.objects.latest("pk").job_id))  # the worker's part
    result = client.get("/api/v1/backtest").json()
    assert result["status"] == "ended", result
    client.delete("/api/v1/backtest")  # FreqUI's "Reset Backtest": the next start may go
    (metadata,) = result["backtest_result"]["metadata"].values()
    return metadata["run_id"]


def test_backtests_of_other_timeranges_are_other_run_ids(gate_backtester):
    # FreqUI keys the results it loads and compares by run_id: with one id for both ranges
    # the second replaced the first and "Compare results" never appeared.
    days = backtest_run_id(gate_backtester, "20180111-20180113")
    minutes = backtest_run_id(gate_backtester, "20180111T0930-20180113")  # API 2.50
    again = backtest_run_id(gate_backtester, "20180111-20180113")
    assert days != minutes and again == days  # the same settings hash alike, as Freqtrade's
    history = gate_backtester.get("/api/v1/backtest/history").json()
    assert sorted(row["run_id"] for row in history) == sorted([days, minutes, again])
