"""The protections of a run, and the locks they ask for after a trade closed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from bot_engine.exceptions import StrategyError
from bot_engine.protections.base import ClosedTrade, LockRequest, Protection
from bot_engine.protections.cooldown import CooldownPeriod
from bot_engine.protections.low_profit import LowProfitPairs
from bot_engine.protections.max_drawdown import MaxDrawdown
from bot_engine.protections.stoploss_guard import StoplossGuard

KINDS: dict[str, type[Protection]] = {
    "CooldownPeriod": CooldownPeriod,
    "StoplossGuard": StoplossGuard,
    "MaxDrawdown": MaxDrawdown,
    "LowProfitPairs": LowProfitPairs,
}


def build_protection(settings: Mapping[str, Any], timeframe: str) -> Protection:
    method = settings.get("method")
    if method not in KINDS:
        raise StrategyError(f"Impossible to load Protection '{method}'.")
    return KINDS[method](settings, timeframe)


# is_locked(pair, at, side) -> bool ; lock(request, now) -> None
IsLocked = Callable[[str, datetime, str], bool]
Lock = Callable[[LockRequest, datetime], None]


class ProtectionSet:
    """Freqtrade's protection manager: after a trade closes, each protection may lock its pair
    and (for global ones) every pair, unless a lock already covers the requested end."""

    def __init__(self, protections: Sequence[Protection]) -> None:
        self.protections = list(protections)

    @classmethod
    def from_config(cls, settings: Sequence[Mapping[str, Any]], timeframe: str) -> ProtectionSet:
        return cls([build_protection(item, timeframe) for item in settings or []])

    def __bool__(self) -> bool:
        return bool(self.protections)

    def after_close(
        self,
        trades: Sequence[ClosedTrade],
        pair: str,
        now: datetime,
        side: str,
        starting_balance: float,
        *,
        is_locked: IsLocked,
        lock: Lock,
    ) -> None:
        for protection in self.protections:
            if protection.has_local_stop:
                wanted = protection.stop_per_pair(trades, pair, now, side, starting_balance)
                if wanted and not is_locked(pair, wanted.until, wanted.side):
                    lock(wanted, now)
        for protection in self.protections:
            if protection.has_global_stop:
                wanted = protection.global_stop(trades, now, side, starting_balance)
                if wanted and not is_locked("*", wanted.until, wanted.side):
                    lock(wanted, now)
