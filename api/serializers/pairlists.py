"""Pairlist configurator and Download data bodies (contract §2.5, Freqtrade's schemas)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.fields import nullable
from bot_engine.config.schema import TIMEFRAMES
from bot_engine.models import BacktestRun, BacktestStatus

EVALUATION_STARTED = "Pairlist evaluation started in background."
DOWNLOAD_STARTED = "Data Download started in background."
DAYS_AND_TIMERANGE = "Only one of timeframes or days can be provided, not both."  # sic: Freqtrade


class ExchangeModeFields(serializers.Serializer):
    """Freqtrade's ExchangeModePayloadMixin: another exchange than the config's (spot only)."""

    exchange = nullable(serializers.CharField, max_length=50)
    trading_mode = nullable(serializers.ChoiceField, choices=["spot"])
    margin_mode = nullable(serializers.ChoiceField, choices=["", "cross", "isolated"])


class PairListsPayload(ExchangeModeFields):
    pairlists = serializers.ListField(child=serializers.DictField(), max_length=50)
    blacklist = serializers.ListField(child=serializers.CharField(max_length=100), max_length=1000)
    # FreqUI sends "" when its page loaded before show_config answered (Freqtrade accepts any
    # str); blank means the served config's stake currency.
    stake_currency = serializers.CharField(max_length=20, allow_blank=True)


class DownloadDataPayload(ExchangeModeFields):
    pairs = serializers.ListField(
        child=serializers.CharField(max_length=100), min_length=1, max_length=1000
    )
    timeframes = nullable(
        serializers.ListField, child=serializers.ChoiceField(choices=TIMEFRAMES), max_length=20
    )
    days = nullable(serializers.IntegerField, min_value=1, max_value=100_000)
    timerange = nullable(serializers.CharField, max_length=40)
    erase = serializers.BooleanField(default=False)
    download_trades = serializers.BooleanField(default=False)
    candle_types = nullable(
        serializers.ListField, child=serializers.CharField(max_length=20), max_length=10
    )
    prepend_data = serializers.BooleanField(default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("timerange") and attrs.get("days"):
            raise serializers.ValidationError(DAYS_AND_TIMERANGE)
        return attrs


def started(run: BacktestRun, status: str) -> dict[str, Any]:
    """Freqtrade's BgJobStarted."""
    return {"status": status, "job_id": str(run.job_id)}


def evaluation_body(run: BacktestRun) -> dict[str, Any]:
    """Freqtrade's WhitelistEvaluateResponse: ``error``, ``status``, then ``result``."""
    if run.status != BacktestStatus.SUCCESS:
        return {"error": run.error or run.status, "status": "failed", "result": None}
    result = run.result or {}
    return {
        "error": None,
        "status": "success",
        "result": {
            "whitelist": result.get("whitelist", []),
            "length": result.get("length", 0),
            "method": result.get("method", []),
        },
    }
