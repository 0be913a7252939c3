"""Backtests as jobs: a ``BacktestRun`` row, run by a worker process, never by the API's.

No queue is written here. Without ``api_server.redis_url`` the webserver owns a process pool
(one worker per core, ``concurrent.futures``); with it the job goes to Celery on that Redis
(``bot_engine/backtest/tasks.py``; ``celery -A controlplane worker`` on any machine runs it).
Either way the worker runs ``run_job``: it claims the row, simulates, writes its progress to
the row (throttled), stops when ``abort_requested`` is set, and stores the result in one
transaction at the end.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from celery import current_app
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from bot_engine.backtest.options import BacktestOptions
from bot_engine.backtest.progress import Tracker
from bot_engine.config.loader import load_config
from bot_engine.config.model import BotConfig
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.engine.factory import strategy_dirs
from bot_engine.exceptions import StrategyError
from bot_engine.models import ACTIVE_STATUSES, BacktestRun, BacktestStatus

logger = logging.getLogger(__name__)

LOCAL, CELERY = "local", "celery"
ADOPTED = "file"  # a row made for a stored result (services.backtest.history_adopt_files)
BACKTEST = "backtest"  # the job category of a backtest (analyses: analysis_jobs.py)
TASK_NAME = "tradeplane.backtest.run"  # bot_engine/backtest/tasks.py
STOP_REQUESTED = "Stop requested"  # Freqtrade's words for an aborted backtest
INTERRUPTED = "Interrupted: the process running it stopped before it finished"
# Freqtrade's answer for a strategy it cannot load (missing or broken file alike).
STRATEGY_NOT_LOADED = (
    "Impossible to load Strategy '{name}'. "
    "This class does not exist or contains Python code errors."
)

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_stopping = threading.Event()  # the server is exiting: its workers are stopped on purpose


def backend() -> str:
    """Where new jobs go: Celery when a broker (the config's redis_url) is set, else local."""
    return CELERY if getattr(settings, "CELERY_BROKER_URL", None) else LOCAL


def submit(run: BacktestRun) -> None:
    """Hand a committed pending row to its backend (call it after the row's commit)."""
    job_id = str(run.job_id)
    if run.backend == CELERY:
        # By name: the worker registers the task (tasks.py); this process needs only the app.
        current_app.send_task(TASK_NAME, args=[job_id])
        return
    try:
        future = _local_pool().submit(run_job, job_id)
    except BrokenProcessPool:  # a worker died (killed, out of memory): the pool is unusable
        _discard_pool()
        future = _local_pool().submit(run_job, job_id)
    future.add_done_callback(functools.partial(_worker_died, job_id))


def _discard_pool() -> None:
    global _pool
    with _pool_lock:
        broken, _pool = _pool, None
    if broken is not None:
        broken.shutdown(wait=False, cancel_futures=True)


WARM_WORKERS = 2  # started with the webserver; the others (up to one per core) on demand


def warm_up() -> None:
    """Start a couple of pool workers now, in the background: the first backtests then do
    not wait for a new interpreter, Django and the simulator's imports (seconds)."""
    if backend() == LOCAL:
        pool = _local_pool()
        for _ in range(min(WARM_WORKERS, os.cpu_count() or 1)):
            pool.submit(_import_simulator)


def _import_simulator() -> None:
    from bot_engine.backtest import export, report, simulator  # noqa: F401


def _local_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # spawn: a fresh interpreter per worker, never a fork of the server's threads and
            # open database connections.
            _pool = ProcessPoolExecutor(
                max_workers=os.cpu_count() or 1,
                mp_context=multiprocessing.get_context("spawn"),
                # django.setup itself: the worker must set Django up before it unpickles a
                # job (which imports this module, and so the models).
                initializer=django.setup,
            )
        return _pool


def _worker_died(job_id: str, future: Future) -> None:
    """A worker process that died (killed, out of memory) leaves its row to be marked here."""
    if _stopping.is_set() or future.cancelled() or future.exception() is None:
        return  # stopped with the server: mark_interrupted says so
    logger.error("Backtest job %s: its worker failed: %r", job_id, future.exception())
    try:
        _mark_ended(
            BacktestRun.objects.filter(job_id=job_id, status__in=ACTIVE_STATUSES),
            BacktestStatus.FAILED,
            f"Worker process failed: {future.exception()!r}",
        )
    finally:
        connection.close()  # the pool's own thread: its connection is not reused


def shutdown_local_pool() -> None:
    """Stop the pool's workers now (the webserver is exiting): their jobs cannot finish; the
    caller marks them interrupted (``mark_interrupted``)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    _stopping.set()
    if pool is None:
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def mark_interrupted(bot_name: str) -> int:
    """Rows of ``bot_name`` a dead local pool left pending or running: none of them will ever
    finish. Celery's pending rows stay: a worker will still take them."""
    return _mark_ended(
        BacktestRun.objects.filter(bot_name=bot_name, backend=LOCAL, status__in=ACTIVE_STATUSES),
        BacktestStatus.INTERRUPTED,
        INTERRUPTED,
    )


def _mark_ended(rows, status: str, message: str) -> int:
    return rows.update(
        status=status,
        error=message,
        status_msg=f"Backtest failed with {message}",
        step="",
        finished_at=timezone.now(),
    )


def options_from_body(body: dict) -> BacktestOptions:
    """The start request's body (already validated by the API) as simulator options."""
    stake = body.get("stake_amount")
    if isinstance(stake, str) and stake != "unlimited":
        stake = float(stake)
    wallet = body.get("dry_run_wallet")
    known = {"strategy", "timerange", "timeframe", "max_open_trades", "stake_amount"}
    known |= {"dry_run_wallet", "enable_protections"}
    return BacktestOptions(
        strategy=body["strategy"],
        timerange=body.get("timerange") or None,
        timeframe=body.get("timeframe") or None,
        max_open_trades=body.get("max_open_trades"),
        stake_amount=stake,
        dry_run_wallet=float(wallet) if wallet is not None else None,
        enable_protections=bool(body.get("enable_protections")),
        extra={k: v for k, v in body.items() if k not in known},
    )


def run_job(job_id: str) -> None:
    """Run one pending job in this (worker) process; how it went is written to its row."""
    if not connection.in_atomic_block:
        # A worker's connection may have gone stale between jobs. Inside a transaction (a job
        # run inline, as the tests do) closing would abort it, so the connection is kept.
        close_old_connections()
    run = _claim(job_id)
    if run is None:
        return
    tracker = Tracker(run.pk)
    if run.job_category != BACKTEST:
        # Other categories: same row, queue and tracker, their own runner.
        _runner(run.job_category)(run, tracker)
        return
    try:
        finished = execute(run, options_from_body(run.options), tracker)
    except Exception as exc:
        if tracker.stop_seen:
            message = STOP_REQUESTED
        else:
            message = str(exc) or type(exc).__name__
            logger.warning("Backtest job %s failed: %s", job_id, message, exc_info=True)
        _mark_ended(
            BacktestRun.objects.filter(pk=run.pk, status=BacktestStatus.RUNNING),
            BacktestStatus.ABORTED if tracker.stop_seen else BacktestStatus.FAILED,
            message,
        )
        tracker.write_tasks(final=False)
        return
    tracker.total = finished.candle_count or tracker.total
    with transaction.atomic():
        _record_success(run, finished, tracker)


def _record_success(run: BacktestRun, finished: Finished, tracker: Tracker) -> None:
    # A history call between the export and this update may have adopted the new files as a
    # run of their own: the job's row is the run.
    BacktestRun.objects.filter(
        bot_name=run.bot_name, filename=finished.filename, backend=ADOPTED
    ).delete()
    BacktestRun.objects.filter(pk=run.pk, status=BacktestStatus.RUNNING).update(
        status=BacktestStatus.SUCCESS,
        step="finished",
        progress=1.0,
        trade_count=finished.trade_count,
        result=finished.document,
        filename=finished.filename,
        run_id=finished.run_id,
        timeframe=finished.timeframe,
        backtest_start_ts=finished.start_ts,
        backtest_end_ts=finished.end_ts,
        status_msg="Backtest ended",
        progress_tasks=tracker.tasks("backtest", 1.0),
        finished_at=timezone.now(),
    )  # one UPDATE: the result and the row's state commit together


def _runner(category: str):
    """The function that runs a claimed job of ``category`` (other than a backtest)."""
    if category == "pairlist":  # /pairlists/evaluate
        from bot_engine.pairlists.evaluation import run_claimed
    elif category == "download_data":  # /download_data
        from bot_engine.data.download_job import run_claimed
    else:  # lookahead_analysis / recursive_analysis
        from bot_engine.backtest.analysis_jobs import run_claimed
    return run_claimed


@dataclass(frozen=True)
class Finished:
    """What a successful run stores in its row."""

    document: dict  # {"metadata", "strategy", "strategy_comparison"}: the file's strings
    filename: str
    run_id: str
    timeframe: str
    start_ts: int | None
    end_ts: int | None
    trade_count: int
    candle_count: float


def execute(run: BacktestRun, options: BacktestOptions, tracker: Tracker) -> Finished:
    """Load the config and strategy, simulate, write Freqtrade's result files."""
    config = load_config(Path(run.config_files[0]))
    _check_strategy(config, options.strategy)
    # Imported here: the webserver only submits jobs and never needs the simulator's modules.
    from bot_engine.backtest.simulator import simulate

    outcome = simulate(config, options, progress=tracker.progress, should_stop=tracker.should_stop)
    timeframe = str(outcome.settings.get("timeframe") or options.timeframe or "5m")
    span = (outcome.backtest_end - outcome.backtest_start).total_seconds()
    directory = results_directory(config.user_data_dir)
    filename = _export(directory, run_config(config, options), outcome)
    from bot_engine.backtest import export

    # Read back: the history answers the file's strings, as Freqtrade's does.
    document = export.stored_document(directory, filename)
    strategy_meta = document["metadata"].get(outcome.strategy_name, {})
    return Finished(
        document=document,
        filename=filename,
        run_id=str(strategy_meta.get("run_id", "")),
        timeframe=str(strategy_meta.get("timeframe") or timeframe),
        start_ts=strategy_meta.get("backtest_start_ts"),
        end_ts=strategy_meta.get("backtest_end_ts"),
        trade_count=len(outcome.trades),
        candle_count=span / timeframe_to_seconds(timeframe),
    )


def _check_strategy(config: BotConfig, name: str) -> None:
    from bot_engine.strategy.loader import strategy_source

    try:
        strategy_source(name, strategy_dirs(config))
    except StrategyError:
        raise StrategyError(STRATEGY_NOT_LOADED.format(name=name)) from None


def run_config(config: BotConfig, options: BacktestOptions) -> dict[str, Any]:
    """The config the run used: the file's plus the start request's settings, as Freqtrade's
    webserver merges them before hashing ``run_id`` (runs of other timeranges or stakes are
    other results; FreqUI keys the results it compares by ``run_id``)."""
    settings = {
        "strategy": options.strategy,
        "timerange": options.timerange,
        "timeframe": options.timeframe,
        "max_open_trades": options.max_open_trades,
        "stake_amount": options.stake_amount,
        "dry_run_wallet": options.dry_run_wallet,
    }
    merged = {**(config.raw or {}), **options.extra}
    merged.update({key: value for key, value in settings.items() if value is not None})
    merged["enable_protections"] = options.enable_protections
    return merged


def _export(directory: Path, config: BotConfig | dict[str, Any], outcome) -> str:
    """Freqtrade's result files (``bot_engine.backtest.export``); the file name, no suffix."""
    from bot_engine.backtest import export, report

    document = report.result_document([outcome])
    block = document["strategy"][outcome.strategy_name]
    for key in ("max_open_trades", "max_open_trades_setting"):
        # Freqtrade's webserver takes the start body's max_open_trades as a float (its
        # recorded result file holds 5.0 where the CLI's holds 5).
        if isinstance(block.get(key), int) and not isinstance(block.get(key), bool):
            block[key] = float(block[key])
    return export.write_result(
        directory,
        document,
        config=config,
        strategy_sources={outcome.strategy_name: outcome.strategy_source},
        market_change=report.market_change_frame(outcome),
        wallets={outcome.strategy_name: report.wallet_frame(outcome)},
    )


def _claim(job_id: str) -> BacktestRun | None:
    """pending → running, unless aborted before it started (then it ends here as aborted)."""
    pending = BacktestRun.objects.filter(job_id=job_id, status=BacktestStatus.PENDING)
    claimed = pending.filter(abort_requested=False).update(
        status=BacktestStatus.RUNNING, started_at=timezone.now(), step="startup", progress=0.0
    )
    if not claimed:
        _mark_ended(pending.filter(abort_requested=True), BacktestStatus.ABORTED, STOP_REQUESTED)
        return None
    return BacktestRun.objects.get(job_id=job_id)


def results_directory(user_data_dir: Path) -> Path:
    """Freqtrade's place for exported results: ``user_data/backtest_results/``."""
    return user_data_dir / "backtest_results"
