"""``/profit``: the Profit object (contract §2.9, §3.4), vectorised over the bot's trades.

The closed trades come from the per-bot cache of ``closed_cache.closed_trades`` (a few index-only
aggregate queries when nothing changed), the open ones and their orders are read on every call,
and the wallet is rebuilt from both, so a poll over 100k closed trades stays in the tens of
milliseconds. Everything that depends on the wallet or on prices is recomputed each time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import numpy as np

from bot_engine import trade_stats
from bot_engine.config.model import BotConfig
from bot_engine.engine.wallet import loaded_stake_wallet
from bot_engine.models import Trade
from bot_engine.models.order import FINAL_STATUSES
from bot_engine.selectors.closed_cache import ClosedTrades, closed_trades
from bot_engine.selectors.columns import NAT
from bot_engine.selectors.frames import (
    DATETIME_PRINT_FORMAT,
    finite_or_none,
    format_us,
    us_to_datetime,
    us_to_ms,
)
from bot_engine.selectors.trades import open_trades
from bot_engine.trade_math import open_profit, starting_balance
from bot_engine.trade_stats import seq_sum, seq_sum_inserted


def profit_summary(
    *,
    bot_id: int,
    config: BotConfig,
    current_rates: Mapping[str, float | None],
    bot_start: datetime | None,
    now: datetime,
    direction: str | None = None,
) -> dict:
    """The Profit object: every key always present; NaN/inf written as None (null).

    ``current_rates`` maps pair -> current exit price for the open trades (missing -> NaN, which
    makes the all-trade sums null, as in Freqtrade). ``direction`` "long"/"short" filters
    the trades for ``/profit_all``. ``bot_start`` is the persisted bot start time; when unset,
    the earliest trade open date stands in for it (what Freqtrade would have stored), then
    ``now``.
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
    result = {
        **closed.memoized(
            "closed_block",
            lambda: _profit_block("closed", closed.ratio, closed.profit_abs, start_balance),
            version=start_balance,
        ),
        **_all_block(closed, _open_profits(trades_open, current_rates), start_balance),
        "trade_count": closed_count + len(trades_open),
        "closed_trade_count": closed_count,
        "first_trade_date": format_us(first_us),
        "first_trade_humanized": _humanized(first_us, now),
        "first_trade_timestamp": us_to_ms(first_us) if first_us is not None else 0,
        "latest_trade_date": format_us(last_us),
        "latest_trade_humanized": _humanized(last_us, now),
        "latest_trade_timestamp": us_to_ms(last_us) if last_us is not None else 0,
        "avg_duration": closed.memoized("avg_duration", lambda: _avg_duration(closed)),
        **_best_pair(closed.ranked("pair")),
        **closed.memoized("win_loss", lambda: _win_loss(closed)),
        **closed.memoized("expectancy", lambda: _expectancy(closed)),
        **_ratios(closed, start_balance, first_us, last_us, wallet.total_stake_amount, drawdown),
        **_drawdown_block(drawdown),
        "trading_volume": _trading_volume(closed, trades_open),
        **_bot_start(bot_start, all_closed, all_open, now),
    }
    return {key: _jsonable(value) for key, value in result.items()}


def naturaltime(delta: timedelta) -> str:
    """How long ago (or ahead) ``delta`` is, in humanize's words: "5 minutes ago", "9 years ago"."""
    past = delta >= timedelta(0)
    words = _naturaldelta(abs(delta))
    if words == "a moment":
        return "now"
    return f"{words} ago" if past else f"{words} from now"


def _humanized(us: int | None, now: datetime) -> str:
    return naturaltime(now - us_to_datetime(us)) if us is not None else ""


def _naturaldelta(delta: timedelta) -> str:
    seconds = delta.seconds
    days = delta.days
    years, days = divmod(days, 365)
    months = int(days // 30.5)
    if not years and days < 1:
        if seconds == 0:
            return "a moment"
        if seconds == 1:
            return "a second"
        if seconds < 60:
            return f"{seconds} seconds"
        if seconds < 120:
            return "a minute"
        if seconds < 3600:
            return f"{seconds // 60} minutes"
        if seconds < 7200:
            return "an hour"
        return f"{seconds // 3600} hours"
    if years == 0:
        if days == 1:
            return "a day"
        if not months:
            return f"{days} days"
        return "a month" if months == 1 else f"{months} months"
    if years == 1:
        if not months and not days:
            return "a year"
        if not months:
            return "1 year, a day" if days == 1 else f"1 year, {days} days"
        return "1 year, 1 month" if months == 1 else f"1 year, {months} months"
    return f"{years:,} years"


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


def _profit_block(name: str, ratios: np.ndarray, profits: np.ndarray, start_balance: float) -> dict:
    ratio_mean = float(np.mean(ratios)) if len(ratios) else 0.0
    return _profit_sums(name, seq_sum(profits), ratio_mean, seq_sum(ratios), start_balance)


def _all_block(
    closed: ClosedTrades,
    open_profits: tuple[np.ndarray, np.ndarray, np.ndarray],
    start_balance: float,
) -> dict:
    """``_profit_block("all", ...)`` over the closed and open trades in trade-id order. The
    open trades are inserted into the closed columns, and the left-to-right sums pick up the
    closed trades' running sums where the first open trade goes in (the same sums, exactly)."""
    open_ids, open_ratio, open_abs = open_profits
    by_id = np.argsort(open_ids, kind="stable")
    positions = np.searchsorted(closed.trade_ids, open_ids[by_id])
    open_ratio, open_abs = open_ratio[by_id], open_abs[by_id]
    ratios = np.insert(closed.ratio, positions, open_ratio)
    ratio_mean = float(np.mean(ratios)) if len(ratios) else 0.0
    return _profit_sums(
        "all",
        seq_sum_inserted(closed.profit_abs, closed.cumsum("profit_abs"), positions, open_abs),
        ratio_mean,
        seq_sum_inserted(closed.ratio, closed.cumsum("ratio"), positions, open_ratio),
        start_balance,
    )


def _profit_sums(
    name: str, profit_sum: float, ratio_mean: float, ratio_sum: float, start_balance: float
) -> dict:
    coin = round(profit_sum, 8)
    from_start = coin / start_balance if start_balance else 0.0
    return {
        f"profit_{name}_coin": coin,
        f"profit_{name}_percent_mean": round(ratio_mean * 100, 2),
        f"profit_{name}_ratio_mean": ratio_mean,
        f"profit_{name}_percent_sum": round(ratio_sum * 100, 2),
        f"profit_{name}_ratio_sum": ratio_sum,
        f"profit_{name}_ratio": from_start,
        f"profit_{name}_percent": round(from_start * 100, 2),
        f"profit_{name}_fiat": 0.0,  # no fiat converter
    }


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
    candidates += [(t.trade_id, _us(t.open_date)) for t in trades_open]
    if not candidates:
        return None, None
    return min(candidates)[1], max(candidates)[1]


def _avg_duration(closed: ClosedTrades) -> str:
    has_close = closed.close_us != NAT
    seconds = (closed.close_us[has_close] - closed.open_us[has_close]) / 1e6
    mean = seq_sum(seconds) / float(len(seconds) or 1)
    return str(timedelta(seconds=mean)).split(".")[0]


def _best_pair(ranked: list[tuple[str, float, float, int]]) -> dict:
    """The pair with the largest Σ profit_abs and its cost-weighted ratio (§3.4, §3.6)."""
    if not ranked:
        return {
            "best_pair": "",
            "best_rate": 0,
            "best_pair_profit_ratio": 0,
            "best_pair_profit_abs": 0,
        }
    pair, ratio, profit_abs, _count = ranked[0]
    return {
        "best_pair": pair,
        "best_rate": round(ratio * 100, 2),
        "best_pair_profit_ratio": ratio,
        "best_pair_profit_abs": profit_abs,
    }


def _win_loss(closed: ClosedTrades) -> dict:
    result = trade_stats.win_loss(closed.ratio, closed.profit_abs)
    return {
        "winning_trades": result.winning,
        "losing_trades": result.losing,
        "profit_factor": result.profit_factor,
        "winrate": result.winrate,
    }


def _df_profits(closed: ClosedTrades) -> np.ndarray:
    """profit_abs of the closed trades that have a close date (Freqtrade's trades_df)."""
    return closed.profit_abs[closed.close_us != NAT]


def _expectancy(closed: ClosedTrades) -> dict:
    expectancy, ratio = trade_stats.expectancy(_df_profits(closed))
    return {"expectancy": expectancy, "expectancy_ratio": ratio}


def _ratios(
    closed: ClosedTrades,
    start_balance: float,
    first_us: int | None,
    last_us: int | None,
    final: float,
    drawdown: trade_stats.Drawdown | None,
) -> dict:
    """sharpe, sortino, sqn, calmar and cagr (contract §3.4)."""
    moments = closed.memoized(
        "ratio_moments",
        lambda: trade_stats.ratio_moments(_df_profits(closed), start_balance),
        version=start_balance,
    )
    ratios = trade_stats.risk_ratios(
        moments,
        start_balance=start_balance,
        first_us=first_us,
        last_us=last_us,
        final_balance=final,
        max_drawdown=drawdown.max_relative if drawdown else 0.0,
    )
    return {
        "sharpe": ratios.sharpe,
        "sortino": ratios.sortino,
        "sqn": ratios.sqn,
        "calmar": ratios.calmar,
        "cagr": ratios.cagr,
    }


def _drawdown(closed: ClosedTrades, start_balance: float) -> trade_stats.Drawdown | None:
    """The drawdown of the closed trades that have a close date, in close-date order."""
    order = closed.by_close[closed.close_us[closed.by_close] != NAT]
    return trade_stats.drawdown(closed.profit_abs[order], closed.close_us[order], start_balance)


def _drawdown_block(dd: trade_stats.Drawdown | None) -> dict:
    if dd is None:
        return {
            "max_drawdown": 0.0,
            "max_drawdown_abs": 0.0,
            "max_drawdown_start": "",
            "max_drawdown_start_timestamp": 0,
            "max_drawdown_end": "",
            "max_drawdown_end_timestamp": 0,
            "current_drawdown": 0.0,
            "current_drawdown_abs": 0.0,
            "current_drawdown_high": 0.0,
            "current_drawdown_start": "",
            "current_drawdown_start_timestamp": 0,
        }
    return {
        "max_drawdown": dd.max_relative,
        "max_drawdown_abs": dd.max_abs,
        "max_drawdown_start": format_us(dd.high_us),
        "max_drawdown_start_timestamp": us_to_ms(dd.high_us),
        "max_drawdown_end": format_us(dd.low_us),
        "max_drawdown_end_timestamp": us_to_ms(dd.low_us),
        "current_drawdown": dd.current_relative,
        "current_drawdown_abs": dd.current_abs,
        "current_drawdown_high": dd.current_high,
        "current_drawdown_start": format_us(dd.current_high_us),
        "current_drawdown_start_timestamp": us_to_ms(dd.current_high_us),
    }


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
) -> dict:
    if bot_start is None:
        opens = []
        if len(closed.open_us):
            opens.append(closed.memoized("first_open", lambda: int(closed.open_us.min())))
        opens += [_us(t.open_date) for t in all_open]
        bot_start = us_to_datetime(min(opens)) if opens else now
    return {
        "bot_start_timestamp": int(bot_start.timestamp() * 1000),
        "bot_start_date": bot_start.astimezone(UTC).strftime(DATETIME_PRINT_FORMAT),
    }


def _us(value: datetime) -> int:
    delta = value - us_to_datetime(0)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _jsonable(value):
    if isinstance(value, float | np.floating):
        return finite_or_none(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value
