"""REST framework, JWT and OpenAPI settings of the API app, from the bot config's ``api_server``.

``controlplane/settings.py`` imports the names it needs from here (no star import).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from controlplane.bootstrap import settings_config

_api = settings_config().api_server

# Without a configured secret nobody can log in with a JWT anyway; a per-process random key
# keeps tokens from an unconfigured bot useless instead of forgeable.
_JWT_SECRET = _api.jwt_secret_key or secrets.token_hex(32)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.authentication.BearerAuthentication",
        "api.auth.authentication.ConfigBasicAuthentication",
        "api.auth.authentication.BrowserSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasBotRole"],
    "DEFAULT_RENDERER_CLASSES": [
        "api.renderers.OrjsonRenderer",
        "api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.TolerantJSONParser",
        "api.parsers.AnyContentJSONParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.ApiContentNegotiation",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}

# Freqtrade's token format (contract §1.5): {"identity":{"u":...},"exp","iat","type"}.
SIMPLE_JWT = {
    "ALGORITHM": "HS256",
    "SIGNING_KEY": _JWT_SECRET,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=30),
    "ROTATE_REFRESH_TOKENS": False,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "TOKEN_TYPE_CLAIM": "type",
    "JTI_CLAIM": "jti",  # for logout through the token blacklist
    "USER_ID_CLAIM": "identity",
    "USER_ID_FIELD": "username",
    "AUTH_TOKEN_CLASSES": ("api.auth.tokens.FreqtradeAccessToken",),
    "LEEWAY": 0,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tradeplane REST API",
    "DESCRIPTION": "Freqtrade-compatible control API of a Tradeplane bot.",
    "VERSION": "2.50",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.forbid_extra_keys",
    ],
}

API_ENABLE_OPENAPI = _api.enable_openapi
