"""The Prometheus scrape credential: ``Authorization: Bearer <api_server.metrics_token>``."""

from __future__ import annotations

import hmac

from rest_framework import authentication

from api.auth.authentication import ApiUser, Credential, authorization_header
from api.context import api_server_config

METRICS_TOKEN = Credential("metrics_token")


class MetricsTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <api_server.metrics_token>``; any other value falls through to
    the normal Bearer (JWT, API key) and Basic checks, which answer 401 when it is wrong."""

    def authenticate(self, request):
        token = api_server_config().metrics_token
        scheme, value = authorization_header(request)
        if not token or scheme != "bearer":
            return None
        if not hmac.compare_digest(value.encode(), token.encode()):
            return None
        return ApiUser("metrics"), METRICS_TOKEN

    def authenticate_header(self, request) -> str:
        return "Bearer"
