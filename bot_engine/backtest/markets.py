"""Amount steps, price ticks and minimums for a backtest, derived from the candles.

A backtest runs offline: the market list (amount step, minimum stake) is the one the bundled
Freqtrade references were made with, which derives each pair's Binance-style filters from the
median close of its stored candles (``tests/data/freqtrade/backtest/README.md`` "Markets"). Stop
and exit prices are rounded to the tick backtesting itself reads off the candles: per month,
10^-(the most decimals any open/high/low/close of that month shows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

MIN_COST_BTC = 0.0001  # Binance's minimum order value for BTC-quoted pairs
AMOUNT_RESERVE = 0.05  # Freqtrade's default amount_reserve_percent


@dataclass(frozen=True)
class BacktestMarket:
    pair: str
    amount_step: float
    price_tick: float  # the exchange's; the candles' monthly tick wins when there is one
    min_amount: float
    min_cost: float | None
    fee: float
    monthly_ticks: pd.Series  # month start -> tick read from that month's candles

    def tick_at(self, when: datetime) -> float:
        """The price tick in force at ``when`` (the candles' month, else the exchange's)."""
        if not len(self.monthly_ticks):
            return self.price_tick
        tick = self.monthly_ticks.asof(pd.Timestamp(when))
        return self.price_tick if tick is None or math.isnan(tick) else float(tick)

    def min_stake(self, price: float, stoploss: float) -> float | None:
        """Freqtrade's minimum stake: the larger exchange limit plus its safety reserves."""
        margin = 1.0 + AMOUNT_RESERVE
        stop_reserve = margin / (1 - abs(stoploss)) if abs(stoploss) != 1 else 1.5
        stop_reserve = max(min(stop_reserve, 1.5), 1)
        limits = []
        if self.min_cost is not None:
            limits.append(self.min_cost * stop_reserve)
        if self.min_amount is not None:
            limits.append(self.min_amount * price * margin)
        return max(limits) if limits else None


def derive_market(pair: str, candles: pd.DataFrame, fee: float) -> BacktestMarket:
    """The market of ``pair`` from all its stored candles (median close -> step and tick)."""
    median = float(np.median(candles["close"].to_numpy())) if len(candles) else 1.0
    exponent = math.floor(math.log10(median)) if median > 0 else 0
    tick = max(10.0 ** (exponent - 4), 1e-8)
    step_exp = math.floor(math.log10(MIN_COST_BTC / median)) if median > 0 else 0
    step = min(max(10.0**step_exp, 1e-8), 1.0)
    quote = pair.split("/")[-1].split(":")[0]
    return BacktestMarket(
        pair=pair,
        amount_step=_clean(step),
        price_tick=_clean(tick),
        min_amount=_clean(step),
        min_cost=MIN_COST_BTC if quote == "BTC" else None,
        fee=fee,
        monthly_ticks=pd.Series(dtype=float),
    )


def with_monthly_ticks(market: BacktestMarket, candles: pd.DataFrame) -> BacktestMarket:
    """``market`` with the per-month ticks of the candles the backtest loaded."""
    return BacktestMarket(
        pair=market.pair,
        amount_step=market.amount_step,
        price_tick=market.price_tick,
        min_amount=market.min_amount,
        min_cost=market.min_cost,
        fee=market.fee,
        monthly_ticks=monthly_ticks(candles),
    )


def monthly_ticks(candles: pd.DataFrame) -> pd.Series:
    """Per calendar month: 10^-(most decimals shown by any price, 14 places at most)."""
    if candles.empty:
        return pd.Series(dtype=float)
    prices = candles[["open", "high", "low", "close"]].to_numpy(dtype=float)
    unique, where = np.unique(prices, return_inverse=True)
    per_row = decimals(unique)[where.reshape(prices.shape)].max(axis=1)
    dates = pd.DatetimeIndex(candles["date"])
    months = pd.Series(per_row, index=dates).resample("MS").max()
    return 1 / 10.0 ** months.astype(float)


def decimals(values: np.ndarray) -> np.ndarray:
    """Decimals of each value written with 14 places, trailing zeros dropped (Freqtrade's
    reading of a candle's precision). Prices below 1 are read as integers of 1e-14 units (fast,
    and exact: below 2**53); the others, and any within reach of a rounding tie, as text."""
    values = np.asarray(values, dtype=float)
    scaled = values * 1e14
    units = np.rint(scaled)
    unsure = (np.abs(values) >= 1) | (np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) < 0.05)
    whole = units.astype(np.int64)
    zeros = np.zeros(len(values), dtype=np.int64)
    for places in range(1, 15):
        zeros += whole % (10**places) == 0
    result = 14 - zeros
    if unsure.any():
        result[unsure] = _decimals_as_text(values[unsure])
    return result


def _decimals_as_text(values: np.ndarray) -> np.ndarray:
    text = np.char.rstrip(np.char.mod("%.14f", values), "0")
    return np.char.str_len(text) - np.char.find(text, ".") - 1


def _clean(value: float) -> float:
    """10**-8 computed as a float is 1.0000000000000002e-08 on some paths; use the literal."""
    return float(f"{value:.0e}")
