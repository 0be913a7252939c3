"""``/locks``: the bot's active locks in the contract's Lock shape (§2.9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot_engine.engine.locks import active_locks
from bot_engine.models import PairLock

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def lock_view(lock: PairLock) -> dict[str, Any]:
    return {
        "id": lock.pk,
        "pair": lock.pair,
        "side": lock.side,
        "reason": lock.reason,
        "active": lock.active,
        "lock_time": lock.lock_time.strftime(DATE_FORMAT),
        "lock_timestamp": int(lock.lock_time.timestamp() * 1000),
        "lock_end_time": lock.lock_end_time.strftime(DATE_FORMAT),
        "lock_end_timestamp": int(lock.lock_end_time.timestamp() * 1000),
    }


def locks_summary(*, bot_id: int, now: datetime) -> dict[str, Any]:
    locks = [lock_view(lock) for lock in active_locks(bot_id, now).order_by("id")]
    return {"lock_count": len(locks), "locks": locks}
