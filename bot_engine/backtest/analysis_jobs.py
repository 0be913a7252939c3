"""Lookahead- and recursive-analysis as jobs: the backtest jobs' rows, workers and tracker.

A ``BacktestRun`` whose ``job_category`` is ``lookahead_analysis`` or ``recursive_analysis``
goes through the same queue (local process pool or Celery, ``jobs.submit``) and is claimed by
``jobs.run_job``, which hands it here (this module does not import ``jobs``: it is the one
that calls). The result (Freqtrade's shape) is stored on the row in
one UPDATE with its status, and ``/background`` lists it like a backtest.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.utils import timezone

from bot_engine.backtest.options import BacktestOptions
from bot_engine.config.loader import load_config
from bot_engine.models import BacktestRun, BacktestStatus

logger = logging.getLogger(__name__)

LOOKAHEAD, RECURSIVE = "lookahead_analysis", "recursive_analysis"
CATEGORIES = (LOOKAHEAD, RECURSIVE)
# jobs.py's words (not imported: jobs.run_job is what calls this module)
STOP_REQUESTED = "Stop requested"
STRATEGY_NOT_LOADED = (
    "Impossible to load Strategy '{name}'. "
    "This class does not exist or contains Python code errors."
)


def options_from_body(body: dict[str, Any]) -> BacktestOptions:
    """The start body's backtest part (strategy, timeframe, timerange, pairs)."""
    pairs = body.get("pairs")
    return BacktestOptions(
        strategy=body["strategy"],
        timerange=body.get("timerange") or None,
        timeframe=body.get("timeframe") or None,
        pairs=tuple(pairs) if pairs else None,
    )


def execute(run: BacktestRun, tracker: Any) -> dict[str, Any]:
    """Run the row's analysis in this (worker) process; its result dict. ``tracker`` is the
    backtest jobs' ``Tracker`` (progress and abort on the row)."""
    config = load_config(Path(run.config_files[0]))
    body = run.options or {}
    options = options_from_body(body)
    _check_strategy(config, options.strategy)
    if run.job_category == LOOKAHEAD:
        from bot_engine.backtest import lookahead

        request = lookahead.LookaheadRequest(
            minimum_trade_amount=int(body.get("minimum_trade_amount", 10)),
            targeted_trade_amount=int(body.get("targeted_trade_amount", 20)),
            allow_limit_orders=bool(body.get("lookahead_allow_limit_orders", False)),
        )
        result = lookahead.analyse_lookahead(
            config,
            options,
            request,
            progress=tracker.progress,
            should_stop=tracker.should_stop,
        )
        return result.as_dict()
    from bot_engine.backtest import recursive

    found = recursive.analyse_recursive(
        config,
        options,
        body.get("startup_candle") or None,
        progress=tracker.progress,
        should_stop=tracker.should_stop,
    )
    return found.as_dict()


def _check_strategy(config, name: str) -> None:
    from bot_engine.engine.factory import strategy_dirs
    from bot_engine.exceptions import StrategyError
    from bot_engine.strategy.loader import strategy_source

    try:
        strategy_source(name, strategy_dirs(config))
    except StrategyError:
        raise StrategyError(STRATEGY_NOT_LOADED.format(name=name)) from None


def run_claimed(run: BacktestRun, tracker: Any) -> None:
    """The claimed (running) analysis row, handed over by ``jobs.run_job`` with its
    ``Tracker``: run it, store its result or why it failed."""
    try:
        result = execute(run, tracker)
    except Exception as exc:
        message = STOP_REQUESTED if tracker.stop_seen else (str(exc) or type(exc).__name__)
        if not tracker.stop_seen:
            logger.warning("Analysis job %s failed: %s", run.job_id, message, exc_info=True)
        BacktestRun.objects.filter(pk=run.pk, status=BacktestStatus.RUNNING).update(
            status=BacktestStatus.ABORTED if tracker.stop_seen else BacktestStatus.FAILED,
            error=message,
            status_msg=f"Analysis failed with {message}",
            step="",
            finished_at=timezone.now(),
        )
        return
    BacktestRun.objects.filter(pk=run.pk, status=BacktestStatus.RUNNING).update(
        status=BacktestStatus.SUCCESS,
        step="finished",
        progress=1.0,
        result=result,
        status_msg="Analysis ended",
        progress_tasks={"0": {"progress": 1.0, "total": 1.0, "description": run.job_category}},
        finished_at=timezone.now(),
    )
