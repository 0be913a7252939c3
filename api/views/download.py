"""FreqUI's Download data page (webserver mode, contract §2.5, API 2.41+): the existing
download code (``bot_engine/data/download.py``) run as a background job."""

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
from api.views.backtest import WEBSERVER
from bot_engine.selectors.candles import NoCandleData, parse_timerange
from bot_engine.services import pairlists as services


class DownloadDataView(ActsForCaller, APIView):
    permission_classes = WEBSERVER

    @extend_schema(request=bodies.DownloadDataPayload, responses=dict)
    def post(self, request):
        body = {
            k: v
            for k, v in parse_body(request, bodies.DownloadDataPayload).items()
            if v is not None
        }
        try:
            parse_timerange(body.get("timerange"))
        except NoCandleData as exc:
            raise DetailError(str(exc), status.HTTP_400_BAD_REQUEST) from None
        try:
            run = services.download_data_start(config=webserver_config(), body=body)
        except services.JobRefused as exc:
            raise DetailError(str(exc), status.HTTP_400_BAD_REQUEST) from None
        return Response(bodies.started(run, bodies.DOWNLOAD_STARTED))
