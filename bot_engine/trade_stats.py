"""Statistics over a set of trades, with Freqtrade's float rules: sums, ranking, drawdown, ratios.

Summation order is part of the contract: Freqtrade's answers were produced by Python ``sum()`` and
SQLite ``SUM`` (both plain left-to-right), numpy/pandas ``.sum()``/``.mean()`` (pairwise) and
bottleneck's ``nanstd`` (two left-to-right passes). Matching its bodies to the last digit means
using the same kind of sum in the same place, so the sums below name which one they are. The
per-trade formulas are in ``trade_math``; this module works on columns of many trades (numpy
arrays, datetimes as int64 µs since the epoch) and knows nothing of the database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

SQRT_365 = math.sqrt(365)


def seq_sum(values: np.ndarray | Sequence[float]) -> float:
    """Left-to-right float sum: Python 3.11 ``sum()`` and SQLite ``SUM`` (not pairwise)."""
    array = np.asarray(values, dtype=np.float64)
    return float(np.cumsum(array)[-1]) if len(array) else 0.0


def seq_sum_inserted(
    values: np.ndarray, running: np.ndarray, positions: np.ndarray, extra: np.ndarray
) -> float:
    """``seq_sum(np.insert(values, positions, extra))`` (``positions`` ascending) without
    re-adding the untouched prefix: ``running`` is ``np.cumsum(values)``, and a left-to-right
    sum continued from its value before the first insertion is the very same sum."""
    if not len(extra):
        return float(running[-1]) if len(running) else 0.0
    first = int(positions[0])
    tail = np.insert(np.asarray(values[first:], dtype=np.float64), positions - first, extra)
    if first == 0:
        return seq_sum(tail)
    return float(np.cumsum(np.concatenate([running[first - 1 : first], tail]))[-1])


def pairwise_sum(values: np.ndarray) -> float:
    """numpy/pandas ``.sum()`` (pairwise summation) over a contiguous copy."""
    return float(np.sum(np.ascontiguousarray(values, dtype=np.float64)))


def bn_std(values: np.ndarray, ddof: int = 0) -> float:
    """Standard deviation the way bottleneck (behind pandas ``.std()``) computes it."""
    array = np.asarray(values, dtype=np.float64)
    count = len(array)
    if count <= ddof:
        return math.nan
    mean = seq_sum(array) / count
    deviation = array - mean
    return math.sqrt(seq_sum(deviation * deviation) / (count - ddof))


def small_ints(codes: np.ndarray) -> np.ndarray:
    """``codes`` as uint16 when they fit: a stable sort of those is a radix sort, four times
    faster than sorting int64 over a million rows, and puts the rows in the same order."""
    if len(codes) and codes.min() >= 0 and codes.max() <= np.iinfo(np.uint16).max:
        return codes.astype(np.uint16)
    return codes


def group_seq_sums(codes: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Per-group left-to-right sums of ``values`` (row order kept inside each group).

    pandas' groupby sum compensates rounding (Kahan); SQLite's grouped ``SUM`` does not.
    """
    out = np.zeros(groups, dtype=np.float64)
    if len(values) == 0:
        return out
    order = np.argsort(small_ints(codes), kind="stable")
    sorted_codes = codes[order]
    sorted_values = np.asarray(values, dtype=np.float64)[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    ends = np.r_[starts[1:], len(sorted_codes)]
    for start, end in zip(starts, ends, strict=True):
        out[sorted_codes[start]] = np.cumsum(sorted_values[start:end])[-1]
    return out


def rank_groups(
    labels: np.ndarray,
    codes: np.ndarray,
    profit_abs: np.ndarray,
    cost_rows: np.ndarray,
    costs: np.ndarray,
) -> list[tuple[str, float, float, int]]:
    """(key, Σ profit_abs / Σ entry stake, Σ profit_abs, count), best Σ profit_abs first.

    ``codes``/``profit_abs`` are per trade (id order), ``codes`` indexing ``labels``; ``costs``
    per filled entry order with ``cost_rows`` its trade's row. Groups without any filled entry
    order are left out (an inner join in Freqtrade). Sums run left to right, as SQLite's
    grouped SUM does (contract §3.6).
    """
    if not len(codes):
        return []
    profits = group_seq_sums(codes, profit_abs, len(labels))
    counts = np.bincount(codes, minlength=len(labels))
    cost_codes = codes[cost_rows]
    stakes = group_seq_sums(cost_codes, costs, len(labels))
    has_cost = np.bincount(cost_codes, minlength=len(labels)) > 0
    rows = [
        (str(labels[i]), float(profits[i] / stakes[i]), float(profits[i]), int(counts[i]))
        for i in range(len(labels))
        if has_cost[i] and counts[i]
    ]
    rows.sort(key=lambda row: row[2], reverse=True)
    return rows


@dataclass(frozen=True)
class WinLoss:
    """Winning = close_profit ≥ 0 (the ratio, not the absolute profit), as Freqtrade counts."""

    winning: int
    losing: int
    profit_factor: float  # Σ won / |Σ lost|, ∞ without losses
    winrate: float


def win_loss(ratio: np.ndarray, profit_abs: np.ndarray) -> WinLoss:
    """Wins, losses, profit factor and win rate of closed trades (contract §3.4)."""
    winning = ratio >= 0
    won = seq_sum(profit_abs[winning])
    lost = seq_sum(profit_abs[~winning])
    count = len(ratio)
    return WinLoss(
        winning=int(winning.sum()),
        losing=int(count - winning.sum()),
        profit_factor=won / abs(lost) if lost else math.inf,
        winrate=int(winning.sum()) / count if count else 0,
    )


def expectancy(profits: np.ndarray) -> tuple[float, float]:
    """(expectancy, expectancy ratio) of the closed trades' profits (pairwise means, as pandas)."""
    value, ratio = 0.0, 100.0
    if len(profits):
        wins = profits[profits > 0]
        losses = profits[profits < 0]
        average_win = pairwise_sum(wins) / len(wins) if len(wins) else 0
        average_loss = abs(pairwise_sum(losses)) / len(losses) if len(losses) else 0
        winrate = len(wins) / len(profits)
        loserate = len(losses) / len(profits)
        value = winrate * average_win - loserate * average_loss
        if average_loss > 0:
            ratio = (1 + average_win / average_loss) * winrate - 1
    return value, ratio


@dataclass(frozen=True)
class Drawdown:
    """Max and current drawdown of closed trades in close-date order (datetimes in µs)."""

    max_abs: float
    max_relative: float
    high_us: int  # close date of the trade at the peak before the deepest fall
    low_us: int  # close date of the trade at the bottom of it
    current_relative: float
    current_abs: float
    current_high: float
    current_high_us: int


def drawdown(profit_abs: np.ndarray, close_us: np.ndarray, start_balance: float) -> Drawdown | None:
    """Max and current drawdown (contract §3.4) of profits already in close-date order.

    A zero point is put before the first trade, as Freqtrade does, so that a series without
    any loss reports a zero drawdown dated at the first close.
    """
    if not len(profit_abs):
        return None
    cumulative = np.concatenate([[0.0], np.cumsum(profit_abs)])
    high = np.concatenate([[0.0], np.maximum(0.0, np.maximum.accumulate(cumulative[1:]))])
    fall = cumulative - high
    with np.errstate(divide="ignore", invalid="ignore"):
        if start_balance:
            peak_balance = start_balance + high
            relative = (peak_balance - (start_balance + cumulative)) / peak_balance
        else:
            relative = (high - cumulative) / high
    relative[0] = 0.0
    low_idx = int(np.argmin(fall))
    high_idx = int(np.argmax(high[: low_idx + 1]))
    current_high_idx = int(np.argmax(high[:-1]))
    return Drawdown(
        max_abs=abs(float(fall[low_idx])),
        max_relative=float(relative[low_idx]),
        high_us=int(close_us[max(high_idx - 1, 0)]),
        low_us=int(close_us[max(low_idx - 1, 0)]),
        current_relative=float(relative[-1]),
        current_abs=float(high[-1] - cumulative[-1]),
        current_high=float(high[-1]),
        current_high_us=int(close_us[max(current_high_idx - 1, 0)]),
    )


@dataclass(frozen=True)
class Moments:
    """The sums and spreads behind sharpe, sortino, calmar and sqn."""

    count: int
    scaled_sum: float  # Σ profit / starting balance
    scaled_mean: float
    std: float
    downside_std: float
    sample_std: float
    profit_sum: float


def ratio_moments(profits: np.ndarray, start_balance: float) -> Moments | None:
    """``Moments`` of the closed trades' profits (None without trades)."""
    if not len(profits):
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = profits / start_balance
        return Moments(
            count=len(profits),
            scaled_sum=pairwise_sum(scaled),
            scaled_mean=float(np.mean(scaled)),
            std=bn_std(scaled),
            downside_std=bn_std(scaled[profits < 0]),
            sample_std=bn_std(scaled, ddof=1),
            profit_sum=pairwise_sum(profits),
        )


@dataclass(frozen=True)
class RiskRatios:
    sharpe: float
    sortino: float
    sqn: float
    calmar: float
    cagr: float


def risk_ratios(
    moments: Moments | None,
    *,
    start_balance: float,
    first_us: int | None,
    last_us: int | None,
    final_balance: float,
    max_drawdown: float,
) -> RiskRatios:
    """sharpe, sortino, sqn, calmar and cagr (contract §3.4), per day between the first and
    the last trade's open date; -100 is Freqtrade's "not optimal" marker."""
    days = 1
    if first_us is not None and last_us is not None:
        days = max(1, timedelta(microseconds=int(last_us) - int(first_us)).days)
    sharpe = sortino = calmar = 0.0
    sqn = 0.0
    if moments is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            if first_us != last_us:
                mean_per_day = moments.scaled_sum / days
                sharpe = _or_minus_100(mean_per_day, moments.std)
                sortino = _or_minus_100(mean_per_day, moments.downside_std)
                total = moments.profit_sum / start_balance / days * 100
                calmar = _or_minus_100(total, max_drawdown)
            std = moments.sample_std
            if std != 0 and not math.isnan(std):
                sqn = round(math.sqrt(moments.count) * (moments.scaled_mean / std), 4)
            else:
                sqn = -100.0
    if final_balance < 0 or start_balance <= 0:
        cagr = 0.0
    else:
        cagr = (final_balance / start_balance) ** (1 / (days / 365)) - 1
    return RiskRatios(sharpe=sharpe, sortino=sortino, sqn=sqn, calmar=calmar, cagr=cagr)


def _or_minus_100(numerator: float, denominator: float) -> float:
    """Freqtrade's "not optimal" marker when the spread is zero or undefined."""
    if denominator == 0 or math.isnan(denominator):
        return -100.0
    return numerator / denominator * SQRT_365
