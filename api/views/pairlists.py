"""FreqUI's pairlist configurator (webserver mode, contract §2.5): the handlers on offer, and
an evaluation of a chain as a background job."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.audit import ActsForCaller
from api.context import webserver_config
from api.exceptions import DetailError
from api.params import parse_body
from api.serializers import pairlists as bodies
from api.views.backtest import WEBSERVER, not_found
from bot_engine.pairlists.registry import available_pairlists
from bot_engine.selectors.backtest import BacktestNotFound
from bot_engine.services import pairlists as services


class PairlistsAvailableView(APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=None, responses=dict)
    def get(self, request):
        return Response({"pairlists": available_pairlists()})


class PairlistsEvaluateView(ActsForCaller, APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=bodies.PairListsPayload, responses=dict)
    def post(self, request):
        body = {
            k: v for k, v in parse_body(request, bodies.PairListsPayload).items() if v is not None
        }
        config = webserver_config()
        body["stake_currency"] = body.get("stake_currency") or config.stake_currency
        try:
            run = services.pairlist_evaluate_start(config=config, body=body)
        except services.JobRefused as exc:
            raise DetailError(str(exc), status.HTTP_400_BAD_REQUEST) from None
        return Response(bodies.started(run, bodies.EVALUATION_STARTED))


class PairlistsEvaluateJobView(APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=None, responses=dict)
    def get(self, request, jobid: str):
        try:
            run = services.pairlist_evaluation(config=webserver_config(), job_id=jobid)
        except BacktestNotFound as exc:
            raise not_found(exc) from None
        except services.JobRefused as exc:
            raise DetailError(str(exc), status.HTTP_400_BAD_REQUEST) from None
        return Response(bodies.evaluation_body(run))
