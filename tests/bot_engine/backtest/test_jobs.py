"""Backtest jobs (``bot_engine.backtest.jobs``) as a worker runs them: claim, progress, abort,
one final write, and what a restart does to the rows a dead pool left behind."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bot_engine.backtest import jobs, progress
from bot_engine.models import BacktestRun, BacktestStatus
from tests.fixtures.webserver_backtest import SHORT_BODY, write_config

pytestmark = pytest.mark.django_db(transaction=True)
BOT = "ft-backtest-webserver"  # the recorded webserver config's bot_name


@pytest.fixture
def job_config(tmp_path):
    return write_config(tmp_path, "sqlite:///unused.sqlite")


def pending(config_path, body=SHORT_BODY, **fields) -> BacktestRun:
    fields = {"bot_name": BOT, **fields}
    return BacktestRun.objects.create(
        config_files=[str(config_path)], strategy=body["strategy"], options=body, **fields
    )


def test_a_job_runs_to_its_result_in_one_write(job_config, tmp_path):
    run = pending(job_config)
    jobs.run_job(str(run.job_id))
    run.refresh_from_db()
    assert (run.status, run.step, run.progress, run.error) == ("success", "finished", 1.0, "")
    trades = run.result["strategy"]["SampleStrategy"]["trades"]
    assert run.trade_count == len(trades) > 0
    assert run.result["metadata"]["SampleStrategy"]["run_id"] == run.run_id
    assert (run.backtest_start_ts, run.backtest_end_ts) == (1515628800, 1515801600)
    assert run.progress_tasks["1"] == {"progress": 576.0, "total": 576.0, "description": "backtest"}
    assert (tmp_path / "user_data" / "backtest_results" / f"{run.filename}.zip").is_file()
    assert run.started_at <= run.finished_at


def test_a_history_call_during_the_export_lists_the_run_once(job_config, monkeypatch):
    """The files are written before the job's row says so; a history call in between adopts
    them as a stored run, and the job's row replaces it."""
    from bot_engine.config.loader import load_config
    from bot_engine.selectors.backtest import history_rows
    from bot_engine.services.backtest import history_adopt_files

    config = load_config(job_config)
    export = jobs._export

    def export_then_history_call(*args):
        name = export(*args)
        assert history_adopt_files(config=config) == 1
        return name

    monkeypatch.setattr(jobs, "_export", export_then_history_call)
    run = pending(job_config)
    jobs.run_job(str(run.job_id))
    assert [row.pk for row in history_rows(BOT)] == [run.pk]
    assert history_adopt_files(config=config) == 0


def test_an_unknown_strategy_fails_with_freqtrades_message(job_config):
    run = pending(job_config, {**SHORT_BODY, "strategy": "NoSuchStrategy"})
    jobs.run_job(str(run.job_id))
    run.refresh_from_db()
    assert run.status == BacktestStatus.FAILED
    assert run.status_msg == (
        "Backtest failed with Impossible to load Strategy 'NoSuchStrategy'. "
        "This class does not exist or contains Python code errors."
    )


def test_a_job_aborted_before_it_started_never_runs(job_config):
    run = pending(job_config, abort_requested=True)
    jobs.run_job(str(run.job_id))
    run.refresh_from_db()
    assert (run.status, run.error, run.started_at) == ("aborted", "Stop requested", None)


def test_a_job_is_run_once(job_config):
    run = pending(job_config, status=BacktestStatus.RUNNING)  # another worker has it
    jobs.run_job(str(run.job_id))
    run.refresh_from_db()
    assert (run.status, run.result) == ("running", None)


def test_should_stop_reads_the_abort_flag(job_config, monkeypatch):
    monkeypatch.setattr(progress, "ABORT_POLL_INTERVAL", 0.0)
    run = pending(job_config, status=BacktestStatus.RUNNING)
    tracker = progress.Tracker(run.pk)
    assert tracker.should_stop() is False
    BacktestRun.objects.filter(pk=run.pk).update(abort_requested=True)
    assert tracker.should_stop() is True and tracker.stop_seen


def test_progress_is_written_a_few_times_a_second_at_most(job_config):
    run = pending(job_config, status=BacktestStatus.RUNNING)
    tracker = progress.Tracker(run.pk)
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        tracker.progress("startup", 0.0, 0)
        for i in range(1, 201):
            tracker.progress("backtest", i / 200, i)
    elapsed = time.monotonic() - started
    writes = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(writes) <= 2 + elapsed / progress.PROGRESS_INTERVAL
    run.refresh_from_db()
    assert run.step == "backtest"  # a new step is always written


def test_restart_marks_what_a_dead_local_pool_left(job_config):
    left = [
        pending(job_config, status=BacktestStatus.RUNNING),
        pending(job_config, status=BacktestStatus.PENDING),
    ]
    queued = pending(job_config, backend=jobs.CELERY)  # a Celery worker will still take it
    done = pending(job_config, status=BacktestStatus.SUCCESS)
    other_bot = pending(job_config, status=BacktestStatus.RUNNING, bot_name="another-bot")
    assert jobs.mark_interrupted(BOT) == 2
    for run in left:
        run.refresh_from_db()
        assert run.status == BacktestStatus.INTERRUPTED and run.finished_at is not None
        assert run.status_msg == f"Backtest failed with {jobs.INTERRUPTED}"
    statuses = [BacktestRun.objects.get(pk=r.pk).status for r in (queued, done, other_bot)]
    assert statuses == ["pending", "success", "running"]


@pytest.mark.parametrize(
    ("stake", "expected"), [("0.01", 0.01), (0.02, 0.02), ("unlimited", "unlimited")]
)
def test_freqtuis_start_body_becomes_simulator_options(stake, expected):
    options = jobs.options_from_body({**SHORT_BODY, "stake_amount": stake})
    assert options.stake_amount == expected
    assert (options.timerange, options.max_open_trades) == ("20180111-20180113", 5)
    assert (options.dry_run_wallet, options.enable_protections) == (1.0, False)
