"""Pairlist evaluations and data downloads as stored jobs, run by the backtests' worker
function (``jobs.run_job``, what a pool process or Celery worker calls)."""

from __future__ import annotations

import random

import pytest

from bot_engine.backtest import jobs
from bot_engine.config.builder import build_config
from bot_engine.models import BacktestRun, BacktestStatus
from bot_engine.selectors import backtest as selectors
from bot_engine.services import pairlists as services
from tests.fixtures.api import config_dict

pytestmark = pytest.mark.django_db
PAIRS = ["ADA/BTC", "DASH/BTC", "ETC/BTC", "ETH/BTC", "LTC/BTC"]
PAIRS += ["NXT/BTC", "TRX/BTC", "XLM/BTC", "XMR/BTC", "ZEC/BTC"]


@pytest.fixture
def served_config():
    return build_config(config_dict(), path=None)


def start_and_run(start, served_config, body, django_capture_on_commit_callbacks) -> BacktestRun:
    with django_capture_on_commit_callbacks(execute=False):  # no pool: run it right here
        run = start(config=served_config, body=body)
    jobs.run_job(str(run.job_id))
    run.refresh_from_db()
    return run


def test_evaluation_job_stores_the_chains_whitelist(
    served_config, django_capture_on_commit_callbacks
):
    body = {
        "pairlists": [
            {"method": "VolumePairList", "number_assets": 6},
            {"method": "PriceFilter", "min_price": 0.001},
            {"method": "ShuffleFilter", "seed": 7},
        ],
        "blacklist": ["ETC/.*"],
        "stake_currency": "BTC",
    }
    run = start_and_run(
        services.pairlist_evaluate_start, served_config, body, django_capture_on_commit_callbacks
    )
    assert run.job_category == "pairlist" and run.status == BacktestStatus.SUCCESS
    # At the end of the data: 24h volume ETH, ADA, XLM, (ETC blacklisted), LTC, NXT, DASH.
    by_volume = ["ETH/BTC", "LTC/BTC", "DASH/BTC"]  # the ones of the 6 priced >= 0.001 BTC
    random.Random(7).shuffle(by_volume)  # webserver mode: the seed applies, as in Freqtrade
    assert run.result == {
        "method": ["VolumePairList", "PriceFilter", "ShuffleFilter"],
        "length": 3,
        "whitelist": by_volume,
    }
    assert run in selectors.background_jobs(served_config.bot_name)
    assert run not in selectors.history_rows(served_config.bot_name)


def test_a_second_evaluation_waits_for_the_first(served_config, django_capture_on_commit_callbacks):
    body = {"pairlists": [{"method": "StaticPairList"}], "blacklist": [], "stake_currency": "BTC"}
    with django_capture_on_commit_callbacks(execute=False):
        run = services.pairlist_evaluate_start(config=served_config, body=body)
        with pytest.raises(services.JobRefused, match="Pairlist evaluation is already running."):
            services.pairlist_evaluate_start(config=served_config, body=body)
    with pytest.raises(services.JobRefused, match="Job not finished yet."):
        services.pairlist_evaluation(config=served_config, job_id=str(run.job_id))
    jobs.run_job(str(run.job_id))
    assert (
        services.pairlist_evaluation(config=served_config, job_id=str(run.job_id)).result["length"]
        == 5
    )


def test_a_bad_chain_fails_in_the_job_naming_the_key(
    served_config, django_capture_on_commit_callbacks
):
    body = {
        "pairlists": [{"method": "VolumePairList", "number_assets": "many"}],
        "blacklist": [],
        "stake_currency": "BTC",
    }
    run = start_and_run(
        services.pairlist_evaluate_start, served_config, body, django_capture_on_commit_callbacks
    )
    assert run.status == BacktestStatus.FAILED
    assert run.error == "pairlists.0.number_assets: must be a number"


def test_download_offline_fails_in_the_job_with_the_reason(
    served_config, django_capture_on_commit_callbacks, monkeypatch
):
    # Offline, whatever the machine: every request goes to a proxy port nobody listens on.
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    body = {"pairs": ["ETH/BTC"], "timeframes": ["5m"], "days": 2}
    run = start_and_run(
        services.download_data_start, served_config, body, django_capture_on_commit_callbacks
    )
    assert run.job_category == "download_data"
    assert run.status == BacktestStatus.FAILED
    assert run.error.startswith("Could not reach binance: "), run.error
