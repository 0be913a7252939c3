"""Bot state control: start, stop, stopbuy/stopentry/pause, reload_config (contract §3.10)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.audit import ActsForCaller
from api.context import bot_context
from api.permissions import TRADING
from api.serializers.info import StatusMsgSchema
from bot_engine.services import control


class StartView(ActsForCaller, APIView):
    permission_classes = TRADING

    @extend_schema(request=None, responses=StatusMsgSchema)
    def post(self, request):
        return Response(control.bot_start(bot=bot_context().running))


class StopView(ActsForCaller, APIView):
    permission_classes = TRADING

    @extend_schema(request=None, responses=StatusMsgSchema)
    def post(self, request):
        return Response(control.bot_stop(bot=bot_context().running))


class PauseView(ActsForCaller, APIView):
    """``/stopentry``, ``/pause`` and the legacy ``/stopbuy``."""

    permission_classes = TRADING

    @extend_schema(request=None, responses=StatusMsgSchema)
    def post(self, request):
        return Response(control.bot_pause(bot=bot_context().running))


class ReloadConfigView(ActsForCaller, APIView):
    permission_classes = TRADING

    @extend_schema(request=None, responses=StatusMsgSchema)
    def post(self, request):
        return Response(control.bot_reload_config(bot=bot_context().running))
