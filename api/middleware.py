"""HTTP middleware of the API: CORS preflight answers as Freqtrade's server gives them, the
Content-Security-Policy of the pages a browser renders (admin, ``/docs``, browsable API), and
Django's browser-session middleware left out of the calls that cannot be in a session."""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

API_PREFIX = "/api/v1/"
BROWSABLE_API_LOGIN = "/api/v1/auth/"  # DRF's login pages (api/urls.py): plain Django forms


def is_sessionless_api_call(request) -> bool:
    """An API call that sends no cookie and does not ask for a page.

    Without a cookie there is no session, no CSRF token and no logged-in user to find, so the
    session, CSRF, user and message middleware have nothing to do; with a cookie, or when a
    browser navigates to the browsable API (``Accept: text/html``: its forms want a CSRF
    cookie), they run as usual, as they do for the login pages. Every other ``/api/v1/`` view
    is a DRF view (CSRF-exempt; DRF checks CSRF itself for session logins) or a GET.
    """
    meta = request.META
    return (
        not meta.get("HTTP_COOKIE")
        and request.path_info.startswith(API_PREFIX)
        and not request.path_info.startswith(BROWSABLE_API_LOGIN)
        and "text/html" not in meta.get("HTTP_ACCEPT", "")
    )


class BrowserOnly:
    """Mixin for a browser-session middleware: a session-less API call passes it untouched.

    FreqUI, freqtrade-client and scripts send a token or Basic credentials on every call;
    these four middleware were a quarter of a trivial call's work in Django.
    """

    def __call__(self, request):
        if is_sessionless_api_call(request):
            return self.get_response(request)
        return super().__call__(request)


class BrowserSessionMiddleware(BrowserOnly, SessionMiddleware):
    pass


class BrowserAuthenticationMiddleware(BrowserOnly, AuthenticationMiddleware):
    pass


class BrowserMessageMiddleware(BrowserOnly, MessageMiddleware):
    pass


class BrowserCsrfViewMiddleware(BrowserOnly, CsrfViewMiddleware):
    def process_view(self, request, callback, callback_args, callback_kwargs):
        if is_sessionless_api_call(request):
            return None
        return super().process_view(request, callback, callback_args, callback_kwargs)


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
