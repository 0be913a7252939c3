"""Schemas of the pair lists and locks (contract §2.4)."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.fields import AwareDateTimeField, nullable


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


class LockSchema(serializers.Serializer):
    id = serializers.IntegerField()
    pair = serializers.CharField()
    side = serializers.CharField()
    reason = nullable(serializers.CharField)
    active = serializers.BooleanField()
    lock_time = serializers.CharField()
    lock_timestamp = serializers.IntegerField()
    lock_end_time = serializers.CharField()
    lock_end_timestamp = serializers.IntegerField()


class LocksSchema(serializers.Serializer):
    lock_count = serializers.IntegerField()
    locks = LockSchema(many=True)


class LocksPayload(serializers.Serializer):
    """One element of the ``POST /locks`` array."""

    pair = serializers.CharField()
    until = AwareDateTimeField()
    side = serializers.ChoiceField(choices=["*", "long", "short"], required=False, default="*")
    reason = nullable(serializers.CharField, allow_blank=True)


class DeleteLockRequest(serializers.Serializer):
    pair = nullable(serializers.CharField)
    lockid = nullable(serializers.IntegerField)
