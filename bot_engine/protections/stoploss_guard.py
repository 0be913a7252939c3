"""StoplossGuard: after ``trade_limit`` losing stop-outs within the lookback, stop trading."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot_engine.protections.base import STOP_EXITS, ClosedTrade, LockRequest, Protection


class StoplossGuard(Protection):
    has_global_stop = True
    has_local_stop = True

    def __init__(self, settings, timeframe: str) -> None:
        super().__init__(settings, timeframe)
        self.trade_limit = settings.get("trade_limit", 10)
        self.only_per_pair = settings.get("only_per_pair", False)
        self.only_per_side = settings.get("only_per_side", False)
        self.profit_limit = settings.get("required_profit", 0.0)

    def _guard(
        self, trades: Sequence[ClosedTrade], now: datetime, pair: str | None, side: str
    ) -> LockRequest | None:
        stops = [
            t
            for t in self.recent(trades, now, pair)
            if str(t.exit_reason) in STOP_EXITS
            and t.close_profit
            and t.close_profit < self.profit_limit
        ]
        if self.only_per_side:
            stops = [t for t in stops if ("short" if t.is_short else "long") == side]
        if len(stops) < self.trade_limit:
            return None
        reason = (
            f"{self.trade_limit} stoplosses in {self.lookback_minutes} min, "
            f"locking {self.unlock_str()}."
        )
        return LockRequest(
            pair or "*", self.lock_end(stops), reason, side if self.only_per_side else "*"
        )

    def global_stop(self, trades, now, side, starting_balance):
        if self.only_per_pair:
            return None
        return self._guard(trades, now, None, side)

    def stop_per_pair(self, trades, pair, now, side, starting_balance):
        return self._guard(trades, now, pair, side)
