"""``/profit``: the numbers of the Profit object (contract §2.9, §3.4), vectorised over the
bot's trades; ``api/serializers/stats.py`` writes them in Freqtrade's keys and forms.

The closed trades come from the per-bot cache of ``closed_cache.closed_trades`` (a few index-only
aggregate queries when nothing changed), the open ones and their orders are read on every call,
and the wallet is rebuilt from both, so a poll over 100k closed trades stays in the tens of
milliseconds. Everything that depends on the wallet or on prices is recomputed each time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from bot_engine import trade_stats
from bot_engine.config.model import BotConfig
from bot_engine.engine.wallet import loaded_stake_wallet
from bot_engine.models import Trade
from bot_engine.models.order import FINAL_STATUSES
from bot_engine.selectors.closed_cache import ClosedTrades, closed_trades
from bot_engine.selectors.columns import NAT, datetime_to_us, us_to_datetime
from bot_engine.selectors.trades import open_trades
from bot_engine.trade_math import open_profit, starting_balance
from bot_engine.trade_stats import seq_sum, seq_sum_inserted


@dataclass(frozen=True, slots=True)
class ProfitSums:
    """Profit of one set of trades (the closed ones, or all): NaN when a price is missing."""

    profit_abs: float  # Σ profit_abs left to right, rounded to 8 places as Freqtrade does
    ratio_mean: float
    ratio_sum: float
    ratio: float  # profit_abs over the starting balance


@dataclass(frozen=True, slots=True)
class BestPair:
    """The pair with the largest Σ profit_abs and its cost-weighted profit ratio (§3.6)."""

    pair: str
    profit_ratio: float
    profit_abs: float


@dataclass(frozen=True, slots=True)
class ProfitSummary:
    """What ``/profit`` reports, before the wire's keys, roundings and date forms."""

    closed: ProfitSums
    all: ProfitSums
    trade_count: int
    closed_trade_count: int
    first_trade_date: datetime | None  # open date of the lowest-id trade, open ones included
    latest_trade_date: datetime | None  # open date of the highest-id trade
    now: datetime  # what the humanized dates are relative to
    avg_duration: timedelta  # mean duration of the closed trades that have a close date
    best_pair: BestPair | None
    win_loss: trade_stats.WinLoss
    expectancy: float
    expectancy_ratio: float
    ratios: trade_stats.RiskRatios
    drawdown: trade_stats.Drawdown | None  # None without a closed trade
    trading_volume: float
    bot_start: datetime


def profit_summary(
    *,
    bot_id: int,
    config: BotConfig,
    current_rates: Mapping[str, float | None],
    bot_start: datetime | None,
    now: datetime,
    direction: str | None = None,
) -> ProfitSummary:
    """The Profit object's numbers.

    ``current_rates`` maps pair -> current exit price for the open trades (missing -> NaN, which
    makes the all-trade sums NaN, null on the wire, as in Freqtrade). ``direction``
    "long"/"short" filters the trades for ``/profit_all``. ``bot_start`` is the persisted bot
    start time; when unset, the earliest trade open date stands in for it (what Freqtrade would
    have stored), then ``now``.
    """
    all_closed = closed_trades(bot_id)
    all_open = open_trades(bot_id=bot_id)
    wallet = loaded_stake_wallet(config, closed_profit=all_closed.profit_sum, open_trades=all_open)
    start_balance = starting_balance(config, wallet)
    closed = all_closed.only(direction=direction)

    trades_open = [t for t in all_open if _matches(t, direction)]
    first_us, last_us = _first_and_last_open(closed, trades_open)
    # What depends on the closed trades alone (and the starting balance) is computed once per
    # change of either and kept with the cached trades (``ClosedTrades.memoized``).
    drawdown = closed.memoized(
        "drawdown", lambda: _drawdown(closed, start_balance), version=start_balance
    )
    closed_count = len(closed.trade_ids)
    expectancy, expectancy_ratio = closed.memoized(
        "expectancy", lambda: trade_stats.expectancy(_df_profits(closed))
    )
    return ProfitSummary(
        closed=closed.memoized(
            "closed_sums",
            lambda: _closed_sums(closed.ratio, closed.profit_abs, start_balance),
            version=start_balance,
        ),
        all=_all_sums(closed, _open_profits(trades_open, current_rates), start_balance),
        trade_count=closed_count + len(trades_open),
        closed_trade_count=closed_count,
        first_trade_date=us_to_datetime(first_us) if first_us is not None else None,
        latest_trade_date=us_to_datetime(last_us) if last_us is not None else None,
        now=now,
        avg_duration=closed.memoized("avg_duration", lambda: _avg_duration(closed)),
        best_pair=_best_pair(closed.ranked("pair")),
        win_loss=closed.memoized(
            "win_loss", lambda: trade_stats.win_loss(closed.ratio, closed.profit_abs)
        ),
        expectancy=expectancy,
        expectancy_ratio=expectancy_ratio,
        ratios=_ratios(
            closed, start_balance, first_us, last_us, wallet.total_stake_amount, drawdown
        ),
        drawdown=drawdown,
        trading_volume=_trading_volume(closed, trades_open),
        bot_start=_bot_start(bot_start, all_closed, all_open, now),
    )


def _matches(trade: Trade, direction: str | None) -> bool:
    return direction not in ("long", "short") or trade.is_short == (direction == "short")


def _open_profits(
    trades: list[Trade], current_rates: Mapping[str, float | None]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(trade id, ratio, total profit abs) of open trades with a filled entry (§3.4)."""
    ids, ratios, profits = [], [], []
    for trade in trades:
        entry_side = "sell" if trade.is_short else "buy"
        orders = trade.orders.all()
        if not any(
            o.ft_order_side == entry_side
            and not o.ft_is_open
            and o.filled
            and o.status in FINAL_STATUSES
            for o in orders
        ):
            continue  # no filled entry yet: not part of the profit lists
        rate = current_rates.get(trade.pair)
        rate = trade.close_rate or (math.nan if rate is None else float(rate))
        if math.isnan(rate):
            ratio = profit_abs = math.nan
        else:
            profit_abs, ratio = open_profit(trade, rate)
            profit_abs += trade.realized_profit or 0.0
        ids.append(trade.trade_id)
        ratios.append(ratio)
        profits.append(profit_abs)
    return (
        np.array(ids, dtype=np.int64),
        np.array(ratios, dtype=np.float64),
        np.array(profits, dtype=np.float64),
    )


def _closed_sums(ratios: np.ndarray, profits: np.ndarray, start_balance: float) -> ProfitSums:
    ratio_mean = float(np.mean(ratios)) if len(ratios) else 0.0
    return _sums(seq_sum(profits), ratio_mean, seq_sum(ratios), start_balance)


def _all_sums(
    closed: ClosedTrades,
    open_profits: tuple[np.ndarray, np.ndarray, np.ndarray],
    start_balance: float,
) -> ProfitSums:
    """``_closed_sums`` over the closed and open trades in trade-id order. The open trades are
    inserted into the closed columns, and the left-to-right sums pick up the closed trades'
    running sums where the first open trade goes in (the same sums, exactly)."""
    open_ids, open_ratio, open_abs = open_profits
    by_id = np.argsort(open_ids, kind="stable")
    positions = np.searchsorted(closed.trade_ids, open_ids[by_id])
    open_ratio, open_abs = open_ratio[by_id], open_abs[by_id]
    ratios = np.insert(closed.ratio, positions, open_ratio)
    ratio_mean = float(np.mean(ratios)) if len(ratios) else 0.0
    return _sums(
        seq_sum_inserted(closed.profit_abs, closed.cumsum("profit_abs"), positions, open_abs),
        ratio_mean,
        seq_sum_inserted(closed.ratio, closed.cumsum("ratio"), positions, open_ratio),
        start_balance,
    )


def _sums(
    profit_sum: float, ratio_mean: float, ratio_sum: float, start_balance: float
) -> ProfitSums:
    coin = round(profit_sum, 8)
    return ProfitSums(
        profit_abs=coin,
        ratio_mean=ratio_mean,
        ratio_sum=ratio_sum,
        ratio=coin / start_balance if start_balance else 0.0,
    )


def _first_and_last_open(
    closed: ClosedTrades, trades_open: list[Trade]
) -> tuple[int | None, int | None]:
    """Open dates (µs) of the lowest- and highest-id trade, open ones included."""
    candidates = []
    if len(closed.trade_ids):
        candidates += [
            (int(closed.trade_ids[0]), int(closed.open_us[0])),
            (int(closed.trade_ids[-1]), int(closed.open_us[-1])),
        ]
    candidates += [(t.trade_id, datetime_to_us(t.open_date)) for t in trades_open]
    if not candidates:
        return None, None
    return min(candidates)[1], max(candidates)[1]


def _avg_duration(closed: ClosedTrades) -> timedelta:
    has_close = closed.close_us != NAT
    seconds = (closed.close_us[has_close] - closed.open_us[has_close]) / 1e6
    return timedelta(seconds=seq_sum(seconds) / float(len(seconds) or 1))


def _best_pair(ranked: list[tuple[str, float, float, int]]) -> BestPair | None:
    """The first of the pairs ranked by Σ profit_abs (§3.4, §3.6)."""
    if not ranked:
        return None
    pair, ratio, profit_abs, _count = ranked[0]
    return BestPair(pair=pair, profit_ratio=ratio, profit_abs=profit_abs)


def _df_profits(closed: ClosedTrades) -> np.ndarray:
    """profit_abs of the closed trades that have a close date (Freqtrade's trades_df)."""
    return closed.profit_abs[closed.close_us != NAT]


def _ratios(
    closed: ClosedTrades,
    start_balance: float,
    first_us: int | None,
    last_us: int | None,
    final: float,
    drawdown: trade_stats.Drawdown | None,
) -> trade_stats.RiskRatios:
    """sharpe, sortino, sqn, calmar and cagr (contract §3.4)."""
    moments = closed.memoized(
        "ratio_moments",
        lambda: trade_stats.ratio_moments(_df_profits(closed), start_balance),
        version=start_balance,
    )
    return trade_stats.risk_ratios(
        moments,
        start_balance=start_balance,
        first_us=first_us,
        last_us=last_us,
        final_balance=final,
        max_drawdown=drawdown.max_relative if drawdown else 0.0,
    )


def _drawdown(closed: ClosedTrades, start_balance: float) -> trade_stats.Drawdown | None:
    """The drawdown of the closed trades that have a close date, in close-date order."""
    order = closed.by_close[closed.close_us[closed.by_close] != NAT]
    return trade_stats.drawdown(closed.profit_abs[order], closed.close_us[order], start_balance)


def _trading_volume(closed: ClosedTrades, trades_open: list[Trade]) -> float:
    """Σ cost of closed, filled orders in order-id order (SQLite SUM's order), open trades'
    orders merged in."""
    extra = sorted(
        (o.pk, o.cost)
        for trade in trades_open
        for o in trade.orders.all()
        if o.status == "closed" and o.order_filled_date is not None and o.cost is not None
    )
    pks = np.array([pk for pk, _ in extra], dtype=np.int64)
    return seq_sum_inserted(
        closed.volume_costs,
        closed.cumsum("volume_costs"),
        np.searchsorted(closed.volume_order_pks, pks),
        np.array([cost for _, cost in extra], dtype=np.float64),
    )


def _bot_start(
    bot_start: datetime | None, closed: ClosedTrades, all_open: list[Trade], now: datetime
) -> datetime:
    if bot_start is None:
        opens = []
        if len(closed.open_us):
            opens.append(closed.memoized("first_open", lambda: int(closed.open_us.min())))
        opens += [datetime_to_us(t.open_date) for t in all_open]
        return us_to_datetime(min(opens)) if opens else now
    return bot_start
