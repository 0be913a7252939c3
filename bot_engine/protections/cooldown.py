"""CooldownPeriod: a pair rests for a while after each of its trades closed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot_engine.protections.base import ClosedTrade, LockRequest, Protection


class CooldownPeriod(Protection):
    has_local_stop = True

    def stop_per_pair(
        self,
        trades: Sequence[ClosedTrade],
        pair: str,
        now: datetime,
        side: str,
        starting_balance: float,
    ) -> LockRequest | None:
        recent = self.recent(trades, now, pair)
        if not recent:
            return None
        last = max(recent, key=lambda t: t.close_date)
        # Freqtrade's reason text, its doubled "for" included (strategies may match on it).
        return LockRequest(pair, self.lock_end([last]), f"Cooldown period for {self.unlock_str()}.")
