"""HTTP middleware of the API: CORS preflight answers as Freqtrade's server gives them, and the
Content-Security-Policy of the pages a browser renders (admin, ``/docs``, browsable API)."""

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


# Every page this server renders loads its scripts, styles, images and fonts from its own static
# files (Swagger UI from drf-spectacular-sidecar, offline); no page runs an inline script. Inline
# *styles* stay allowed: the browsable API and Swagger UI use style attributes and a <style>
# block, and with img-src/font-src/connect-src limited to this origin a style cannot send data
# anywhere else. data: images are Swagger UI's icons.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicy:
    """Adds ``CONTENT_SECURITY_POLICY`` to every answer that brings no policy of its own.

    JSON answers get it too: harmless for API clients, and a browser that opens one directly is
    covered the same way. Answers relayed from another bot (api/proxy.py) get this process's, as
    they get its other security headers.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
