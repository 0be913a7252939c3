"""LowProfitPairs: lock a pair whose recent trades made less than ``required_profit``."""

from __future__ import annotations

from bot_engine.protections.base import LockRequest, Protection


class LowProfitPairs(Protection):
    has_local_stop = True

    def __init__(self, settings, timeframe: str) -> None:
        super().__init__(settings, timeframe)
        self.trade_limit = settings.get("trade_limit", 1)
        self.required_profit = settings.get("required_profit", 0.0)
        self.only_per_side = settings.get("only_per_side", False)

    def stop_per_pair(self, trades, pair, now, side, starting_balance):
        recent = self.recent(trades, now, pair)
        if len(recent) < self.trade_limit:
            return None
        profit = sum(
            t.close_profit
            for t in recent
            if t.close_profit
            and (not self.only_per_side or ("short" if t.is_short else "long") == side)
        )
        if profit >= self.required_profit:
            return None
        reason = (
            f"{profit} < {self.required_profit} in {self.lookback_str()}, "
            f"locking {self.unlock_str()}."
        )
        return LockRequest(pair, self.lock_end(recent), reason, side if self.only_per_side else "*")
