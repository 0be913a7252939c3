"""``GET /historic_balance`` (API 2.48): the wallet's value per day, for FreqUI's Dashboard.

Read from the database, so it answers in webserver mode too (Freqtrade: trade mode only). The
first request rebuilds the days before recording began (``wallet_history_rebuild``, once).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.context import bot_context
from api.serializers.wallet_history import HistoricBalanceSchema, historic_balance_body
from bot_engine.selectors.wallet_history import historic_balance
from bot_engine.services.wallet_history import wallet_history_rebuild


class HistoricBalanceView(APIView):
    @extend_schema(responses=HistoricBalanceSchema)
    def get(self, request):
        ctx = bot_context()
        wallet_history_rebuild(
            bot_id=ctx.bot_id, config=ctx.config, now=ctx.now(), bot_start=ctx.bot_start
        )
        return Response(historic_balance_body(historic_balance(bot_id=ctx.bot_id)))
