"""``/portfolio``: trade figures of several bots, grouped by stake currency and dry/live."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from bot_engine.models import Bot, Trade

_OPEN = Q(is_open=True)
_CLOSED = Q(is_open=False)


@dataclass(frozen=True)
class TradeTotals:
    """One bot's trades in one stake currency, as the database summed them."""

    bot_id: int
    stake_currency: str
    open_trade_count: int
    stake_in_open_trades: float
    closed_trade_count: int
    realized_profit_abs: float
    winning_trades: int
    losing_trades: int


@dataclass
class Figures:
    open_trade_count: int = 0
    stake_in_open_trades: float = 0.0
    closed_trade_count: int = 0
    realized_profit_abs: float = 0.0
    winning_trades: int = 0
    losing_trades: int = 0

    def add(self, other: TradeTotals | Figures) -> None:
        self.open_trade_count += other.open_trade_count
        self.stake_in_open_trades += other.stake_in_open_trades
        self.closed_trade_count += other.closed_trade_count
        self.realized_profit_abs += other.realized_profit_abs
        self.winning_trades += other.winning_trades
        self.losing_trades += other.losing_trades


@dataclass
class BotFigures(Figures):
    bot: str = ""
    stake_currency: str = ""
    dry_run: bool = True
    starting_balance: float | None = None  # dry-run wallet; None for live bots


@dataclass
class PortfolioGroup(Figures):
    stake_currency: str = ""
    dry_run: bool = True
    starting_balance: float | None = None  # sum over the group's dry-run bots
    per_bot: list[BotFigures] = field(default_factory=list)

    @property
    def bots(self) -> list[str]:
        return [row.bot for row in self.per_bot]


def trade_totals(*, bot_ids: list[int]) -> list[TradeTotals]:
    """Counts and sums per (bot, stake currency) in one GROUP BY query.

    Winning and losing split the closed trades by the sign of ``close_profit`` (a break-even
    trade wins), as ``/profit`` does.
    """
    if not bot_ids:
        return []
    rows = (
        Trade.objects.filter(bot_id__in=bot_ids)
        .values("bot_id", "stake_currency")
        .annotate(
            open_count=Count("id", filter=_OPEN),
            open_stake=Sum("stake_amount", filter=_OPEN),
            closed_count=Count("id", filter=_CLOSED),
            realized=Sum("close_profit_abs", filter=_CLOSED),
            winning=Count("id", filter=_CLOSED & Q(close_profit__gte=0)),
            losing=Count("id", filter=_CLOSED & Q(close_profit__lt=0)),
        )
        .order_by()  # no Meta.ordering columns in the GROUP BY
    )
    return [
        TradeTotals(
            bot_id=row["bot_id"],
            stake_currency=row["stake_currency"],
            open_trade_count=row["open_count"],
            stake_in_open_trades=row["open_stake"] or 0.0,
            closed_trade_count=row["closed_count"],
            realized_profit_abs=row["realized"] or 0.0,
            winning_trades=row["winning"],
            losing_trades=row["losing"],
        )
        for row in rows
    ]


def portfolio_summary(*, bot_ids: list[int]) -> list[PortfolioGroup]:
    """One group per (stake currency, dry_run), by currency and live first, with per-bot rows.

    A bot belongs to the group of its registry's stake currency; trades made in another stake
    currency (the config changed since) are counted in that currency's group, never added to
    amounts of a different currency. Starting balances are the dry-run wallets.
    """
    bots = {
        row["pk"]: row
        for row in Bot.objects.filter(pk__in=bot_ids).values(
            "pk", "name", "stake_currency", "dry_run", "starting_balance"
        )
    }
    rows: dict[tuple[int, str], BotFigures] = {}

    def bot_row(bot_id: int, currency: str) -> BotFigures:
        key = (bot_id, currency)
        if key not in rows:
            bot = bots[bot_id]
            home = currency == bot["stake_currency"]
            rows[key] = BotFigures(
                bot=bot["name"],
                stake_currency=currency,
                dry_run=bot["dry_run"],
                starting_balance=bot["starting_balance"] if bot["dry_run"] and home else None,
            )
        return rows[key]

    for bot_id, bot in bots.items():
        bot_row(bot_id, bot["stake_currency"])
    for totals in trade_totals(bot_ids=list(bots)):
        bot_row(totals.bot_id, totals.stake_currency or bots[totals.bot_id]["stake_currency"]).add(
            totals
        )

    groups: dict[tuple[str, bool], PortfolioGroup] = {}
    balances: dict[tuple[str, bool], list[float]] = defaultdict(list)
    for row in sorted(rows.values(), key=lambda r: r.bot):
        key = (row.stake_currency, row.dry_run)
        group = groups.setdefault(key, PortfolioGroup(stake_currency=key[0], dry_run=key[1]))
        group.per_bot.append(row)
        group.add(row)
        if row.starting_balance is not None:
            balances[key].append(row.starting_balance)
    for key, group in groups.items():
        if key[1] and balances[key]:
            group.starting_balance = sum(balances[key])
    return [groups[key] for key in sorted(groups)]
