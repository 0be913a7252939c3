"""The API's content negotiation gives DRF's answer, only faster for common ``Accept`` values."""

from __future__ import annotations

import pytest
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import StaticHTMLRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.negotiation import ApiContentNegotiation
from api.renderers import BrowsableAPIRenderer, OrjsonRenderer

ACCEPT = [
    None,
    "",
    "*/*",
    "application/json",
    "application/json, text/plain, */*",  # FreqUI (axios)
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  # a browser
    "text/html",
    "text/plain",
    "application/json; indent=4",
    "text/html; level=1, application/json",
    "Application/JSON",
    " application/json ",
    "text/html, application/json",
    "application/*",
    "*/*;q=0.1",
    "application/vnd.oai.openapi+json",
    "application/json," + "x/y," * 70,  # past DRF's 64 tokens
]
RENDERERS = [
    (OrjsonRenderer, BrowsableAPIRenderer),  # the API's default
    (BrowsableAPIRenderer, OrjsonRenderer),
    (OpenApiYamlRenderer, OpenApiJsonRenderer),
    (StaticHTMLRenderer,),
]


def answer(negotiation, accept, query, renderers, suffix):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get("/api/v1/ping" + query, **headers))
    try:
        renderer, media_type = negotiation.select_renderer(
            request, [kind() for kind in renderers], suffix
        )
    except Exception as exc:  # noqa: BLE001  (the refusal is part of the answer compared)
        return type(exc).__name__
    return type(renderer).__name__, media_type


@pytest.mark.parametrize("accept", ACCEPT)
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api", "?limit=1"])
@pytest.mark.parametrize("renderers", RENDERERS)
@pytest.mark.parametrize("suffix", [None, "json"])
def test_same_answer_as_drf(accept, query, renderers, suffix):
    expected = answer(DefaultContentNegotiation(), accept, query, renderers, suffix)
    assert answer(ApiContentNegotiation(), accept, query, renderers, suffix) == expected
