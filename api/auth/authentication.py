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
import hmac
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


def _django_user_row(username: str):
    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


def _config_material(username: str, password: str) -> str:
    api = api_server_config()
    return f"config\0{username}\0{api.username}\0{api.password}\0{password}"


def _user_material(user, password: str) -> str:
    return f"user\0{user.pk}\0{user.password}\0{password}"


def _judged_basic_user(user, username: str, password: str):
    """The config's API user or the Django user ``user`` for this password, else None; the
    password hasher runs even without a user (no hint that a username exists)."""
    if basic_credentials_match(username, password):
        return ApiUser(username)
    if user is None or not user.is_active:
        get_user_model()().set_password(password)
        return None
    return user if user.check_password(password) else None


def basic_user(request, username: str, password: str):
    """The config's API user or a Django user for these credentials, else None.

    Throttled (``api.auth.throttling``): raises ``LoginThrottled`` for a blocked address.
    Credentials verified from this address lately are not judged again; the config's
    password is tried first, so its clients never wait for the database.
    """
    attempt = throttling.LoginAttempt(request, username)
    if attempt.is_known_good(_config_material(username, password)):
        attempt.accept_known_good()
        return ApiUser(username)
    user = _django_user_row(username)
    known = user is not None and user.is_active
    if known and attempt.is_known_good(_user_material(user, password)):
        attempt.accept_known_good()
        return user
    found = attempt.judge(lambda: _judged_basic_user(user, username, password))
    if isinstance(found, ApiUser):
        attempt.remember_good(_config_material(username, password))
    elif found is not None:
        attempt.remember_good(_user_material(found, password))
    return found


def basic_login(request, scheme: str, value: str, *, incorrect: type[ApiAuthFailed]):
    """The user of ``Authorization: <scheme> <value>`` as Basic credentials, else the refusal.

    Missing or undecodable credentials raise ``BasicMissing``; wrong ones raise ``incorrect``
    (``/token/login`` answers ``BasicIncorrect``, every other endpoint ``Unauthorized``, §1.2).
    Throttled like every password: ``LoginThrottled`` for a blocked address.
    """
    credentials = decode_basic(value) if scheme == "basic" else None
    if credentials is None:
        raise BasicMissing()
    user = basic_user(request, *credentials)
    if user is None:
        raise incorrect()
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


def bearer_user(raw: str, *, request=None) -> tuple:
    """(user, ``Credential``) of a Bearer value: an API key (``tpk_...``) or a JWT access
    token; ``BearerInvalid`` otherwise. With ``request``, an API key goes through the login
    throttle (the websocket throttles its whole handshake instead)."""
    if not access.api_key_is_well_formed(raw):
        return access_token_user(raw), JWT
    if request is None:
        key = access.api_key_check(raw)
    else:
        # Keys are random and long; they share the password throttle all the same. The key's
        # prefix stands for the username (a success forgives that key's failures only).
        attempt = throttling.LoginAttempt(request, raw[:12])
        key = attempt.judge(lambda: access.api_key_check(raw))
    if key is None:
        raise BearerInvalid()
    return key.user, Credential("api_key", key)


class BearerAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <access jwt>``; a refresh token is refused."""

    def authenticate(self, request):
        scheme, value = authorization_header(request)
        if scheme != "bearer":
            return None
        return bearer_user(value, request=request)

    def authenticate_header(self, request) -> str:
        return "Bearer"


class ConfigBasicAuthentication(authentication.BaseAuthentication):
    """HTTP Basic against ``api_server.username``/``password``."""

    def authenticate(self, request):
        scheme, value = authorization_header(request)
        if scheme != "basic":
            return None
        return basic_login(request, scheme, value, incorrect=Unauthorized), BASIC


class BrowserSessionAuthentication(authentication.SessionAuthentication):
    """Django session (browsable API, admin); ignored when an Authorization header is sent."""

    def authenticate(self, request):
        if request.META.get("HTTP_AUTHORIZATION"):
            return None
        result = super().authenticate(request)
        return (result[0], Credential("session")) if result else None
