"""``/exchanges``, ``/hyperoptloss`` (and FreqUI's ``/hyperopt-loss``), ``/freqaimodels`` and
``/markets`` (contract §2.5). Freqtrade 2026.9 answers the first three in webserver mode only;
Tradeplane answers them in both modes, as Freqtrade did before (the contract's recommendation)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.context import bot_context
from api.params import parse_query
from api.serializers.candles import MarketsQuery, MarketsSchema
from api.serializers.exchanges import (
    ExchangeListSchema,
    FreqaiModelListSchema,
    HyperoptLossListSchema,
    exchanges_body,
    markets_body,
)
from bot_engine.selectors import exchanges


class ExchangesView(APIView):
    @extend_schema(responses=ExchangeListSchema)
    def get(self, request):
        return Response(exchanges_body(exchanges.exchange_entries()))


class HyperoptLossView(APIView):
    @extend_schema(responses=HyperoptLossListSchema)
    def get(self, request):
        functions = exchanges.HYPEROPT_LOSS_FUNCTIONS
        return Response({"loss_functions": [{"name": n, "description": d} for n, d in functions]})


class FreqaiModelsView(APIView):
    @extend_schema(responses=FreqaiModelListSchema)
    def get(self, request):
        return Response({"freqaimodels": list(exchanges.FREQAI_MODELS)})


class MarketsView(APIView):
    """The running bot's markets; in webserver mode the configured (or ``exchange``) one's."""

    @extend_schema(parameters=[MarketsQuery], responses=MarketsSchema)
    def get(self, request):
        ctx = bot_context()
        params = parse_query(request, MarketsQuery)
        exchange_id, markets = exchanges.exchange_markets(
            config=ctx.config, running=ctx.running, exchange=params.get("exchange")
        )
        return Response(markets_body(exchange_id, markets, params))
