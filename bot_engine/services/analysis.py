"""Starting lookahead- and recursive-analysis jobs (API §2.6 ``/lookahead_analysis``,
``/recursive_analysis``) and reading them back.

The job is a ``BacktestRun`` row of its own ``job_category``, queued like a backtest
(``bot_engine.backtest.jobs.submit``) and audited; a caller runs one analysis of each kind at
a time (Freqtrade's "Analysis is already running.").
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bot_engine.backtest.analysis_jobs import CATEGORIES
from bot_engine.config.model import BotConfig
from bot_engine.exceptions import TradeplaneError
from bot_engine.models import ACTIVE_STATUSES, BacktestRun, BacktestStatus
from bot_engine.selectors import backtest as selectors
from bot_engine.services.audit import current_actor
from bot_engine.services.backtest import caller_runs, queue_run

ALREADY_RUNNING = "Analysis is already running."


class AnalysisRefused(TradeplaneError):
    """The caller's analysis of this kind still runs (the API answers 400)."""


def analysis_start(*, config: BotConfig, category: str, body: dict[str, Any]) -> BacktestRun:
    """Queue the analysis ``body`` (validated by the API) of ``category``."""
    if category not in CATEGORIES:
        raise ValueError(f"no analysis named {category!r}")
    who = current_actor()
    with transaction.atomic():
        if caller_runs(config, who, category).filter(status__in=ACTIVE_STATUSES).exists():
            raise AnalysisRefused(ALREADY_RUNNING)
        run = queue_run(
            config,
            who,
            category=category,
            strategy=body["strategy"],
            options=body,
            action=f"{category}_start",
            target=body["strategy"],
        )
    return run


def analysis_job(*, config: BotConfig, category: str, job_id: str) -> BacktestRun:
    """The analysis job ``job_id`` of ``category``; ``BacktestNotFound`` when there is none."""
    run = selectors.background_job(config.bot_name, job_id)
    if run.job_category != category:
        raise selectors.BacktestNotFound(selectors.JOB_NOT_FOUND)
    return run


def analysis_status(run: BacktestRun) -> str:
    """Freqtrade's words for the job: running, error or ended."""
    if run.status in ACTIVE_STATUSES:
        return "running"
    return "ended" if run.status == BacktestStatus.SUCCESS else "error"
