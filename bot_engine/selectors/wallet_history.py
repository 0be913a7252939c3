"""``/historic_balance``: the bot-managed wallet's value per recorded day (contract §2.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Sum

from bot_engine.models import WalletCapture, WalletHistory


@dataclass(frozen=True, slots=True)
class HistoricBalance:
    days: list[tuple[datetime, float | None]]  # (00:00 UTC of the day, Σ total_quote)
    capture_start: datetime | None  # when recording began on this database; None: never


def historic_balance(*, bot_id: int) -> HistoricBalance:
    """Σ ``total_quote`` of the bot-managed coins per day, oldest first (one grouped query)."""
    days = list(
        WalletHistory.objects.filter(bot_id=bot_id, bot_managed=True)
        .values("timestamp")
        .annotate(total=Sum("total_quote"))
        .order_by("timestamp")
        .values_list("timestamp", "total")
    )
    started = (
        WalletCapture.objects.filter(bot_id=bot_id).values_list("started_at", flat=True).first()
    )
    return HistoricBalance(days=days, capture_start=started)
