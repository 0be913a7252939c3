"""Schemas of the pair lists and locks (contract §2.4), and the locks' body."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.fields import NULL, AwareDateTimeField, Declared, nullable, response_schema
from api.serializers.formats import format_date, timestamp_ms
from bot_engine.models import PairLock


class WhitelistSchema(serializers.Serializer):
    whitelist = serializers.ListField(child=serializers.CharField())
    length = serializers.IntegerField()
    method = serializers.ListField(child=serializers.CharField())


class BlacklistSchema(serializers.Serializer):
    blacklist = serializers.ListField(child=serializers.CharField())
    blacklist_expanded = serializers.ListField(child=serializers.CharField())
    errors = serializers.DictField()
    length = serializers.IntegerField()
    method = serializers.ListField(child=serializers.CharField())


class BlacklistPayload(serializers.Serializer):
    blacklist = serializers.ListField(child=serializers.CharField())


class DeleteBlacklistQuery(serializers.Serializer):
    pairs_to_delete = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )


LOCK_KEYS: tuple[Declared, ...] = (
    ("id", int, False),
    ("pair", str, False),
    ("side", str, False),
    ("reason", str, NULL),
    ("active", bool, False),
    ("lock_time", str, False),
    ("lock_timestamp", int, False),
    ("lock_end_time", str, False),
    ("lock_end_timestamp", int, False),
)
LockSchema = response_schema("LockSchema", LOCK_KEYS, "Lock (contract §2.9).")
LocksSchema = response_schema(
    "LocksSchema",
    (("lock_count", int, False), ("locks", LockSchema(many=True))),
    "/locks (contract §2.4).",
)


def locks_body(locks: list[PairLock]) -> dict[str, Any]:
    """``/locks`` and the lock actions' answer: the locks in force."""
    return {
        "lock_count": len(locks),
        "locks": [
            {
                "id": lock.pk,
                "pair": lock.pair,
                "side": lock.side,
                "reason": lock.reason,
                "active": lock.active,
                "lock_time": format_date(lock.lock_time),
                "lock_timestamp": timestamp_ms(lock.lock_time),
                "lock_end_time": format_date(lock.lock_end_time),
                "lock_end_timestamp": timestamp_ms(lock.lock_end_time),
            }
            for lock in locks
        ],
    }


class LocksPayload(serializers.Serializer):
    """One element of the ``POST /locks`` array."""

    pair = serializers.CharField()
    until = AwareDateTimeField()
    side = serializers.ChoiceField(choices=["*", "long", "short"], required=False, default="*")
    reason = nullable(serializers.CharField, allow_blank=True)


class DeleteLockRequest(serializers.Serializer):
    pair = nullable(serializers.CharField)
    lockid = nullable(serializers.IntegerField)
