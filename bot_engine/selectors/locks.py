"""``/locks``: the bot's active pair locks (contract §2.4); ``api/serializers/pairs.py`` writes
them in the Lock shape (§2.9)."""

from __future__ import annotations

from datetime import datetime

from bot_engine.engine.locks import active_locks
from bot_engine.models import PairLock


def current_locks(*, bot_id: int, now: datetime) -> list[PairLock]:
    """The locks in force at ``now``, oldest first."""
    return list(active_locks(bot_id, now).order_by("id"))
