"""MaxDrawdown: stop all trading when recent trades drew down more than allowed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np

from bot_engine.protections.base import ClosedTrade, LockRequest, Protection


def max_drawdown(profits: Sequence[float], starting_balance: float = 0.0) -> float:
    """The largest fall of the running sum of ``profits`` (in order of closing) below its peak
    (the peak never below 0, as Freqtrade counts it); relative to the peak balance when a
    ``starting_balance`` is given."""
    if not profits:
        raise ValueError("No trades")
    cumulative = np.cumsum(np.asarray(profits, dtype=float))
    peak = np.maximum(0, np.maximum.accumulate(cumulative))
    if starting_balance:
        top = starting_balance + peak
        return max(0.0, float(np.max((top - (starting_balance + cumulative)) / top)))
    return max(0.0, float(np.max(peak - cumulative)))


class MaxDrawdown(Protection):
    has_global_stop = True

    def __init__(self, settings, timeframe: str) -> None:
        super().__init__(settings, timeframe)
        self.trade_limit = settings.get("trade_limit", 1)
        self.max_allowed = settings.get("max_allowed_drawdown", 0.0)
        self.mode = settings.get("calculation_mode", "ratios")

    def global_stop(
        self, trades: Sequence[ClosedTrade], now, side: str, starting_balance: float
    ) -> LockRequest | None:
        window = sorted(self.recent(trades, now), key=lambda t: t.close_date)
        if len(window) < self.trade_limit:
            return None
        try:
            if self.mode == "equity":
                since = now - timedelta(minutes=self.lookback_minutes)
                before = sum(
                    t.close_profit_abs or 0.0
                    for t in trades
                    if t.close_date is not None and t.close_date <= since
                )
                profits = [t.close_profit_abs or 0.0 for t in window]
                drawdown = max_drawdown(profits, starting_balance + before)
            else:
                drawdown = max_drawdown([t.close_profit or 0.0 for t in window])
        except ValueError:
            return None
        if drawdown <= self.max_allowed:
            return None
        reason = (
            f"{drawdown} passed {self.max_allowed} in {self.lookback_str()}, "
            f"locking {self.unlock_str()}."
        )
        return LockRequest("*", self.lock_end(window), reason)
