"""``GET /metrics``: Prometheus exposition, for the metrics token or the normal API logins."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from api import prometheus
from api.auth.metrics_token import METRICS_TOKEN, MetricsTokenAuthentication
from api.permissions import visible_bot_ids
from api.renderers import OrjsonRenderer
from bot_engine.selectors.metrics import all_bot_ids


class FirstRenderer(BaseContentNegotiation):
    """Scrapers send ``Accept: text/plain`` or OpenMetrics: never a 406, errors stay JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class MetricsView(APIView):
    """The metrics token sees every bot of the database; a user the bots they may view."""

    authentication_classes = [
        MetricsTokenAuthentication,
        *api_settings.DEFAULT_AUTHENTICATION_CLASSES,
    ]
    renderer_classes = [OrjsonRenderer]
    content_negotiation_class = FirstRenderer

    @extend_schema(
        responses={(200, "text/plain"): OpenApiResponse(OpenApiTypes.STR)},
        description="Prometheus text format (OpenMetrics when the Accept header asks for it).",
    )
    def get(self, request):
        bot_ids = all_bot_ids() if request.auth is METRICS_TOKEN else visible_bot_ids(request)
        body, content_type = prometheus.render(
            bot_ids=bot_ids, accept=request.headers.get("Accept")
        )
        return HttpResponse(body, content_type=content_type)
