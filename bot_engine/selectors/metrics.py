"""``/metrics``: the database's figures per bot, aggregated by the database at scrape time."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from bot_engine.models import Bot, Order
from bot_engine.selectors.portfolio import TradeTotals, trade_totals


@dataclass(frozen=True)
class BotInfo:
    bot_id: int
    name: str
    exchange: str
    strategy: str
    stake_currency: str
    dry_run: bool


@dataclass(frozen=True)
class OrderCount:
    bot_id: int
    status: str
    side: str
    count: int


@dataclass(frozen=True)
class MetricFigures:
    bots: list[BotInfo]
    trades: list[TradeTotals]
    orders: list[OrderCount]


def all_bot_ids() -> list[int]:
    """Every bot registered in this database (what a metrics-token scrape covers)."""
    return list(Bot.objects.order_by("pk").values_list("pk", flat=True))


def metric_figures(*, bot_ids: list[int]) -> MetricFigures:
    """Three queries whatever the number of trades: bots, trades and orders GROUP BY."""
    if not bot_ids:
        return MetricFigures(bots=[], trades=[], orders=[])
    bots = [
        BotInfo(
            bot_id=row["pk"],
            name=row["name"],
            exchange=row["exchange"],
            strategy=row["strategy"],
            stake_currency=row["stake_currency"],
            dry_run=row["dry_run"],
        )
        for row in Bot.objects.filter(pk__in=bot_ids).values(
            "pk", "name", "exchange", "strategy", "stake_currency", "dry_run"
        )
    ]
    orders = [
        OrderCount(
            bot_id=row["bot_id"],
            status=row["status"] or "unknown",
            side=row["ft_order_side"],
            count=row["n"],
        )
        for row in Order.objects.filter(bot_id__in=bot_ids)
        .values("bot_id", "status", "ft_order_side")
        .annotate(n=Count("id"))
        .order_by()  # no Meta.ordering columns in the GROUP BY
    ]
    return MetricFigures(bots=bots, trades=trade_totals(bot_ids=bot_ids), orders=orders)
