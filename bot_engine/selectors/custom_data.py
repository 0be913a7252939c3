"""Strategy custom data of a bot's trades, as ``/trades/{id}/custom-data`` lists it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch

from bot_engine.models import Trade, TradeCustomData


@dataclass(frozen=True)
class CustomDataEntry:
    key: str
    type: str
    value: Any
    created_at: datetime
    updated_at: datetime | None


@dataclass(frozen=True)
class TradeCustomDataList:
    trade_id: int
    custom_data: list[CustomDataEntry]


def _entries(trade: Trade, key: str | None) -> list[CustomDataEntry]:
    rows = list(trade.custom_data.all())  # prefetched, ordered by id
    if key:
        # One entry per key (Freqtrade matches keys case-insensitively).
        rows = [row for row in rows if row.cd_key.casefold() == key.casefold()][:1]
    return [
        CustomDataEntry(
            key=row.cd_key,
            type=row.cd_type,
            value=row.value,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
        for row in rows
    ]


def _with_data(trades):
    return trades.prefetch_related(
        Prefetch("custom_data", queryset=TradeCustomData.objects.order_by("id"))
    )


def trade_custom_data(
    *, bot_id: int, trade_id: int, key: str | None = None
) -> TradeCustomDataList | None | bool:
    """The trade's entries; None when the bot has no such trade, False when it has no data."""
    trade = _with_data(Trade.objects.for_bot(bot_id).filter(trade_id=trade_id)).first()
    if trade is None:
        return None
    entries = _entries(trade, key)
    return TradeCustomDataList(trade.trade_id, entries) if entries else False


def open_trades_custom_data(
    *, bot_id: int, key: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[int, list[TradeCustomDataList]]:
    """(open trades in the page, their entries): the open trades by id, ``limit`` from
    ``offset``, each with its data (trades without any left out)."""
    trades = list(
        _with_data(Trade.objects.for_bot(bot_id).open().order_by("trade_id"))[
            offset : offset + limit
        ]
    )
    result = []
    for trade in trades:
        entries = _entries(trade, key)
        if entries:
            result.append(TradeCustomDataList(trade.trade_id, entries))
    return len(trades), result
