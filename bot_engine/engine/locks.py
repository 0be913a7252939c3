"""Pair locks: no new entry on a locked pair until the lock ends (Freqtrade's PairLocks)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction

from bot_engine.data.timeframes import next_candle_boundary
from bot_engine.models import PairLock

ALL_PAIRS = "*"


def active_locks(bot_id: int, now: datetime):
    return PairLock.objects.filter(bot_id=bot_id, active=True, lock_end_time__gt=now)


def is_pair_locked(bot_id: int, pair: str, now: datetime, side: str = "long") -> bool:
    return (
        active_locks(bot_id, now)
        .filter(pair__in=[pair, ALL_PAIRS], side__in=[side, ALL_PAIRS])
        .exists()
    )


def lock_pair(
    bot_id: int,
    pair: str,
    *,
    until: datetime,
    now: datetime,
    timeframe: str,
    reason: str | None = None,
    side: str = ALL_PAIRS,
) -> PairLock:
    """Lock until the candle boundary after ``until`` (rounded up); never twice the same lock."""
    # Stored in UTC: PostgreSQL refuses offsets past ±15:59 that Python accepts.
    end = next_candle_boundary(until, timeframe).astimezone(UTC)
    with transaction.atomic():
        existing = PairLock.objects.filter(
            bot_id=bot_id, pair=pair, side=side, reason=reason, lock_end_time=end, active=True
        ).first()
        if existing:
            return existing
        return PairLock.objects.create(
            bot_id=bot_id,
            pair=pair,
            side=side,
            reason=reason,
            lock_time=now,
            lock_end_time=end,
            active=True,
        )


def unlock(
    bot_id: int, *, now: datetime, lock_id: int | None = None, pair: str | None = None
) -> int:
    """Deactivate locks (kept in the table, end set to now); returns how many changed."""
    locks = active_locks(bot_id, now)
    if lock_id is not None:
        locks = locks.filter(pk=lock_id)
    if pair is not None:
        locks = locks.filter(pair=pair)
    return locks.update(active=False, lock_end_time=now)
