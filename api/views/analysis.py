"""Lookahead- and recursive-analysis in webserver mode (contract §2.6, API 2.49): start a job,
read it back. The job runs in a worker, like a backtest (``bot_engine.backtest.jobs``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.audit import ActsForCaller
from api.context import webserver_config
from api.exceptions import DetailError
from api.params import parse_body
from api.serializers import analysis as bodies
from api.views.backtest import WEBSERVER, not_found
from bot_engine.backtest import lookahead
from bot_engine.backtest.analysis_jobs import LOOKAHEAD, RECURSIVE
from bot_engine.backtest.options import BacktestOptions
from bot_engine.exceptions import TradeplaneError
from bot_engine.selectors.candles import NoCandleData, parse_timerange
from bot_engine.services import analysis as services


class _AnalysisStart(ActsForCaller, APIView):
    permission_classes = WEBSERVER
    category = ""
    request_class: type = bodies.LookaheadRequest

    def post(self, request):
        body = {k: v for k, v in parse_body(request, self.request_class).items() if v is not None}
        problem = self.problem(body)
        if problem:
            raise DetailError(problem, status.HTTP_400_BAD_REQUEST)
        try:
            run = services.analysis_start(
                config=webserver_config(), category=self.category, body=body
            )
        except services.AnalysisRefused as exc:
            raise DetailError(str(exc), status.HTTP_400_BAD_REQUEST) from None
        return Response(bodies.started(run))

    def problem(self, body: dict) -> str | None:
        try:
            parse_timerange(body.get("timerange"))
        except NoCandleData as exc:
            return str(exc)
        return None


class LookaheadView(_AnalysisStart):
    category = LOOKAHEAD
    request_class = bodies.LookaheadRequest

    @extend_schema(request=bodies.LookaheadRequest, responses=dict)
    def post(self, request):
        return super().post(request)

    def problem(self, body: dict) -> str | None:
        found = super().problem(body)
        if found:
            return found
        request = lookahead.LookaheadRequest(
            minimum_trade_amount=body["minimum_trade_amount"],
            targeted_trade_amount=body["targeted_trade_amount"],
        )
        options = BacktestOptions(strategy=body["strategy"], timerange=body.get("timerange"))
        return lookahead.check_request(request, options)


class RecursiveView(_AnalysisStart):
    category = RECURSIVE
    request_class = bodies.RecursiveRequest

    @extend_schema(request=bodies.RecursiveRequest, responses=dict)
    def post(self, request):
        return super().post(request)


class _AnalysisJob(APIView):
    permission_classes = WEBSERVER
    category = ""

    @extend_schema(request=None, responses=dict)
    def get(self, request, jobid: str):
        try:
            run = services.analysis_job(
                config=webserver_config(), category=self.category, job_id=jobid
            )
        except TradeplaneError as exc:
            raise not_found(exc) from None
        return Response(bodies.job_body(run))


class LookaheadJobView(_AnalysisJob):
    category = LOOKAHEAD


class RecursiveJobView(_AnalysisJob):
    category = RECURSIVE
