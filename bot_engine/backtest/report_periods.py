"""Calendar views of a backtest (per day, week, month, year, weekday) and holding times."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

# Freqtrade's periods: weeks end on Monday and are labelled with it, months and years by
# their last day.
PERIODS = {"day": "1D", "week": "1W-MON", "month": "1ME", "year": "1YE"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def periodic_breakdown(trades: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Profit, wins/draws/losses and profit factor per calendar period of the close date."""
    breakdown = {
        name: [
            _period_row(group, stamp.strftime("%d/%m/%Y"), int(stamp.timestamp() * 1000))
            for stamp, group in trades.resample(rule, on="close_date")
        ]
        if len(trades)
        else []
        for name, rule in PERIODS.items()
    }
    weekday = trades["close_date"].dt.day_of_week
    breakdown["weekday"] = (
        [_period_row(trades[weekday == day], WEEKDAYS[day], day) for day in range(7)]
        if len(trades)
        else []
    )
    return breakdown


def _period_row(group: pd.DataFrame, label: str, stamp: int) -> dict[str, Any]:
    profit = group["profit_abs"]
    wins, draws, losses = int((profit > 0).sum()), int((profit == 0).sum()), int((profit < 0).sum())
    lost = profit[profit < 0].sum()
    factor = profit[profit > 0].sum() / abs(lost) if lost else 0.0
    return {
        "date": label,
        "date_ts": stamp,
        "profit_abs": round(float(profit.sum()), 10),
        "wins": wins,
        "draws": draws,
        "losses": losses,
        "trades": wins + draws + losses,
        "profit_factor": round(float(factor), 8),
    }


def daily_stats(trades: pd.DataFrame) -> dict[str, Any]:
    """Best and worst day (Σ ratio and Σ profit), winning/draw/losing days, the daily list."""
    if trades.empty:
        return {
            "backtest_best_day": 0,
            "backtest_worst_day": 0,
            "backtest_best_day_abs": 0,
            "backtest_worst_day_abs": 0,
            "winning_days": 0,
            "draw_days": 0,
            "losing_days": 0,
            "daily_profit": [],
        }
    days = trades.resample("1D", on="close_date")
    relative = days["profit_ratio"].sum()
    absolute = days["profit_abs"].sum().round(10)
    return {
        "backtest_best_day": float(relative.max()),
        "backtest_worst_day": float(relative.min()),
        "backtest_best_day_abs": float(absolute.max()),
        "backtest_worst_day_abs": float(absolute.min()),
        "winning_days": int((absolute > 0).sum()),
        "draw_days": int((absolute == 0).sum()),
        "losing_days": int((absolute < 0).sum()),
        "daily_profit": [[str(day.date()), float(value)] for day, value in absolute.items()],
    }


def trading_stats(trades: pd.DataFrame) -> dict[str, Any]:
    """Wins/losses by profit ratio, holding times of winners and losers, longest streaks."""
    ratio = trades["profit_ratio"]
    minutes = trades["trade_duration"]
    winners, losers = minutes[ratio > 0], minutes[ratio < 0]
    count = len(trades)
    holding = _mean_duration(minutes)
    stats: dict[str, Any] = {
        "wins": int((ratio > 0).sum()),
        "losses": int((ratio < 0).sum()),
        "draws": int((ratio == 0).sum()),
        "winrate": int((ratio > 0).sum()) / count if count else 0.0,
        "holding_avg": holding,
        "holding_avg_s": holding.total_seconds(),
    }
    for name, group in (("winner", winners), ("loser", losers)):
        for measure, value in (
            ("min", _minutes(group.min() if len(group) else 0)),
            ("max", _minutes(group.max() if len(group) else 0)),
            ("avg", _mean_duration(group)),
        ):
            stats[f"{name}_holding_{measure}"] = day_clock(value)
            stats[f"{name}_holding_{measure}_s"] = value.total_seconds()
    stats["max_consecutive_wins"], stats["max_consecutive_losses"] = streaks(ratio.to_numpy())
    return stats


def streaks(ratio: np.ndarray) -> tuple[int, int]:
    """Longest runs of winning (ratio > 0) and of other trades, in the trades' order."""
    if not len(ratio):
        return 0, 0
    won = ratio > 0
    breaks = np.flatnonzero(np.r_[True, won[1:] != won[:-1], True])
    lengths = np.diff(breaks)
    kinds = won[breaks[:-1]]
    wins = int(lengths[kinds].max()) if kinds.any() else 0
    losses = int(lengths[~kinds].max()) if (~kinds).any() else 0
    return wins, losses


def day_clock(value: timedelta) -> str:
    """``1d 16:05``: days, then hours and minutes."""
    hours, rest = divmod(value.seconds, 3600)
    return f"{value.days}d {hours:02d}:{rest // 60:02d}"


def _mean_duration(minutes: pd.Series) -> timedelta:
    return timedelta(minutes=round(minutes.mean())) if len(minutes) else timedelta()


def _minutes(value: float) -> timedelta:
    return timedelta(minutes=float(value))
