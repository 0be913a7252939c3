"""Lookahead- and recursive-analysis job bodies (contract §2.6, API 2.49)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.fields import nullable
from bot_engine.models import BacktestRun
from bot_engine.services.analysis import analysis_status

STARTED = "Analysis started"


class LookaheadRequest(serializers.Serializer):
    strategy = serializers.CharField(max_length=100)
    timeframe = nullable(serializers.CharField, max_length=10)
    timerange = nullable(serializers.CharField, max_length=40)
    minimum_trade_amount = serializers.IntegerField(default=10, min_value=1, max_value=10**6)
    targeted_trade_amount = serializers.IntegerField(default=20, min_value=1, max_value=10**6)
    lookahead_allow_limit_orders = serializers.BooleanField(default=False)


class RecursiveRequest(serializers.Serializer):
    strategy = serializers.CharField(max_length=100)
    timeframe = nullable(serializers.CharField, max_length=10)
    timerange = nullable(serializers.CharField, max_length=40)
    startup_candle = nullable(
        serializers.ListField,
        child=serializers.IntegerField(min_value=0, max_value=100_000),
        max_length=20,
    )


def started(run: BacktestRun) -> dict[str, Any]:
    return {"status": STARTED, "job_id": str(run.job_id)}


def job_body(run: BacktestRun) -> dict[str, Any]:
    """``GET /<analysis>/{jobid}``: its state, and Freqtrade's result once it ended."""
    state = analysis_status(run)
    body: dict[str, Any] = {
        "status": state,
        "running": state == "running",
        "status_msg": run.status_msg or run.step,
    }
    if state == "ended" and run.result is not None:
        body["result"] = run.result
    if state == "error":
        body["error"] = run.error
    return body
