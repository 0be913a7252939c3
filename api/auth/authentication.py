"""DRF authentication classes with Freqtrade's exact 401 answers (contract §1.2–1.4).

Order in ``REST_FRAMEWORK``: Bearer, then Basic, then the browser session. A request carrying
an ``Authorization`` header is decided by that header alone (no CSRF check, no session).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from rest_framework import authentication, exceptions, status
from rest_framework_simplejwt.exceptions import TokenError

from api.auth import throttling
from api.auth.tokens import FreqtradeAccessToken
from api.context import api_server_config

UNAUTHORIZED = "Unauthorized"
COULD_NOT_VALIDATE = "Could not validate credentials"
NOT_AUTHENTICATED = "Not authenticated"
INCORRECT_CREDENTIALS = "Incorrect username or password"


class ApiAuthFailed(exceptions.APIException):
    """A 401 with a fixed body and an optional ``WWW-Authenticate`` challenge."""

    status_code = status.HTTP_401_UNAUTHORIZED
    challenge: str | None = None


class Unauthorized(ApiAuthFailed):
    default_detail = UNAUTHORIZED  # no challenge: a browser login box would cover FreqUI


class BearerInvalid(ApiAuthFailed):
    default_detail = COULD_NOT_VALIDATE
    challenge = "Bearer"


class BasicMissing(ApiAuthFailed):
    default_detail = NOT_AUTHENTICATED
    challenge = "Basic"


class BasicIncorrect(ApiAuthFailed):
    default_detail = INCORRECT_CREDENTIALS


@dataclass(frozen=True)
class ApiUser:
    """The one API user (the config's ``username``); not a database row."""

    username: str
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_anonymous: bool = False

    def __str__(self) -> str:
        return self.username


def authorization_header(request) -> tuple[str, str]:
    """(scheme lower-cased, credentials) of the Authorization header, or ("", "")."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.strip().partition(" ")
    return scheme.lower(), value.strip()


def decode_basic(value: str) -> tuple[str, str] | None:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def basic_credentials_match(user: str, password: str) -> bool:
    api = api_server_config()
    # Both compared, always, in constant time: no early exit leaks which part was wrong.
    user_ok = hmac.compare_digest(user.encode(), api.username.encode())
    password_ok = hmac.compare_digest(password.encode(), api.password.encode())
    return user_ok and password_ok and bool(api.username)


def access_token_user(raw: str) -> ApiUser:
    try:
        token = FreqtradeAccessToken(raw)
    except TokenError as exc:
        raise BearerInvalid() from exc
    if not token.username:
        raise BearerInvalid()
    return ApiUser(token.username)


class BearerAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <access jwt>``; a refresh token is refused."""

    def authenticate(self, request):
        scheme, value = authorization_header(request)
        if scheme != "bearer":
            return None
        return access_token_user(value), value

    def authenticate_header(self, request) -> str:
        return "Bearer"


class ConfigBasicAuthentication(authentication.BaseAuthentication):
    """HTTP Basic against ``api_server.username``/``password``."""

    def authenticate(self, request):
        scheme, value = authorization_header(request)
        if scheme != "basic":
            return None
        throttling.check_not_blocked(request)
        credentials = decode_basic(value)
        if credentials is None:
            raise BasicMissing()
        if not basic_credentials_match(*credentials):
            throttling.record_failure(request)
            raise Unauthorized()
        throttling.record_success(request)
        return ApiUser(credentials[0]), None


class BrowserSessionAuthentication(authentication.SessionAuthentication):
    """Django session (browsable API, admin); ignored when an Authorization header is sent."""

    def authenticate(self, request):
        if request.META.get("HTTP_AUTHORIZATION"):
            return None
        return super().authenticate(request)
