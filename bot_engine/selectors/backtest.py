"""Reading backtest jobs: a caller's current job, the history of finished runs, the job list.

Freqtrade keeps one backtest per webserver; here ``/backtest`` (singular) is the caller's own
current job (the latest they started and did not reset), so FreqUI's one-at-a-time flow is
Freqtrade's while several users or clients run backtests side by side.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet

from bot_engine.backtest.jobs import BACKTEST, results_directory
from bot_engine.config.model import BotConfig
from bot_engine.exceptions import TradeplaneError
from bot_engine.models import BacktestRun, BacktestStatus
from bot_engine.services.audit import Actor

FILE_NOT_FOUND = "File not found."
WALLET_NOT_FOUND = "Unable to retrieve wallet history."
JOB_NOT_FOUND = "Job not found."


class BacktestNotFound(TradeplaneError):
    """No such result file / job (the API answers 404, or 400 where Freqtrade does)."""


def owned_by(actor: Actor) -> Q:
    """The rows ``actor`` started: a Django user's by user id, the config user's (or any
    other non-Django login) by name."""
    if actor.user_id is not None:
        return Q(created_by_id=actor.user_id)
    return Q(created_by__isnull=True, actor=actor.name)


def current_job(bot_name: str, actor: Actor) -> BacktestRun | None:
    """The caller's current job: the latest one they started and did not reset."""
    rows = BacktestRun.objects.filter(
        owned_by(actor), bot_name=bot_name, dismissed=False, job_category=BACKTEST
    )
    return rows.order_by("-created_at", "-id").first()


def history_rows(bot_name: str) -> QuerySet[BacktestRun]:
    """Finished runs whose result files exist, newest first (``/backtest/history``)."""
    rows = BacktestRun.objects.filter(
        bot_name=bot_name, status=BacktestStatus.SUCCESS, job_category=BACKTEST
    )
    return rows.exclude(filename="").order_by("-started_at", "-id")


def history_entry(bot_name: str, filename: str) -> BacktestRun:
    """The finished run written to ``filename``; ``BacktestNotFound`` if there is none."""
    run = history_rows(bot_name).filter(filename=filename).first()
    if run is None:
        raise BacktestNotFound(FILE_NOT_FOUND)
    return run


def history_result(bot_name: str, filename: str, strategy: str) -> BacktestRun:
    run = history_entry(bot_name, filename)
    if strategy not in (run.result or {}).get("strategy", {}):
        raise BacktestNotFound(FILE_NOT_FOUND)
    return run


def market_change(config: BotConfig, filename: str) -> Any:
    """The run's market change series (``{filename}_market_change.feather``)."""
    history_entry(config.bot_name, filename)
    from bot_engine.backtest import export  # the readers of Freqtrade's result files

    try:
        return export.market_change(results_dir(config), filename)
    except (OSError, KeyError, ValueError):
        raise BacktestNotFound(FILE_NOT_FOUND) from None


def wallet(config: BotConfig, filename: str, strategy: str) -> Any:
    """The run's wallet series of ``strategy`` (``{filename}_{strategy}_wallet.feather``)."""
    try:
        history_result(config.bot_name, filename, strategy)
    except BacktestNotFound:
        raise BacktestNotFound(WALLET_NOT_FOUND) from None
    from bot_engine.backtest import export

    try:
        return export.wallet(results_dir(config), filename, strategy)
    except (OSError, KeyError, ValueError):
        raise BacktestNotFound(WALLET_NOT_FOUND) from None


def background_jobs(bot_name: str) -> QuerySet[BacktestRun]:
    """``/background``: this bot's jobs not cleared, oldest first."""
    rows = BacktestRun.objects.filter(bot_name=bot_name, cleared=False)
    return rows.order_by("created_at", "id")


def background_job(bot_name: str, job_id: str) -> BacktestRun:
    run = background_jobs(bot_name).filter(job_id=_uuid_or_none(job_id)).first()
    if run is None:
        raise BacktestNotFound(JOB_NOT_FOUND)
    return run


def _uuid_or_none(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def results_dir(config: BotConfig) -> Path:
    return results_directory(config.user_data_dir)
