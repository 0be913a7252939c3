"""``GET /api/v1/portfolio``: every visible bot's trades, by stake currency and dry/live."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import visible_bot_ids
from api.serializers.portfolio import PortfolioSchema
from bot_engine.selectors.portfolio import portfolio_summary


class PortfolioView(APIView):
    @extend_schema(responses=PortfolioSchema)
    def get(self, request):
        groups = portfolio_summary(bot_ids=visible_bot_ids(request))
        return Response(PortfolioSchema({"groups": groups}).data)
