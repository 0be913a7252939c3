"""Info endpoints: ping, version, show_config, logs, sysinfo, health, edge (contract §2.1)."""

from __future__ import annotations

from django.urls import get_resolver
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.context import bot_context
from api.params import parse_query
from api.serializers.info import (
    EdgePairSchema,
    HealthSchema,
    LogsQuery,
    LogsSchema,
    PingSchema,
    ShowConfigSchema,
    SysInfoSchema,
    VersionSchema,
    health_body,
    show_config_body,
    sysinfo_body,
    version_body,
)
from bot_engine import logbuffer
from bot_engine.exceptions import BotOperationError
from bot_engine.selectors import system

EDGE_DISABLED = "Edge is not enabled."
NOT_IN_STATE = "Bot is not in the correct state."
API_URLCONF = "api.urls"


class PingView(APIView):
    """The one public endpoint; FreqUI polls it to tell whether the bot is online."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses=PingSchema, auth=[])
    def get(self, request):
        return Response({"status": "pong"})


class VersionView(APIView):
    @extend_schema(responses=VersionSchema)
    def get(self, request):
        return Response(version_body())


class ShowConfigView(APIView):
    @extend_schema(responses=ShowConfigSchema)
    def get(self, request):
        ctx = bot_context()
        bot = ctx.running
        if bot is None:
            return Response(show_config_body(config=ctx.config, state="", runmode="webserver"))
        return Response(
            show_config_body(
                config=bot.config,
                state=bot.state.value,
                runmode=bot.runmode,
                rules=bot.rules,
                strategy=bot.strategy,
            )
        )


class LogsView(APIView):
    @extend_schema(parameters=[LogsQuery], responses=LogsSchema)
    def get(self, request):
        limit = parse_query(request, LogsQuery).get("limit")
        rows = logbuffer.recent_logs(limit)
        return Response({"log_count": len(rows), "logs": rows})


class SysInfoView(APIView):
    @extend_schema(responses=SysInfoSchema)
    def get(self, request):
        return Response(sysinfo_body(system.host_load()))


class HealthView(APIView):
    @extend_schema(responses=HealthSchema)
    def get(self, request):
        ctx = bot_context()
        if ctx.running is None:
            raise BotOperationError(NOT_IN_STATE)
        bot = ctx.running
        return Response(
            health_body(
                last_process=bot.last_process, bot_start=ctx.bot_start, bot_startup=bot.startup_time
            )
        )


class EdgeView(APIView):
    """Edge's accepted pairs and figures; 502 "Edge is not enabled." otherwise (§2.2)."""

    @extend_schema(responses={200: EdgePairSchema(many=True), 502: None})
    def get(self, request):
        bot = bot_context().running
        rows = bot.edge_rows() if bot is not None else None
        if rows is None:
            raise BotOperationError(EDGE_DISABLED)
        return Response(rows)


class ApiRootView(APIView):
    """``/api/v1/``: every endpoint by name, the browsable API's front page."""

    @extend_schema(exclude=True)
    def get(self, request):
        links = {}
        # The table by its module name: importing api.urls here would close a circle (it
        # imports this module for the views it routes to).
        for pattern in get_resolver(API_URLCONF).url_patterns:
            route = str(getattr(pattern, "pattern", ""))
            name = getattr(pattern, "name", None)
            if name and route.startswith("api/v1/") and "<" not in route:
                links[name] = request.build_absolute_uri("/" + route)
        return Response(links)
