"""Backtesting in webserver mode (contract §2.6): start, watch, abort and reset the caller's
job; the history of finished runs. A trading bot's process answers 503 to all of them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.audit import ActsForCaller, request_actor
from api.context import webserver_config
from api.exceptions import NOT_IN_STATE, DetailError, RequestValidationError
from api.params import parse_body, parse_query
from api.permissions import HasBotRole
from api.serializers import backtest as bodies
from bot_engine.exceptions import BotNotRunning
from bot_engine.runtime import get_running_bot
from bot_engine.selectors import backtest as selectors
from bot_engine.services import backtest as services


class WebserverMode(permissions.BasePermission):
    """Backtests run beside a webserver, never beside a trading bot (Freqtrade: 503)."""

    def has_permission(self, request, view) -> bool:
        if request.method == "OPTIONS" or get_running_bot() is None:
            return True
        raise BotNotRunning(NOT_IN_STATE)


WEBSERVER = [HasBotRole, WebserverMode]


def not_found(exc: Exception, code: int = status.HTTP_404_NOT_FOUND) -> DetailError:
    return DetailError(str(exc), code)


class BacktestView(ActsForCaller, APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=None, responses=dict)
    def get(self, request):
        config = webserver_config()
        run = selectors.current_job(config.bot_name, request_actor(request))
        return Response(bodies.job_status(run))

    @extend_schema(request=bodies.BacktestRequest, responses=dict)
    def post(self, request):
        body = _start_body(request)
        services.backtest_start(config=webserver_config(), body=body)
        return Response(bodies.STARTED)

    @extend_schema(request=None, responses=dict)
    def delete(self, request):
        running = services.backtest_reset(config=webserver_config())
        return Response(bodies.job_status(running) if running else bodies.RESET)


def _start_body(request) -> dict:
    """The validated start body; a missing field reads as FastAPI writes it (FreqUI shows it)."""
    try:
        data = parse_body(request, bodies.BacktestRequest)
    except RequestValidationError as exc:
        for item in exc.items:
            if item["type"] == "missing":
                item.update(msg="Field required", input=request.data)
        raise
    return {key: value for key, value in data.items() if value is not None}


class BacktestAbortView(ActsForCaller, APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=None, responses=dict)
    def get(self, request):
        return Response(bodies.abort_body(services.backtest_abort(config=webserver_config())))


def history_config():
    """The webserver's config, once the runs stored by someone else have rows
    (``services.history_adopt_files``): every history call sees what the folder holds."""
    config = webserver_config()
    services.history_adopt_files(config=config)
    return config


class HistoryView(APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=None, responses=dict)
    def get(self, request):
        runs = list(selectors.history_rows(history_config().bot_name))
        return Response(bodies.history_entries(runs))


class HistoryResultView(APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=None, parameters=[bodies.HistoryQuery], responses=dict)
    def get(self, request):
        query = parse_query(request, bodies.HistoryQuery)
        try:
            run = selectors.history_result(
                history_config().bot_name, query["filename"], query["strategy"]
            )
        except selectors.BacktestNotFound as exc:
            raise not_found(exc) from None
        return Response(bodies.history_result(run, query["strategy"]))


class HistoryFileView(ActsForCaller, APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=bodies.NotesRequest, responses=dict)
    def patch(self, request, file: str):
        body = parse_body(request, bodies.NotesRequest)
        try:
            runs = services.history_set_notes(config=history_config(), filename=file, **body)
        except selectors.BacktestNotFound as exc:
            raise not_found(exc) from None
        except services.BacktestRefused as exc:
            raise not_found(exc, status.HTTP_400_BAD_REQUEST) from None
        return Response(bodies.history_entries(runs))

    @extend_schema(request=None, responses=dict)
    def delete(self, request, file: str):
        config = history_config()
        try:
            services.history_delete(config=config, filename=file)
        except selectors.BacktestNotFound as exc:
            raise not_found(exc) from None
        return Response(bodies.history_entries(list(selectors.history_rows(config.bot_name))))


class MarketChangeView(APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=None, responses=dict)
    def get(self, request, file: str):
        try:
            series = selectors.market_change(history_config(), file)
        except selectors.BacktestNotFound as exc:
            raise not_found(exc) from None
        return Response(bodies.series_body(series))


class WalletView(APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=None, responses=dict)
    def get(self, request, file: str, strategy: str):
        try:
            series = selectors.wallet(history_config(), file, strategy)
        except selectors.BacktestNotFound as exc:
            raise not_found(exc, status.HTTP_400_BAD_REQUEST) from None
        return Response(bodies.wallet_body(series))
