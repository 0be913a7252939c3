"""The audit trail endpoint's schemas (``GET /api/v1/audit``; Tradeplane only)."""

from rest_framework import serializers


class AuditQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=500, default=100)
    offset = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)


class AuditEventSchema(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_at_ts = serializers.SerializerMethodField()
    actor = serializers.CharField()
    credential = serializers.CharField()
    remote_addr = serializers.CharField(allow_null=True)
    via = serializers.CharField()
    action = serializers.CharField()
    target = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    outcome = serializers.CharField()
    status_code = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField()

    def get_created_at_ts(self, row) -> int:
        return int(row["created_at"].timestamp() * 1000)


class AuditSchema(serializers.Serializer):
    events = AuditEventSchema(many=True)
    total = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
