"""Lookahead- and recursive-analysis as stored jobs: the backtest jobs' worker runs them and
stores Freqtrade's result on the row; /background lists them, the backtest history does not."""

from __future__ import annotations

import shutil

import pytest

from bot_engine.backtest import jobs
from bot_engine.models import BacktestRun, BacktestStatus
from bot_engine.selectors import backtest as selectors
from tests.bot_engine.backtest.reference_runs import ROOT
from tests.fixtures.webserver_backtest import write_config

pytestmark = pytest.mark.django_db(transaction=True)
BOT = "ft-backtest-webserver"  # the recorded webserver config's bot_name
STRATEGIES = ROOT / "tests" / "data" / "strategies" / "lookahead"
RANGE = "20180115-20180116"


@pytest.fixture
def analysis_job_config(tmp_path):
    path = write_config(tmp_path, "sqlite:///unused.sqlite")
    for source in STRATEGIES.glob("*.py"):
        shutil.copy(source, tmp_path / "user_data" / "strategies" / source.name)
    return path


def run_job(config_path, category: str, body: dict) -> BacktestRun:
    run = BacktestRun.objects.create(
        job_category=category,
        bot_name=BOT,
        config_files=[str(config_path)],
        strategy=body["strategy"],
        options=body,
    )
    jobs.run_job(str(run.job_id))
    run.refresh_from_db()
    return run


def test_lookahead_job_stores_the_biased_verdict(analysis_job_config):
    body = {"strategy": "PeekStrategy", "timerange": RANGE}
    run = run_job(
        analysis_job_config,
        "lookahead_analysis",
        {**body, "minimum_trade_amount": 2, "targeted_trade_amount": 3},
    )
    assert (run.status, run.error) == (BacktestStatus.SUCCESS, "")
    result = run.result
    assert (result["strategy"], result["has_bias"], result["total_signals"]) == (
        "PeekStrategy",
        True,
        3,
    )
    assert "future_close" in result["biased_indicators"]
    assert run in selectors.background_jobs(BOT)
    assert run not in selectors.history_rows(BOT)


def test_recursive_job_stores_the_differences_per_indicator(analysis_job_config):
    body = {"strategy": "RecursiveEmaStrategy", "timerange": RANGE, "startup_candle": [20, 500]}
    run = run_job(analysis_job_config, "recursive_analysis", body)
    assert run.status == BacktestStatus.SUCCESS
    result = run.result
    assert (result["startup_candles"], result["strategy_scc"]) == ([10, 20, 500], 10)
    assert {"ema_long", "rsi"} <= set(result["results"])
    assert result["results"]["ema_long"]["500"] != 0  # an EMA 200 still moves at 500 candles


def test_an_unknown_strategy_fails_the_job_with_freqtrades_message(analysis_job_config):
    run = run_job(analysis_job_config, "recursive_analysis", {"strategy": "NoSuchStrategy"})
    assert run.status == BacktestStatus.FAILED
    assert "Impossible to load Strategy 'NoSuchStrategy'" in run.error
