"""Edge's arithmetic: the strategy's entries replayed against a range of stoplosses (vectorised),
and per pair the win rate, risk/reward and expectancy of the best stoploss (Freqtrade's Edge).

A simulated trade opens at the open of the candle after an entry signal and ends at whichever
comes first: the stoploss (low at or under ``open * (1 + stoploss)``, filled at that price) or
the open of the candle after an exit signal. Trades of one pair never overlap; a trade still
open when the data ends is left out. ROI and trailing stops play no part, as in Freqtrade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot_engine.config.model import EdgeConfig


@dataclass(frozen=True)
class PairEdge:
    """The figures of one pair at its best stoploss (``/edge`` row)."""

    pair: str
    stoploss: float
    winrate: float
    risk_reward_ratio: float
    required_risk_reward: float
    expectancy: float
    nb_trades: int
    avg_trade_duration: float  # minutes

    def as_row(self) -> dict:
        """The ``/edge`` list item, with Freqtrade's keys."""
        return {
            "Pair": self.pair,
            "Winrate": self.winrate,
            "Expectancy": self.expectancy,
            "Stoploss": self.stoploss,
            "RiskRewardRatio": self.risk_reward_ratio,
            "RequiredRiskRewardRatio": self.required_risk_reward,
            "NbTrades": self.nb_trades,
            "AvgTradeDuration": self.avg_trade_duration,
        }


def stoploss_range(config: EdgeConfig) -> np.ndarray:
    """``stoploss_range_min`` (nearest) to ``stoploss_range_max`` by ``stoploss_range_step``."""
    start, stop, step = (
        config.stoploss_range_min,
        config.stoploss_range_max,
        config.stoploss_range_step,
    )
    return np.round(np.arange(start, stop + step / 2, step), 10)


def simulate_trades(
    frame: pd.DataFrame, stoplosses: np.ndarray, *, fee: float, timeframe_minutes: float
) -> pd.DataFrame:
    """Every simulated trade of one analysed frame, for each stoploss: columns ``stoploss``,
    ``profit_ratio`` (after fees on both sides), ``duration`` (minutes)."""
    n = len(frame)
    empty = pd.DataFrame({"stoploss": [], "profit_ratio": [], "duration": []})
    if n < 2 or "enter_long" not in frame:
        return empty
    open_ = frame["open"].to_numpy(dtype="float64")
    low = frame["low"].to_numpy(dtype="float64")
    entry_signals = np.flatnonzero(frame["enter_long"].to_numpy() == 1)
    entry_signals = entry_signals[entry_signals + 1 < n]
    if not len(entry_signals):
        return empty
    exits = (
        np.flatnonzero(frame["exit_long"].to_numpy() == 1)
        if "exit_long" in frame
        else np.array([], dtype="int64")
    )
    opens = entry_signals + 1
    # The first exit signal at or after each trade's open; the exit fills on the next candle.
    nxt = np.searchsorted(exits, opens)
    signal_exit = np.where(nxt < len(exits), exits[np.minimum(nxt, len(exits) - 1)] + 1, n)
    signal_exit = np.minimum(signal_exit, n)  # n: no exit signal in the data

    opens_price = open_[opens]
    stop_prices = opens_price[:, None] * (1.0 + stoplosses[None, :])  # (entries, stoplosses)
    stop_hit = np.full(stop_prices.shape, n, dtype="int64")
    for row, (start, end) in enumerate(zip(opens, signal_exit, strict=True)):
        # Lowest low so far, falling: the first candle under each stop price by binary search.
        running_low = np.minimum.accumulate(low[start:end])
        found = np.searchsorted(-running_low, -stop_prices[row], side="left")
        stop_hit[row] = np.where(found < len(running_low), start + found, n)

    by_stop = stop_hit < signal_exit[:, None]
    exit_index = np.where(by_stop, stop_hit, signal_exit[:, None])
    exit_price = np.where(
        by_stop, stop_prices, open_[np.minimum(exit_index, n - 1)]
    )  # exit_index == n: the trade never closes and is dropped below
    rows = []
    for column, stoploss in enumerate(stoplosses):
        chosen = _chain(entry_signals, exit_index[:, column], n)
        if not len(chosen):
            continue
        buy = opens_price[chosen] * (1.0 + fee)
        sell = exit_price[chosen, column] * (1.0 - fee)
        rows.append(
            pd.DataFrame(
                {
                    "stoploss": stoploss,
                    "profit_ratio": (sell - buy) / buy,
                    "duration": (exit_index[chosen, column] - opens[chosen]) * timeframe_minutes,
                }
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else empty


def _chain(entry_signals: np.ndarray, exit_index: np.ndarray, n: int) -> np.ndarray:
    """The entries actually taken: each after the previous trade has closed."""
    taken = []
    k = 0
    while k < len(entry_signals):
        if exit_index[k] >= n:
            break  # still open when the data ends
        taken.append(k)
        k = int(np.searchsorted(entry_signals, exit_index[k], side="left"))
    return np.asarray(taken, dtype="int64")


def pair_edges(trades: Mapping[str, pd.DataFrame], config: EdgeConfig) -> dict[str, PairEdge]:
    """Per pair, the stoploss with the best expectancy among those with enough trades; pairs
    sorted by expectancy, best first."""
    frames = [t.assign(pair=pair) for pair, t in trades.items() if len(t)]
    if not frames:
        return {}
    results = pd.concat(frames, ignore_index=True)
    if config.remove_pumps:
        limit = 2 * results["profit_ratio"].std() + results["profit_ratio"].mean()
        results = results[results["profit_ratio"] < limit]
    results = results[results["duration"] < config.max_trade_duration_minute]
    if results.empty:
        return {}
    results = results.assign(
        win=results["profit_ratio"] > 0,
        gain=results["profit_ratio"].clip(lower=0),
        loss=(-results["profit_ratio"]).clip(lower=0),
    )
    stats = results.groupby(["pair", "stoploss"], sort=False).agg(
        nb_trades=("profit_ratio", "size"),
        nb_win=("win", "sum"),
        gain=("gain", "sum"),
        loss=("loss", "sum"),
        avg_duration=("duration", "mean"),
    )
    stats = stats[stats["nb_trades"] >= config.min_trade_number]
    if stats.empty:
        return {}
    nb_loss = stats["nb_trades"] - stats["nb_win"]
    with np.errstate(divide="ignore", invalid="ignore"):
        average_win = np.where(stats["nb_win"] > 0, stats["gain"] / stats["nb_win"], 0.0)
        average_loss = np.where(nb_loss > 0, stats["loss"] / nb_loss, 0.0)
        winrate = stats["nb_win"] / stats["nb_trades"]
        risk_reward = average_win / average_loss  # inf when nothing lost
        stats = stats.assign(
            winrate=winrate,
            risk_reward_ratio=risk_reward,
            required_risk_reward=1 / winrate - 1,
            expectancy=risk_reward * winrate - (1 - winrate),
        )
    stats = stats.reset_index()
    # Freqtrade's ordering: best expectancy, then the tighter stoploss of equal ones.
    best = (
        stats.sort_values(["expectancy", "stoploss"], ascending=False)
        .groupby("pair", sort=False)
        .head(1)
    )
    return {
        row.pair: PairEdge(
            pair=row.pair,
            stoploss=float(row.stoploss),
            winrate=float(row.winrate),
            risk_reward_ratio=float(row.risk_reward_ratio),
            required_risk_reward=float(row.required_risk_reward),
            expectancy=float(row.expectancy),
            nb_trades=int(row.nb_trades),
            avg_trade_duration=float(row.avg_duration),
        )
        for row in best.itertuples(index=False)
    }


def accepted(edges: Mapping[str, PairEdge], config: EdgeConfig) -> list[PairEdge]:
    """The pairs Edge lets trade: expectancy and win rate above the configured minimums."""
    return [
        e
        for e in edges.values()
        if e.expectancy > config.minimum_expectancy and e.winrate > config.minimum_winrate
    ]
