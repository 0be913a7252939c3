"""``/daily``, ``/weekly``, ``/monthly``: closed profit per calendar period (contract §3.5);
``api/serializers/stats.py`` writes it in Freqtrade's keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from bot_engine.config.model import BotConfig
from bot_engine.engine.wallet import stake_wallet
from bot_engine.selectors.closed_cache import ClosedTrades, closed_trades
from bot_engine.trade_stats import group_seq_sums

UNITS = ("days", "weeks", "months")


@dataclass(frozen=True, slots=True)
class PeriodProfit:
    """One calendar period (UTC): its closed profit and the balance it started from."""

    start: date
    abs_profit: float
    starting_balance: float
    rel_profit: float  # abs_profit / starting_balance, 8 places; 0 without a balance
    trade_count: int


@dataclass(frozen=True, slots=True)
class TimeUnitProfit:
    periods: list[PeriodProfit]  # newest first
    fiat_display_currency: str
    stake_currency: str


def time_unit_profit(
    *, bot_id: int, config: BotConfig, unit: str, timescale: int, now: datetime
) -> TimeUnitProfit:
    """``timescale`` periods (UTC), newest first, each with its closed profit and the balance
    it started from — computed backwards from the current total stake amount."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    if timescale < 1:
        raise ValueError("timescale must be an integer greater than 0")
    starts = period_starts(unit, timescale, now.astimezone(UTC).date())
    # Boundaries oldest -> newest, plus the end of the newest period.
    edges = [*reversed(starts), _shift(starts[0], unit, 1)]
    edges_us = np.array([_date_us(day) for day in edges], dtype=np.int64)

    closed = closed_trades(bot_id)
    sums, counts = closed.memoized(
        ("periods", len(edges_us)),
        lambda: _period_sums(closed, edges_us),
        version=tuple(edges_us.tolist()),
    )

    balance = stake_wallet(bot_id, config, closed_profit=closed.profit_sum).total_stake_amount
    periods = []
    for index, start in enumerate(starts):
        profit = float(sums[index])
        balance = balance - profit
        periods.append(
            PeriodProfit(
                start=start,
                abs_profit=profit,
                starting_balance=balance,
                rel_profit=round(profit / balance, 8) if balance > 0 else 0.0,
                trade_count=int(counts[index]),
            )
        )
    return TimeUnitProfit(
        periods=periods,
        fiat_display_currency=config.fiat_display_currency or "",
        stake_currency=config.stake_currency,
    )


def _period_sums(closed: ClosedTrades, edges_us: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Σ profit_abs and trade count per period between ``edges_us`` (oldest first), newest
    period first."""
    timescale = len(edges_us) - 1
    # Closed trades by close date (ties by id): the order of Freqtrade's per-period query.
    close_us = closed.close_us[closed.by_close]
    first, last = np.searchsorted(close_us, [edges_us[0], edges_us[-1]], side="left")
    in_range = closed.by_close[first:last]
    # Bucket 0 is the newest period, like the answer's order.
    buckets = timescale - np.searchsorted(edges_us, closed.close_us[in_range], side="right")
    sums = group_seq_sums(buckets, closed.profit_abs[in_range], timescale)
    return sums, np.bincount(buckets, minlength=timescale)


def period_starts(unit: str, timescale: int, today: date) -> list[date]:
    """First day of this period and of the ``timescale − 1`` before it, newest first."""
    if unit == "weeks":
        today = today - timedelta(days=today.weekday())  # Monday
    elif unit == "months":
        today = today.replace(day=1)
    return [_shift(today, unit, -step) for step in range(timescale)]


def _shift(day: date, unit: str, steps: int) -> date:
    if unit == "days":
        return day + timedelta(days=steps)
    if unit == "weeks":
        return day + timedelta(weeks=steps)
    months = day.year * 12 + day.month - 1 + steps
    return day.replace(year=months // 12, month=months % 12 + 1)


def _date_us(day: date) -> int:
    return (day - date(1970, 1, 1)).days * 86_400_000_000
