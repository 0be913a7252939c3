"""What FreqUI sends once it sees API 2.50, as it sends it (checked in a real browser)."""

from __future__ import annotations

import pytest

from bot_engine.backtest import jobs
from tests.fixtures.access import jwt_client, make_user


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
