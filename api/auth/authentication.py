"""DRF authentication classes with Freqtrade's exact 401 answers (contract §1.2–1.4).

Order in ``REST_FRAMEWORK``: Bearer, then Basic, then the browser session. A request carrying
an ``Authorization`` header is decided by that header alone (no CSRF check, no session).

Who can log in: the config's ``api_server.username`` (the bot's admin, not a database row) and
Django users (their role on the bot is decided by ``api.permissions``). A Bearer value is a
JWT, or an API key (``tpk_...``). ``request.auth`` is a ``Credential`` saying which.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from rest_framework import authentication, exceptions, status
from rest_framework_simplejwt.exceptions import TokenError

from api.auth import throttling
from api.auth.tokens import FreqtradeAccessToken
from api.context import api_server_config
from bot_engine.models import ApiKey
from bot_engine.services import access

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

    def get_username(self) -> str:
        return self.username


@dataclass(frozen=True)
class Credential:
    """What authenticated a request: ``basic``, ``jwt``, ``api_key`` (with the key) or
    ``session``."""

    kind: str
    api_key: ApiKey | None = None

    def __str__(self) -> str:
        return f"api_key:{self.api_key.prefix}" if self.api_key else self.kind


BASIC = Credential("basic")
JWT = Credential("jwt")


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


# Basic clients (freqtrade-client, curl) send the password with every request, and Django's
# password hasher takes ~0.3 s by design. A successful check is remembered for a few minutes,
# keyed by an HMAC of (user id, stored hash, password): a changed password misses the cache.
_VERIFIED: dict[bytes, float] = {}
_VERIFIED_KEY = secrets.token_bytes(32)
VERIFIED_TTL_SECS = 300.0
VERIFIED_MAX = 10_000


def _verified_key(user, password: str) -> bytes:
    message = f"{user.pk}:{user.password}:{password}".encode()
    return hmac.new(_VERIFIED_KEY, message, hashlib.sha256).digest()


def django_user(request, username: str, password: str):
    """The active Django user with these credentials, or None."""
    model = get_user_model()
    user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    if user is None or not user.is_active:
        model().set_password(password)  # the hasher's time, as for a real user (no user hint)
        return None
    if _VERIFIED.get(_verified_key(user, password), 0.0) > time.monotonic():
        return user
    if not user.check_password(password):
        return None
    if len(_VERIFIED) >= VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[_verified_key(user, password)] = time.monotonic() + VERIFIED_TTL_SECS
    return user


def access_token_user(raw: str):
    """The user of a valid access token: an ``ApiUser`` or a Django user."""
    try:
        token = FreqtradeAccessToken(raw)
    except TokenError as exc:
        raise BearerInvalid() from exc
    if token.user_id is not None:
        return token.user  # verify() already refused a missing or inactive user
    if not token.username:
        raise BearerInvalid()
    return ApiUser(token.username)


def api_key_user(request, raw: str) -> tuple:
    throttling.check_not_blocked(request)
    key = access.api_key_check(raw)
    if key is None:
        throttling.record_failure(request)
        raise BearerInvalid()
    return key.user, Credential("api_key", key)


def basic_user(request, user: str, password: str):
    """The config's API user or a Django user for these credentials, else None."""
    if basic_credentials_match(user, password):
        return ApiUser(user)
    return django_user(request, user, password)


class BearerAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <access jwt>``; a refresh token is refused."""

    def authenticate(self, request):
        scheme, value = authorization_header(request)
        if scheme != "bearer":
            return None
        if access.looks_like_api_key(value):
            return api_key_user(request, value)
        return access_token_user(value), JWT

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
        user = basic_user(request, *credentials)
        if user is None:
            throttling.record_failure(request)
            raise Unauthorized()
        throttling.record_success(request)
        return user, BASIC


class BrowserSessionAuthentication(authentication.SessionAuthentication):
    """Django session (browsable API, admin); ignored when an Authorization header is sent."""

    def authenticate(self, request):
        if request.META.get("HTTP_AUTHORIZATION"):
            return None
        result = super().authenticate(request)
        return (result[0], Credential("session")) if result else None
