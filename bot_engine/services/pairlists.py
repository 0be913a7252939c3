"""Starting pairlist evaluations and data downloads (webserver mode, contract §2.5) as jobs.

Each is a ``BacktestRun`` row of its own ``job_category`` (``pairlist``, ``download_data``),
queued like a backtest (``bot_engine.backtest.jobs``) and audited. As Freqtrade, a caller runs
one of each kind at a time (a second start while theirs is queued or running is refused with
Freqtrade's words); different callers' jobs run side by side, as their backtests do (a download
replaces each candle file atomically, so two of them never leave a torn file).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bot_engine.config.model import BotConfig
from bot_engine.data import download_job
from bot_engine.exceptions import TradeplaneError
from bot_engine.models import ACTIVE_STATUSES, BacktestRun
from bot_engine.pairlists import evaluation
from bot_engine.selectors import backtest as selectors
from bot_engine.services.audit import current_actor
from bot_engine.services.backtest import caller_runs, queue_run

PAIRLIST_RUNNING = "Pairlist evaluation is already running."
DOWNLOAD_RUNNING = "Data Download is already running."
JOB_NOT_FINISHED = "Job not finished yet."


class JobRefused(TradeplaneError):
    """A start while one of the kind runs, or a read of an unfinished job (API: 400)."""


def pairlist_evaluate_start(*, config: BotConfig, body: dict[str, Any]) -> BacktestRun:
    """Queue the evaluation of ``body`` (``pairlists``, ``blacklist``, ``stake_currency``...)."""
    options = evaluation.job_options(config=config, body=body)
    return _start(config, evaluation.CATEGORY, options, PAIRLIST_RUNNING, "pairlist_evaluate")


def download_data_start(*, config: BotConfig, body: dict[str, Any]) -> BacktestRun:
    """Queue the download ``body`` asks for (pairs, timeframes, days or timerange...)."""
    options = download_job.job_options(config=config, body=body)
    return _start(config, download_job.CATEGORY, options, DOWNLOAD_RUNNING, "download_data")


def pairlist_evaluation(*, config: BotConfig, job_id: str) -> BacktestRun:
    """The finished evaluation ``job_id``; ``BacktestNotFound`` / ``JobRefused`` otherwise."""
    run = selectors.background_job(config.bot_name, job_id)
    if run.job_category != evaluation.CATEGORY:
        raise selectors.BacktestNotFound(selectors.JOB_NOT_FOUND)
    if run.is_active:
        raise JobRefused(JOB_NOT_FINISHED)
    return run


def _start(
    config: BotConfig, category: str, options: dict[str, Any], refusal: str, action: str
) -> BacktestRun:
    who = current_actor()
    with transaction.atomic():
        if caller_runs(config, who, category).filter(status__in=ACTIVE_STATUSES).exists():
            raise JobRefused(refusal)
        run = queue_run(
            config,
            who,
            category=category,
            strategy="",
            options=options,
            action=action,
            target=category,
            after=options["request"],
        )
    return run
