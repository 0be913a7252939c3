"""Starting, aborting and resetting backtest jobs; notes and deletion of finished runs.

Every action is recorded in the audit trail with the row it changes, in one transaction.
The job itself runs in a worker process (``bot_engine.backtest.jobs``), never here.
"""

from __future__ import annotations

import logging
import threading
import zipfile
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from bot_engine.backtest import jobs
from bot_engine.config.model import BotConfig
from bot_engine.exceptions import BotOperationError, TradeplaneError
from bot_engine.models import ACTIVE_STATUSES, BacktestRun, BacktestStatus, Bot, Outcome
from bot_engine.selectors import backtest as selectors
from bot_engine.services.audit import Actor, audit_event_record, current_actor

logger = logging.getLogger(__name__)

ALREADY_RUNNING = "Bot Background task already running"
NOT_IN_METADATA = "Strategy not in metadata."
JOB_RUNNING = "Job is still running."


class BacktestRefused(TradeplaneError):
    """A request about a finished run that cannot be done (the API answers 400)."""


def _bot_id(config: BotConfig) -> int | None:
    return Bot.objects.filter(name=config.bot_name).values_list("pk", flat=True).first()


def _audit(config: BotConfig, who: Actor, action: str, target: str, after: Any = None) -> None:
    audit_event_record(
        actor=who,
        bot_id=_bot_id(config),
        action=action,
        outcome=Outcome.OK,
        target=target,
        after=after,
    )


def caller_runs(config: BotConfig, who: Actor, category: str):
    """The caller's jobs of ``category`` on this bot (one of each kind runs at a time)."""
    return BacktestRun.objects.filter(
        selectors.owned_by(who), bot_name=config.bot_name, job_category=category
    )


def queue_run(
    config: BotConfig,
    who: Actor,
    *,
    category: str,
    strategy: str,
    options: dict[str, Any],
    action: str,
    target: str,
    after: dict[str, Any] | None = None,
) -> BacktestRun:
    """Create the job row, audit the start and submit the job once the transaction commits.

    Called inside the starting service's transaction, after its refusal check."""
    run = BacktestRun.objects.create(
        job_category=category,
        created_by_id=who.user_id,
        actor=who.name[:150],
        bot_id=_bot_id(config),
        bot_name=config.bot_name,
        config_files=[str(config.path.resolve())] if config.path else [],
        strategy=strategy,
        options=options,
        backend=jobs.backend(),
        step="startup",
    )
    _audit(config, who, action, target, {"job_id": str(run.job_id), **(after or {})})
    transaction.on_commit(lambda: _submit(run))
    return run


def backtest_start(*, config: BotConfig, body: dict[str, Any]) -> BacktestRun:
    """Queue a backtest of ``body`` (the validated start request) as the caller's current job;
    Freqtrade's refusal while the caller's current one still runs."""
    who = current_actor()
    with transaction.atomic():
        # One start at a time per bot (PostgreSQL row lock): two quick clicks make one job.
        list(Bot.objects.select_for_update().filter(name=config.bot_name).values_list("pk"))
        mine = caller_runs(config, who, jobs.BACKTEST).filter(dismissed=False)
        if mine.filter(status__in=ACTIVE_STATUSES).exists():
            raise BotOperationError(ALREADY_RUNNING)
        mine.update(dismissed=True)  # the new job becomes the caller's current one
        run = queue_run(
            config,
            who,
            category=jobs.BACKTEST,
            strategy=body["strategy"],
            options=body,
            action="backtest_start",
            target=body["strategy"],
        )
    return run


def _submit(run: BacktestRun) -> None:
    try:
        jobs.submit(run)
    except Exception as exc:  # a broker that is down: the job fails now, not never
        logger.exception("Backtest job %s could not be queued", run.job_id)
        message = f"Could not queue the job: {exc}"
        BacktestRun.objects.filter(pk=run.pk, status=BacktestStatus.PENDING).update(
            status=BacktestStatus.FAILED,
            error=message,
            status_msg=f"Backtest failed with {message}",
            finished_at=timezone.now(),
        )


def backtest_abort(*, config: BotConfig) -> bool:
    """Ask the caller's running job to stop; False when none runs (Freqtrade: not_running)."""
    who = current_actor()
    run = selectors.current_job(config.bot_name, who)
    if run is None or not run.is_active:
        return False
    with transaction.atomic():
        BacktestRun.objects.filter(pk=run.pk).update(abort_requested=True)
        # Not started yet: it ends now (its worker then finds nothing to claim).
        BacktestRun.objects.filter(pk=run.pk, status=BacktestStatus.PENDING).update(
            status=BacktestStatus.ABORTED,
            error=jobs.STOP_REQUESTED,
            status_msg=f"Backtest failed with {jobs.STOP_REQUESTED}",
            step="",
            finished_at=timezone.now(),
        )
        _audit(config, who, "backtest_abort", run.strategy, {"job_id": str(run.job_id)})
    return True


def backtest_reset(*, config: BotConfig) -> BacktestRun | None:
    """Forget the caller's current job (its row stays for history and /background); a job
    that still runs is not reset and is returned."""
    who = current_actor()
    run = selectors.current_job(config.bot_name, who)
    if run is not None and run.is_active:
        return run
    if run is not None:
        BacktestRun.objects.filter(pk=run.pk).update(dismissed=True)
    return None


_adopting = threading.Lock()


def history_adopt_files(*, config: BotConfig) -> int:
    """Rows for the runs stored in the results folder by someone else: ``manage.py
    backtesting`` or Freqtrade itself. Freqtrade's history is that folder, so FreqUI shows
    such runs beside the ones started through the API; a row makes them readable, annotatable
    and deletable the same way. Returns how many were adopted."""
    from bot_engine.backtest import export  # Freqtrade's result files

    folder = selectors.results_dir(config)
    names = export.stored_names(folder)
    if not names:
        return 0
    adopted = 0
    with _adopting:
        known = set(
            BacktestRun.objects.filter(bot_name=config.bot_name, filename__in=names).values_list(
                "filename", flat=True
            )
        )
        for name in names:
            if name not in known and _adopt(config, folder, name):
                adopted += 1
    return adopted


def _adopt(config: BotConfig, folder, name: str) -> bool:
    from bot_engine.backtest import export

    try:
        document = export.stored_document(folder, name)
        if not isinstance(document.get("strategy"), dict):
            raise ValueError("no strategy results")
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        logger.warning("Backtest result %s not readable, left out of the history: %s", name, exc)
        return False
    meta = document["metadata"]
    first = next(iter(meta.values()), {})
    started = first.get("backtest_start_time")
    when = datetime.fromtimestamp(started, tz=UTC) if isinstance(started, int) else None
    BacktestRun.objects.create(
        bot_name=config.bot_name,
        job_category=jobs.BACKTEST,
        strategy=", ".join(meta)[:100],
        backend=jobs.ADOPTED,
        status=BacktestStatus.SUCCESS,
        step="finished",
        progress=1.0,
        status_msg="Backtest ended",
        actor="result file",
        dismissed=True,  # nobody's current job, not a background job
        cleared=True,
        result=document,
        filename=name,
        notes=first.get("notes") or "",
        run_id=str(first.get("run_id") or ""),
        timeframe=str(first.get("timeframe") or ""),
        backtest_start_ts=first.get("backtest_start_ts"),
        backtest_end_ts=first.get("backtest_end_ts"),
        trade_count=sum(len(block.get("trades") or []) for block in document["strategy"].values()),
        started_at=when,
        finished_at=when,
    )
    return True


def history_set_notes(
    *, config: BotConfig, filename: str, strategy: str, notes: str
) -> list[BacktestRun]:
    """Set the notes of ``strategy``'s run in ``filename`` (the row and the file's metadata)."""
    who = current_actor()
    run = selectors.history_entry(config.bot_name, filename)
    if strategy not in (run.result or {}).get("strategy", {}):
        raise BacktestRefused(NOT_IN_METADATA)
    with transaction.atomic():
        BacktestRun.objects.filter(pk=run.pk).update(notes=notes)
        _audit(config, who, "backtest_notes", filename, {"strategy": strategy, "notes": notes})
    _keep_files_in_step("set_notes", selectors.results_dir(config), filename, strategy, notes)
    return list(selectors.history_rows(config.bot_name).filter(filename=filename))


def history_delete(*, config: BotConfig, filename: str) -> None:
    """Remove a finished run from the history and delete its result files."""
    who = current_actor()
    run = selectors.history_entry(config.bot_name, filename)
    with transaction.atomic():
        BacktestRun.objects.filter(pk=run.pk).update(filename="")
        _audit(config, who, "backtest_delete", filename)
    _keep_files_in_step("delete_result", selectors.results_dir(config), filename)


def _keep_files_in_step(change: str, *args) -> None:
    """The files are Freqtrade's copy; the rows are what the history serves, so a file that
    is gone or unwritable is logged, not an error of the request."""
    from bot_engine.backtest import export  # Freqtrade's result files

    try:
        getattr(export, change)(*args)
    except (OSError, KeyError, ValueError) as exc:
        logger.warning("Backtest result files %s not updated: %s", args[1], exc)


def background_delete(*, config: BotConfig, job_id: str) -> BacktestRun:
    """Drop a finished job from /background (a finished run stays in the history)."""
    run = selectors.background_job(config.bot_name, job_id)
    if run.is_active:
        raise BacktestRefused(JOB_RUNNING)
    BacktestRun.objects.filter(pk=run.pk).update(cleared=True)
    return run


def background_clear(*, config: BotConfig) -> list[BacktestRun]:
    """Drop every finished job from /background; the ones still running are answered."""
    jobs_left = selectors.background_jobs(config.bot_name)
    jobs_left.exclude(status__in=ACTIVE_STATUSES).update(cleared=True)
    return list(jobs_left)
