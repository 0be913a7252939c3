"""JSON answers for paths and errors Django handles outside DRF (contract §0)."""

from __future__ import annotations

from django.http import HttpResponse

from api.exceptions import BODY_TOO_LARGE, NOT_FOUND
from api.renderers import dumps


def json_response(body: dict, status: int) -> HttpResponse:
    return HttpResponse(dumps(body), status=status, content_type="application/json")


def not_found(request, exception=None, **kwargs) -> HttpResponse:
    """Unknown path → 404 ``{"detail":"Not Found"}`` (also usable as ``handler404``)."""
    return json_response({"detail": NOT_FOUND}, 404)


def bad_request(request, exception=None, **kwargs) -> HttpResponse:
    """``handler400`` (suspicious or oversized requests outside DRF): JSON, never HTML."""
    from django.core.exceptions import RequestDataTooBig

    if isinstance(exception, RequestDataTooBig):
        return json_response({"detail": BODY_TOO_LARGE}, 413)
    return json_response({"detail": "Bad Request"}, 400)


def server_error(request, *args, **kwargs) -> HttpResponse:
    """``handler500``: a crash is still JSON, so freqtrade-client's ``resp.json()`` works."""
    return json_response({"detail": "Internal Server Error"}, 500)
