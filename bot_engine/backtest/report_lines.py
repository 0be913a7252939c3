"""One row of Freqtrade's backtest tables (per pair, per tag, per exit reason) and its ratios.

Freqtrade's backtest metrics differ from its /profit ones (``trade_stats``): they are measured
over the backtested period (not between the first and the last trade), a draw is a zero
``profit_abs``, and each row carries its own drawdown. The drawdown and expectancy rules are
the same, so those come from ``trade_stats``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from bot_engine.trade_stats import SQRT_365, expectancy

NOT_OPTIMAL = -100.0  # Freqtrade's marker for a ratio whose spread is zero or undefined


@dataclass(frozen=True)
class Period:
    """The backtested range and the balance the ratios are relative to."""

    start: datetime
    end: datetime
    start_balance: float

    @property
    def days(self) -> int:
        """Whole days of the range, at least 1 (the ratios' denominator)."""
        return max(1, (self.end - self.start).days)


@dataclass(frozen=True)
class DrawdownResult:
    """The deepest fall of the cumulative profit (trades in close-date order)."""

    abs: float
    relative: float
    high_date: pd.Timestamp
    low_date: pd.Timestamp
    high_value: float
    low_value: float


def max_drawdown(
    trades: pd.DataFrame, start_balance: float, *, relative: bool = False
) -> DrawdownResult | None:
    """Max drawdown of ``profit_abs`` by close date; the starting balance counts as a peak, so a
    first losing trade is a drawdown. ``relative`` picks the deepest fall in % of the peak."""
    if trades.empty:
        return None
    # numpy's default (unstable) sort, as Freqtrade's: trades closing on the same candle
    # then fall in its order, which decides where a drawdown's low point lies.
    ordered = trades.sort_values("close_date")
    cumulative = ordered["profit_abs"].to_numpy().cumsum()
    high = np.maximum(0.0, np.maximum.accumulate(cumulative))
    fall = cumulative - high
    peak_balance = start_balance + high
    fall_relative = (peak_balance - (start_balance + cumulative)) / peak_balance
    low_idx = int(np.argmax(fall_relative)) if relative else int(np.argmin(fall))
    high_idx = int(np.argmax(high[: low_idx + 1]))
    dates = ordered["close_date"]
    return DrawdownResult(
        abs=abs(float(fall[low_idx])),
        relative=float(fall_relative[low_idx]),
        high_date=dates.iloc[high_idx],
        low_date=dates.iloc[low_idx],
        high_value=float(high[high_idx]),
        low_value=float(cumulative[low_idx]),
    )


def cagr(days: int, start_balance: float, final_balance: float) -> float:
    """Compound annual growth over ``days`` (0 when the balance went negative)."""
    if final_balance < 0 or start_balance <= 0:
        return 0.0
    return (final_balance / start_balance) ** (1 / (days / 365)) - 1


def sharpe(profit_abs: pd.Series, period: Period) -> float:
    """Daily mean return over the whole spread of per-trade returns, annualised."""
    if profit_abs.empty or period.start == period.end:
        return 0
    returns = profit_abs / period.start_balance
    return _annualised(returns.sum() / period.days, returns.std(ddof=0))


def sortino(profit_abs: pd.Series, period: Period) -> float:
    """Like ``sharpe`` with the spread of the losing trades' returns only."""
    if profit_abs.empty or period.start == period.end:
        return 0
    returns = profit_abs / period.start_balance
    downside = returns[profit_abs < 0].std(ddof=0)
    return _annualised(returns.sum() / period.days, downside)


def calmar(profit_abs: pd.Series, period: Period, drawdown: DrawdownResult | None) -> float:
    """Daily mean return in % over the max relative drawdown, annualised."""
    if profit_abs.empty or period.start == period.end:
        return 0.0
    per_day = profit_abs.sum() / period.start_balance / period.days * 100
    return _annualised(per_day, drawdown.relative if drawdown else 0.0)


def sqn(profit_abs: pd.Series, start_balance: float) -> float:
    """System quality number: √n × mean / sample spread of the returns, 4 decimals."""
    if profit_abs.empty:
        return 0.0
    returns = profit_abs / start_balance
    spread = returns.std()
    if spread == 0 or math.isnan(spread):
        return NOT_OPTIMAL
    return round(math.sqrt(len(returns)) * (returns.mean() / spread), 4)


def p_value(profit_abs: pd.Series) -> float:
    """Two-sided one-sample t-test of a zero mean profit (1.0 when it cannot be computed)."""
    if len(profit_abs) < 2:
        return 1.0
    with np.errstate(all="ignore"):
        value = float(stats.ttest_1samp(profit_abs.to_numpy(), 0.0).pvalue)
    return 1.0 if math.isnan(value) else value


def profit_factor(profit_abs: pd.Series) -> float:
    """Σ gains / |Σ losses| (0 without losses, as Freqtrade's backtest rows say)."""
    won = profit_abs[profit_abs > 0].sum()
    lost = profit_abs[profit_abs < 0].sum()
    return won / abs(lost) if lost else 0.0


def result_line(trades: pd.DataFrame, key: Any, period: Period) -> dict[str, Any]:
    """One table row: counts, profit, duration, win/draw/loss and the risk ratios."""
    profit_abs = trades["profit_abs"]
    count = len(trades)
    total_abs = profit_abs.sum()
    total = total_abs / period.start_balance
    mean = trades["profit_ratio"].mean() if count else 0.0
    wins = int((profit_abs > 0).sum())
    drawdown = max_drawdown(trades, period.start_balance)
    exp, exp_ratio = expectancy(profit_abs.to_numpy())
    backtest_days = (period.end - period.start).days or 1
    return {
        "key": key,
        "trades": count,
        "profit_mean": mean,
        "profit_mean_pct": round(mean * 100.0, 2) if count else 0.0,
        "profit_total_abs": total_abs,
        "profit_total": total,
        "profit_total_pct": round(total * 100.0, 2),
        "duration_avg": duration_text(trades["trade_duration"]),
        "wins": wins,
        "draws": int((profit_abs == 0).sum()),
        "losses": int((profit_abs < 0).sum()),
        "winrate": wins / count if count else 0.0,
        "cagr": cagr(backtest_days, period.start_balance, period.start_balance + total_abs),
        "expectancy": exp,
        "expectancy_ratio": exp_ratio,
        "sortino": sortino(profit_abs, period),
        "sharpe": sharpe(profit_abs, period),
        "calmar": calmar(profit_abs, period, drawdown),
        "sqn": sqn(profit_abs, period.start_balance),
        "p_value": p_value(profit_abs),
        "profit_factor": profit_factor(profit_abs),
        "max_drawdown_account": drawdown.relative if drawdown else 0.0,
        "max_drawdown_abs": drawdown.abs if drawdown else 0.0,
    }


def pair_rows(
    trades: pd.DataFrame, pairlist: list[str], period: Period, *, skip_empty: bool = False
) -> list[dict[str, Any]]:
    """A row per pair of the pairlist, best total profit first, then TOTAL."""
    rows = []
    for pair in pairlist:
        group = trades[trades["pair"] == pair]
        if skip_empty and group.empty:
            continue
        rows.append(result_line(group, pair, period))
    rows.sort(key=by_profit, reverse=True)
    rows.append(result_line(trades, "TOTAL", period))
    return rows


def tag_rows(trades: pd.DataFrame, by: str | list[str], period: Period) -> list[dict[str, Any]]:
    """A row per tag (or [enter tag, exit reason] pair), best total profit first, then TOTAL."""
    rows = []
    if len(trades):
        for key, group in trades.groupby(by, sort=True):
            rows.append(result_line(group, list(key) if isinstance(by, list) else key, period))
    rows.sort(key=by_profit, reverse=True)
    rows.append(result_line(trades, "TOTAL", period))
    return rows


def by_profit(row: dict[str, Any]) -> float:
    """Rows sort by total profit (Python's stable sort: ties keep their order)."""
    return row["profit_total_abs"]


def duration_text(minutes: pd.Series) -> str:
    """Mean duration as ``H:MM:SS`` (``1 day, 2:05:00`` past a day), whole minutes."""
    if minutes.empty:
        return "0:00"
    return str(timedelta(minutes=round(minutes.mean())))


def _annualised(per_day: float, spread: float) -> float:
    if spread == 0 or math.isnan(spread):
        return NOT_OPTIMAL
    return per_day / spread * SQRT_365
