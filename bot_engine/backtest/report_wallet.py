"""The per-candle series of a backtest: the wallet's value and the market's mean move.

Freqtrade records the wallet at each step of its loop (every candle after the start, up to and
including the end) before that candle's exits: closed profit plus each open position valued at
the candle's open, fees left out. Both series are rebuilt here from the trades and the candles,
vectorised, so the simulator need not carry them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from bot_engine.backtest.report_lines import NOT_OPTIMAL
from bot_engine.trade_stats import SQRT_365

DATETIME_PRINT = "%Y-%m-%d %H:%M:%S"


def filled_candles(candles: pd.DataFrame, timeframe: timedelta) -> pd.DataFrame:
    """Candles on a gapless grid; a missing candle is the previous close with no volume, as
    Freqtrade fills them on load."""
    frame = candles.set_index("date").sort_index()
    grid = pd.date_range(frame.index[0], frame.index[-1], freq=timeframe)
    frame = frame.reindex(grid)
    close = frame["close"].ffill()
    for column in ("open", "high", "low"):
        frame[column] = frame[column].fillna(close)
    frame["close"] = close
    frame["volume"] = frame["volume"].fillna(0.0)
    frame.index.name = "date"
    return frame


def wallet_series(
    trades: pd.DataFrame,
    trade_dicts: list[dict[str, Any]],
    candles: dict[str, pd.DataFrame],
    *,
    start: datetime,
    end: datetime,
    timeframe: timedelta,
    start_balance: float,
    still_open: list[dict[str, Any]] = (),
) -> pd.DataFrame:
    """``date, __date_ts, total_quote`` at every step of the backtest loop; ``still_open``
    trades are held to the end."""
    dates = pd.date_range(pd.Timestamp(start) + timeframe, pd.Timestamp(end), freq=timeframe)
    steps = dates.as_unit("ns").asi8
    total = np.full(len(dates), float(start_balance))
    if still_open:
        never = np.full(len(still_open), np.iinfo(np.int64).max)
        total += _open_positions(list(still_open), never, candles, dates, steps)
    if len(trades):
        closes = pd.DatetimeIndex(trades["close_date"]).as_unit("ns").asi8
        # Closed profit counts from the first step after the trade's close date.
        after = np.searchsorted(steps, closes, side="right")
        realised = np.zeros(len(steps) + 1)
        np.add.at(realised, after, trades["profit_abs"].to_numpy())
        total += np.cumsum(realised)[:-1]
        total += _open_positions(trade_dicts, closes, candles, dates, steps)
    return pd.DataFrame(
        {"date": dates, "__date_ts": steps // 1_000_000, "total_quote": total}
    ).reset_index(drop=True)


def _open_positions(
    trade_dicts: list[dict[str, Any]],
    closes: np.ndarray,
    candles: dict[str, pd.DataFrame],
    dates: pd.DatetimeIndex,
    steps: np.ndarray,
) -> np.ndarray:
    """Σ amount × (step open − entry price) of every entry filled and not yet closed."""
    by_pair: dict[str, list[tuple[int, int, float, float]]] = {}
    for trade, close_ns in zip(trade_dicts, closes, strict=True):
        for filled_ms, amount, price in _entries(trade):
            first = int(np.searchsorted(steps, filled_ms * 1_000_000, side="left"))
            last = int(np.searchsorted(steps, close_ns, side="right"))
            by_pair.setdefault(trade["pair"], []).append((first, last, amount, price))
    value = np.zeros(len(steps))
    for pair, spans in by_pair.items():
        opens = candles[pair]["open"].reindex(dates).to_numpy()
        held = np.zeros(len(steps) + 1)
        cost = np.zeros(len(steps) + 1)
        span = np.array(spans)
        first, last = span[:, 0].astype(int), span[:, 1].astype(int)
        np.add.at(held, first, span[:, 2])
        np.add.at(held, last, -span[:, 2])
        np.add.at(cost, first, span[:, 2] * span[:, 3])
        np.add.at(cost, last, -span[:, 2] * span[:, 3])
        amount = np.cumsum(held)[:-1]
        paid = np.cumsum(cost)[:-1]
        holding = amount != 0
        value[holding] += amount[holding] * opens[holding] - paid[holding]
    return value


def _entries(trade: dict[str, Any]) -> list[tuple[int, float, float]]:
    """(filled at ms, amount, price) of a trade's entry orders (the trade itself if none)."""
    orders = [order for order in trade.get("orders") or [] if order.get("ft_is_entry")]
    if not orders:
        return [(int(trade["open_timestamp"]), trade["amount"], trade["open_rate"])]
    return [
        (int(order["order_filled_timestamp"]), order["amount"], order["safe_price"])
        for order in orders
    ]


def wallet_stats(wallet: pd.DataFrame, start_balance: float) -> dict[str, Any]:
    """Balance range, daily-balance ratios and the balance's deepest fall."""
    balance = wallet["total_quote"]
    dates = wallet["date"]
    if balance.empty:
        return {}
    low, high = int(balance.to_numpy().argmin()), int(balance.to_numpy().argmax())
    daily = pd.Series(balance.to_numpy(), index=dates).resample("1D").last()
    returns = daily.pct_change().dropna()
    days = max(1, (dates.iloc[-1] - dates.iloc[0]).days)
    drawdown = _balance_drawdown(balance.to_numpy(), dates, start_balance)
    total_return = (balance.iloc[-1] - start_balance) / start_balance
    stats = {
        "start_balance": start_balance,
        "end_balance": float(balance.iloc[-1]),
        "high_balance": float(balance.iloc[high]),
        "low_balance": float(balance.iloc[low]),
        "sharpe": _annualised(returns.mean(), returns.std(ddof=0)),
        "sortino": _annualised(returns.mean(), returns[returns < 0].std(ddof=0)),
        "calmar": _annualised(total_return / days * 100, drawdown["max_drawdown_account"]),
        "low_date": dates.iloc[low].strftime(DATETIME_PRINT),
        "low_ts": int(wallet["__date_ts"].iloc[low]),
        "high_date": dates.iloc[high].strftime(DATETIME_PRINT),
        "high_ts": int(wallet["__date_ts"].iloc[high]),
    }
    stats.update(drawdown)
    return stats


def _balance_drawdown(
    balance: np.ndarray, dates: pd.Series, start_balance: float
) -> dict[str, Any]:
    peak = np.maximum.accumulate(balance)
    fall = balance - peak
    low = int(np.argmin(fall))
    high = int(np.argmax(peak[: low + 1]))
    relative = float((peak[low] - balance[low]) / peak[low])
    duration = dates.iloc[low] - dates.iloc[high]
    return {
        "max_drawdown_account": relative,
        "max_relative_drawdown": float(np.max((peak - balance) / peak)),
        "max_drawdown_abs": float(-fall[low]),
        "drawdown_start": dates.iloc[high].strftime(DATETIME_PRINT),
        "drawdown_start_ts": int(dates.iloc[high].timestamp() * 1000),
        "drawdown_end": dates.iloc[low].strftime(DATETIME_PRINT),
        "drawdown_end_ts": int(dates.iloc[low].timestamp() * 1000),
        "drawdown_duration": str(duration),
        "drawdown_duration_s": duration.total_seconds(),
        "max_drawdown_low": float(balance[low] - start_balance),
        "max_drawdown_high": float(balance[high] - start_balance),
    }


def _annualised(per_day: float, spread: float) -> float:
    if spread == 0 or np.isnan(spread):
        return NOT_OPTIMAL
    return float(per_day / spread * SQRT_365)


def market_change_series(
    candles: dict[str, pd.DataFrame], *, start: datetime, end: datetime
) -> pd.DataFrame:
    """``date, mean, rel_mean, count, __date_ts`` over [start, end): the pairs' mean close and
    their summed per-candle change, accumulated and divided by the number of pairs."""
    closes = pd.DataFrame({pair: frame["close"] for pair, frame in candles.items()})
    closes = closes[(closes.index >= pd.Timestamp(start)) & (closes.index < pd.Timestamp(end))]
    count = closes.count(axis=1)
    frame = pd.DataFrame(
        {
            "date": closes.index,
            "mean": closes.mean(axis=1).to_numpy(),
            "rel_mean": (closes.pct_change().sum(axis=1).cumsum() / count).to_numpy(),
            "count": count.to_numpy(),
        }
    )
    frame["__date_ts"] = frame["date"].dt.as_unit("ms").astype("int64")
    return frame


def market_change(candles: dict[str, pd.DataFrame], *, start: datetime) -> float:
    """Mean over the pairs of (last close / first close from ``start``) − 1."""
    changes = []
    for frame in candles.values():
        close = frame["close"].dropna()
        close = close[close.index >= pd.Timestamp(start)]
        if len(close):
            changes.append((close.iloc[-1] - close.iloc[0]) / close.iloc[0])
    return float(np.mean(changes)) if changes else 0.0
