"""Backtesting and background-job bodies (contract §2.6, Freqtrade's recorded webserver API).

The stored result is the file's document (Freqtrade's strings). ``GET /backtest`` answers what
Freqtrade holds in memory instead, serialised by pydantic: trade dates as ``...T00:05:00Z`` and
durations as ISO 8601 (``PT5H10M``); ``/backtest/history/result`` answers the file's strings.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from rest_framework import serializers

from api.serializers.fields import NumberField, nullable
from bot_engine.backtest.export import HISTORY_KEYS
from bot_engine.models import ACTIVE_STATUSES, BacktestRun, BacktestStatus

UNLIMITED = "unlimited"
# The result keys Freqtrade keeps as timedeltas in memory (pydantic writes ISO 8601).
DURATION_KEYS = ("holding_avg", "drawdown_duration")


class StakeAmountField(serializers.Field):
    """FreqUI sends the stake as a string ("0.01"), a number, or "unlimited"."""

    default_error_messages = {"invalid": "Input should be a positive number or 'unlimited'"}

    def to_internal_value(self, data):
        if data == UNLIMITED:
            return data
        try:
            value = float(data) if not isinstance(data, bool) else -1.0
        except (TypeError, ValueError):
            self.fail("invalid")
        if not value > 0 or value == float("inf"):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class BacktestRequest(serializers.Serializer):
    """``POST /backtest``: FreqUI's Backtest page; ``enable_protections`` is required."""

    strategy = serializers.CharField(max_length=100)
    enable_protections = serializers.BooleanField()
    timeframe = nullable(serializers.CharField, max_length=10)
    timeframe_detail = nullable(serializers.CharField, max_length=10)
    timerange = nullable(serializers.CharField, max_length=40)
    max_open_trades = nullable(serializers.IntegerField, min_value=-1, max_value=10**6)
    stake_amount = nullable(StakeAmountField)
    dry_run_wallet = nullable(NumberField, min_value=0)
    backtest_cache = nullable(serializers.CharField, max_length=20)
    freqaimodel = nullable(serializers.CharField, max_length=100)
    freqai = nullable(serializers.DictField)


class HistoryQuery(serializers.Serializer):
    filename = serializers.CharField(max_length=200)
    strategy = serializers.CharField(max_length=100)


class NotesRequest(serializers.Serializer):
    strategy = serializers.CharField(max_length=100)
    notes = serializers.CharField(allow_blank=True, default="", max_length=10_000)


def status_body(
    status: str,
    status_msg: str,
    *,
    running: bool = False,
    step: str = "",
    progress: float = 0.0,
    trade_count: float | None = None,
    backtest_result: dict | None = None,
) -> dict[str, Any]:
    """Freqtrade's BacktestResponse."""
    return {
        "status": status,
        "running": running,
        "status_msg": status_msg,
        "step": step,
        "progress": progress,
        "trade_count": trade_count,
        "backtest_result": backtest_result,
    }


NOT_STARTED = status_body("not_started", "Backtest not yet executed")
STARTED = status_body("running", "Backtest started", running=True, step="startup")
RESET = status_body("reset", "Backtest reset")


def abort_body(stopping: bool) -> dict[str, Any]:
    return status_body("stopping" if stopping else "not_running", "Backtest ended")


def job_status(run: BacktestRun | None) -> dict[str, Any]:
    """``GET /backtest``: the caller's current job."""
    if run is None:
        return NOT_STARTED
    if run.status in ACTIVE_STATUSES:
        count = float(run.trade_count) if run.trade_count is not None else None
        return status_body(
            "running",
            "Backtest running",
            running=True,
            step=run.step if run.status == BacktestStatus.RUNNING else "",
            progress=float(run.progress),
            trade_count=count,
        )
    if run.status == BacktestStatus.SUCCESS and run.result:
        return status_body(
            "ended",
            "Backtest ended",
            step="finished",
            progress=1.0,
            backtest_result=live_result(run.result, run.filename),
        )
    return status_body("error", f"Backtest failed with {run.error}")


def history_result(run: BacktestRun, strategy: str) -> dict[str, Any]:
    """``GET /backtest/history/result``: the file's document, for one strategy."""
    document = run.result or {}
    meta = {**document.get("metadata", {}).get(strategy, {}), "filename": run.filename}
    result = {
        "metadata": {strategy: meta},
        "strategy": {strategy: document["strategy"][strategy]},
        "strategy_comparison": [
            row for row in document.get("strategy_comparison", []) if row.get("key") == strategy
        ],
    }
    return status_body("ended", "Historic result", progress=1.0, backtest_result=result)


def history_entries(runs: list[BacktestRun]) -> list[dict[str, Any]]:
    """``GET /backtest/history``: one entry per strategy of each result file."""
    entries = []
    for run in runs:
        for strategy, meta in ((run.result or {}).get("metadata") or {}).items():
            entry = {"filename": run.filename, "strategy": strategy}
            entry.update({key: meta.get(key) for key in HISTORY_KEYS})
            entry["notes"] = run.notes
            entries.append(entry)
    return entries


def background_job(run: BacktestRun) -> dict[str, Any]:
    """Freqtrade's BgJobStarted/BackgroundTaskStatus: a queued or running job is "pending"."""
    if run.status in ACTIVE_STATUSES:
        status = "pending"
    else:
        status = "success" if run.status == BacktestStatus.SUCCESS else "failed"
    return {
        "job_id": str(run.job_id),
        "job_category": run.job_category,
        "status": status,
        "running": run.status in ACTIVE_STATUSES,
        "progress": None,
        "progress_tasks": run.progress_tasks or {},
        "error": run.error or None,
    }


def wallet_body(series: Any) -> dict[str, Any]:
    """``/wallet``: the series, and where its capture started (none for a backtest)."""
    return {"capture_start_ts": None, **series_body(series)}


def series_body(series: Any) -> dict[str, Any]:
    """A market change / wallet series: ``{"columns", "data", "length"}``, dates as ISO."""
    frame = series.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()
    return {"columns": list(frame.columns), "data": rows, "length": len(rows)}


def live_result(document: dict[str, Any], filename: str) -> dict[str, Any]:
    """The stored (file) document as Freqtrade's in-memory result serialises."""
    metadata = {
        name: {**meta, "filename": filename, "strategy": name}
        for name, meta in document.get("metadata", {}).items()
    }
    strategies = {name: _live_block(block) for name, block in document["strategy"].items()}
    return {
        "metadata": metadata,
        "strategy": strategies,
        "strategy_comparison": document.get("strategy_comparison", []),
    }


def _live_block(block: dict[str, Any]) -> dict[str, Any]:
    live = dict(block)
    live["trades"] = [
        {
            **trade,
            "open_date": iso_date(trade["open_date"]),
            "close_date": iso_date(trade["close_date"]),
        }
        for trade in block.get("trades", [])
    ]
    for key in DURATION_KEYS:
        if isinstance(live.get(key), str):
            live[key] = iso_duration(live[key])
    wallet_stats = live.get("wallet_stats")
    if isinstance(wallet_stats, dict) and isinstance(wallet_stats.get("drawdown_duration"), str):
        live["wallet_stats"] = {
            **wallet_stats,
            "drawdown_duration": iso_duration(wallet_stats["drawdown_duration"]),
        }
    return live


def iso_date(text: str | None) -> str | None:
    """ "2018-01-11 00:05:00+00:00" → "2018-01-11T00:05:00Z" (pydantic's form of UTC)."""
    if not text:
        return text
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_duration(text: str) -> str:
    """ "5:10:00" / "0 days 21:05:00" → "PT5H10M" (ISO 8601, as pydantic writes a timedelta)."""
    delta = pd.Timedelta(text).to_pytimedelta()
    sign = "-" if delta < timedelta(0) else ""
    seconds = abs(delta).total_seconds()
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(
        f"{_number(value)}{unit}"
        for value, unit in ((hours, "H"), (minutes, "M"), (seconds, "S"))
        if value
    )
    text = "P" + (f"{int(days)}D" if days else "") + (f"T{clock}" if clock else "")
    return sign + (text if text != "P" else "PT0S")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
