"""HTTP middleware of the API: CORS preflight answers as Freqtrade's server gives them."""

from __future__ import annotations

from django.http import HttpResponse


class RejectDisallowedPreflight:
    """A preflight from an origin not in ``CORS_origins`` gets 400 (contract §1.7).

    django-cors-headers answers such a preflight 200 without CORS headers; the browser refuses it
    either way, but Freqtrade's clients and tests expect the explicit 400. Listed before
    ``CorsMiddleware`` so it sees that middleware's answer.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        is_preflight = (
            request.method == "OPTIONS"
            and "HTTP_ORIGIN" in request.META
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
        )
        if is_preflight and not response.has_header("access-control-allow-origin"):
            return HttpResponse("Disallowed CORS origin", status=400, content_type="text/plain")
        return response
