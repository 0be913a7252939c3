"""Pairlist evaluations and data downloads as stored jobs, run by the backtests' worker
function (``jobs.run_job``, what a pool process or Celery worker calls)."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot_engine.backtest import jobs
from bot_engine.config.builder import build_config
from bot_engine.config.loader import load_config
from bot_engine.data.candles import load_candles
from bot_engine.models import BacktestRun, BacktestStatus
from bot_engine.selectors import backtest as selectors
from bot_engine.services import pairlists as services
from tests.fixtures.api import config_dict
from tests.fixtures.binance_klines import FIVE_MINUTES_MS, SPOT_ONLY

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


def test_download_job_stores_the_candles_with_progress(
    tmp_path, binance_klines, django_capture_on_commit_callbacks
):
    # Binance's HTTP answered from a candle table (tests/fixtures/binance_klines.py).
    start_ms = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp() * 1000)
    binance_klines.candles[("ETHBTC", "5m")] = [start_ms + k * FIVE_MINUTES_MS for k in range(600)]
    exchange = {
        "name": "binance",
        "ccxt_config": {**SPOT_ONLY, "enableRateLimit": False},
        "pair_whitelist": ["ETH/BTC"],
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config_dict(exchange=exchange, user_data_dir=str(tmp_path))))
    config = load_config(path)
    body = {"pairs": ["ETH/BTC"], "timeframes": ["5m"], "timerange": "20240101-20240102"}
    run = start_and_run(
        services.download_data_start, config, body, django_capture_on_commit_callbacks
    )
    assert (run.status, run.error) == (BacktestStatus.SUCCESS, "")
    stored = load_candles(tmp_path / "data" / "binance", "ETH/BTC", "5m")
    assert len(stored) == 288  # one day of 5m candles
    assert run.progress_tasks["0"] == {
        "progress": 1.0,
        "total": 1.0,
        "description": "Downloading data",
    }
    assert run.progress_tasks["1"]["description"] == "ETH/BTC 5m"
    assert run.progress_tasks["1"]["progress"] == run.progress_tasks["1"]["total"] == 288.0


def test_precision_filter_needs_the_configs_stoploss(
    served_config, django_capture_on_commit_callbacks
):
    # The webserver's config sets no stoploss (the strategy's is unknown there): Freqtrade's
    # refusal, inside the job.
    body = {
        "pairlists": [{"method": "StaticPairList"}, {"method": "PrecisionFilter"}],
        "blacklist": [],
        "stake_currency": "BTC",
    }
    run = start_and_run(
        services.pairlist_evaluate_start, served_config, body, django_capture_on_commit_callbacks
    )
    assert run.status == BacktestStatus.FAILED
    assert run.error.startswith("PrecisionFilter can only work with stoploss defined.")
    with_stoploss = replace(served_config, stoploss=-0.1)
    run = start_and_run(
        services.pairlist_evaluate_start, with_stoploss, body, django_capture_on_commit_callbacks
    )
    assert run.status == BacktestStatus.SUCCESS and run.result["length"] == 5
