"""The per-candle series of a backtest: the wallet's value and the market's mean move.

Freqtrade records the wallet at each step of its loop (every candle after the start, up to and
including the end) before that candle's exits: closed profit plus each open position valued at
the candle's open, fees left out. Both series are rebuilt here from the trades and the candles,
vectorised, so the simulator need not carry them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from bot_engine.backtest.report_lines import NOT_OPTIMAL
from bot_engine.trade_stats import SQRT_365

DATETIME_PRINT = "%Y-%m-%d %H:%M:%S"


def filled_candles(candles: pd.DataFrame, timeframe: timedelta) -> pd.DataFrame:
    """Candles on a gapless grid; a missing candle is the previous close with no volume, as
    Freqtrade fills them on load."""
    frame = candles.set_index("date").sort_index()
    frame.index = pd.DatetimeIndex(frame.index).as_unit("ns")
    grid = pd.date_range(frame.index[0], frame.index[-1], freq=timeframe, unit="ns")
    frame = frame.reindex(grid)
    close = frame["close"].ffill()
    for column in ("open", "high", "low"):
        frame[column] = frame[column].fillna(close)
    frame["close"] = close
    frame["volume"] = frame["volume"].fillna(0.0)
    frame.index.name = "date"
    return frame


@dataclass(frozen=True)
class Position:
    """One filled entry order of a trade, held over the loop steps ``[first, last)``."""

    currency: str
    rank: tuple[int, int]  # (trade opened at, pair's place): the wallet's coin order
    first: int
    last: int
    amount: float
    price: float


@dataclass(frozen=True)
class WalletArrays:
    """The wallet at each loop step: the stake currency's free balance and each coin held."""

    dates: pd.DatetimeIndex
    stake_currency: str
    cash: np.ndarray  # per step
    coins: list[str]
    holding: np.ndarray  # step x coin: held at that step
    held: np.ndarray  # step x coin: amount
    rates: np.ndarray  # step x coin: the candle's open
    order: np.ndarray  # step x coin: where the coin's trade opened among all trades

    def totals(self) -> pd.DataFrame:
        """``date, __date_ts, total_quote``: the wallet's value per step (the API's series)."""
        value = np.where(self.holding, self.held * self.rates, 0.0)
        return pd.DataFrame(
            {
                "date": self.dates,
                "__date_ts": self.dates.as_unit("ms").asi8,
                "total_quote": self.cash + value.sum(axis=1),
            }
        )

    def frame(self) -> pd.DataFrame:
        """Freqtrade's wallet feather: ``index, date, currency, rate, balance, total_quote``,
        date by date the stake currency first, then the coins in their trades' order."""
        steps, columns = np.nonzero(self.holding)
        count = len(self.dates)
        step = np.concatenate([np.arange(count), steps])
        rank = np.concatenate([np.full(count, -1.0), self.order[steps, columns]])
        names = pa.array([self.stake_currency, *self.coins], type=pa.string())
        which = np.concatenate([np.zeros(count, dtype=np.int64), columns + 1])
        rate = np.concatenate([np.ones(count), self.rates[steps, columns]])
        balance = np.concatenate([self.cash, self.held[steps, columns]])
        rows = np.lexsort((rank, step))
        frame = pd.DataFrame(
            {
                "index": np.arange(len(rows), dtype=np.int64),
                "date": self.dates[step[rows]],
                # Arrow's take: a million strings without a Python object each.
                "currency": pd.Series(names.take(pa.array(which[rows])), dtype="str"),
                "rate": rate[rows],
                "balance": balance[rows],
            }
        )
        frame["total_quote"] = frame["balance"] * frame["rate"]
        return frame


def wallet_arrays(
    trades: pd.DataFrame,
    trade_dicts: list[dict[str, Any]],
    candles: dict[str, pd.DataFrame],
    *,
    start: datetime,
    end: datetime,
    timeframe: timedelta,
    start_balance: float,
    still_open: Sequence[dict[str, Any]] = (),
    stake_currency: str = "BTC",
) -> WalletArrays:
    """Freqtrade's wallet history rebuilt from the trades: ``still_open`` trades are held to
    the end."""
    dates = pd.date_range(pd.Timestamp(start) + timeframe, pd.Timestamp(end), freq=timeframe)
    steps = dates.as_unit("ns").asi8
    closes = pd.DatetimeIndex(trades["close_date"]).as_unit("ns").asi8
    # Closed profit counts from the first step after the trade's close date.
    realised = np.zeros(len(steps) + 1)
    profits = trades["profit_abs"].to_numpy(dtype=float)
    np.add.at(realised, np.searchsorted(steps, closes, side="right"), profits)
    cash = float(start_balance) + np.cumsum(realised)[:-1]
    never = [np.iinfo(np.int64).max] * len(still_open)
    positions = _positions([*trade_dicts, *still_open], [*closes, *never], steps, list(candles))
    coins = sorted({position.currency for position in positions})
    column = {coin: index for index, coin in enumerate(coins)}
    size = (len(steps) + 1, len(coins))
    held, active = np.zeros(size), np.zeros(size, dtype=np.int64)
    # Within a step the wallet lists coins in the order their trades opened.
    order = np.zeros((len(steps), len(coins)))
    paid = np.zeros(len(steps) + 1)
    ranks = {rank: index for index, rank in enumerate(sorted({p.rank for p in positions}))}
    for position in positions:
        where = column[position.currency]
        order[position.first : position.last, where] = ranks[position.rank]
        for at, sign in ((position.first, 1), (position.last, -1)):
            held[at, where] += sign * position.amount
            active[at, where] += sign
            paid[at] += sign * position.amount * position.price
    rates = np.column_stack([_opens(candles, coin, dates) for coin in coins] or [paid[:-1, None]])
    return WalletArrays(
        dates=dates,
        stake_currency=stake_currency,
        cash=cash - np.cumsum(paid)[:-1],
        coins=coins,
        holding=np.cumsum(active, axis=0)[:-1] > 0,
        held=np.cumsum(held, axis=0)[:-1],
        rates=rates[:, : len(coins)],
        order=order,
    )


def _positions(
    trade_dicts: list[dict[str, Any]], closes: list[int], steps: np.ndarray, pairs: list[str]
) -> list[Position]:
    """Entry orders as held spans: from the first step after the fill (the wallet is read
    before the candle's entries) through the close date's step (before its exits)."""
    positions = []
    for place, (trade, close_ns) in enumerate(zip(trade_dicts, closes, strict=True)):
        last = int(np.searchsorted(steps, close_ns, side="right"))
        # Trades opening on the same candle were entered in the pairlist's order.
        pair = trade["pair"]
        rank = (
            int(trade.get("open_timestamp") or 0),
            pairs.index(pair) if pair in pairs else place,
        )
        for filled_ms, amount, price in _entries(trade):
            first = int(np.searchsorted(steps, filled_ms * 1_000_000, side="right"))
            if first < last:
                currency = trade["pair"].split("/")[0]
                positions.append(Position(currency, rank, first, last, float(amount), float(price)))
    return positions


def _opens(candles: dict[str, pd.DataFrame], coin: str, dates: pd.DatetimeIndex) -> np.ndarray:
    """The coin's candle open at each step; after its last candle, its last close (the loop
    has no newer price)."""
    pair = next((name for name in candles if name.split("/")[0] == coin), None)
    if pair is None:
        return np.full(len(dates), np.nan)
    frame = candles[pair]
    stamps = frame.index.as_unit("ns").asi8
    steps = dates.as_unit("ns").asi8
    at = np.searchsorted(stamps, steps, side="right") - 1
    known = at >= 0
    at = np.maximum(at, 0)
    exact = known & (stamps[at] == steps)
    rates = np.where(exact, frame["open"].to_numpy()[at], frame["close"].to_numpy()[at])
    return np.where(known, rates, np.nan)


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
    """``date, mean, rel_mean, count`` over [start, end) (Freqtrade's feather: dates in ms): the
    pairs' mean close and their summed per-candle change, accumulated, over the pair count."""
    closes = pd.DataFrame({pair: frame["close"] for pair, frame in candles.items()})
    closes = closes[(closes.index >= pd.Timestamp(start)) & (closes.index < pd.Timestamp(end))]
    count = closes.count(axis=1)
    frame = pd.DataFrame(
        {
            "date": pd.DatetimeIndex(closes.index).as_unit("ms"),
            "mean": closes.mean(axis=1).to_numpy(),
            "rel_mean": (closes.pct_change().sum(axis=1).cumsum() / count).to_numpy(),
            "count": count.to_numpy(),
        }
    )
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
