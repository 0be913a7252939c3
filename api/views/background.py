"""Webserver-mode background jobs (contract: ``/background``): the stored backtest jobs."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.audit import ActsForCaller
from api.context import webserver_config
from api.serializers import backtest as bodies
from api.views.backtest import WEBSERVER, not_found
from bot_engine.selectors import backtest as selectors
from bot_engine.services import backtest as services


class BackgroundView(APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=None, responses=dict)
    def get(self, request):
        runs = selectors.background_jobs(webserver_config().bot_name)
        return Response([bodies.background_job(run) for run in runs])


class BackgroundJobView(ActsForCaller, APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=None, responses=dict)
    def get(self, request, jobid: str):
        try:
            run = selectors.background_job(webserver_config().bot_name, jobid)
        except selectors.BacktestNotFound as exc:
            raise not_found(exc) from None
        return Response(bodies.background_job(run))

    @extend_schema(request=None, responses=dict)
    def delete(self, request, jobid: str):
        try:
            run = services.background_delete(config=webserver_config(), job_id=jobid)
        except selectors.BacktestNotFound as exc:
            raise not_found(exc) from None
        except services.BacktestRefused as exc:
            raise not_found(exc, status.HTTP_400_BAD_REQUEST) from None
        return Response(bodies.background_job(run))


class BackgroundClearView(ActsForCaller, APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=None, responses=dict)
    def delete(self, request):
        runs = services.background_clear(config=webserver_config())
        return Response([bodies.background_job(run) for run in runs])
