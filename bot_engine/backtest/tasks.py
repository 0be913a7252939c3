"""The Celery task of a backtest job (``api_server.redis_url`` set): a worker runs the row."""

from __future__ import annotations

from celery import shared_task

from bot_engine.backtest import jobs


@shared_task(name=jobs.TASK_NAME, ignore_result=True)
def run_backtest(job_id: str) -> None:
    """Run the pending ``BacktestRun`` ``job_id`` in this worker (its row says how it went)."""
    jobs.run_job(job_id)
