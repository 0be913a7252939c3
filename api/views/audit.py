"""``GET /api/v1/audit``: the bot's audit trail, newest first (admin role; Tradeplane only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.context import bot_context
from api.params import parse_query
from api.serializers.audit import AuditQuery, AuditSchema
from bot_engine.selectors.audit import audit_events


class AuditView(APIView):
    @extend_schema(parameters=[AuditQuery], responses=AuditSchema)
    def get(self, request):
        query = parse_query(request, AuditQuery)
        events, total = audit_events(
            bot_id=bot_context().bot_id, limit=query["limit"], offset=query["offset"]
        )
        return Response(AuditSchema({"events": events, "total": total, **query}).data)
