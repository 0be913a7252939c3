"""``/historic_balance``'s body (contract §2.2): Freqtrade's column table of the wallet's days."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from rest_framework import serializers

from api.serializers.formats import timestamp_ms
from bot_engine.selectors.wallet_history import HistoricBalance

COLUMNS = ["date", "__date_ts", "total_quote"]


class HistoricBalanceSchema(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    length = serializers.IntegerField()
    data = serializers.ListField(child=serializers.ListField())
    capture_start_ts = serializers.IntegerField()


def historic_balance_body(history: HistoricBalance) -> dict[str, Any]:
    """Rows ``[date, ms, total]``; the date naive ISO without ``Z`` (contract §0's exception)."""
    data = [
        [day.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), timestamp_ms(day), total]
        for day, total in history.days
    ]
    return {
        "columns": COLUMNS,
        "data": data,
        "length": len(data),
        "capture_start_ts": timestamp_ms(history.capture_start) or 0,
    }
