"""JWTs in Freqtrade's format (contract §1.5): ``{"identity":{"u"},"exp","iat","type"}``, HS256.

Beside Freqtrade's claims a token carries a ``jti`` (so logout can blacklist it through
simplejwt's token blacklist), a keyed fingerprint of the password it was issued under (so a
password change ends it) and, for a Django user, the user id ``uid``. A token without ``uid``
belongs to the config's ``api_server.username``, the bot's own admin.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import Token

from api.context import api_server_config

ACCESS_LIFETIME = timedelta(minutes=15)
REFRESH_LIFETIME = timedelta(days=30)
_FALLBACK_SECRET = secrets.token_hex(32)  # no configured key: tokens die with the process
PASSWORD_CLAIM = "pwh"
USER_CLAIM = "uid"
PASSWORD_CHANGED = "Token was issued before the password changed"
USER_GONE = "Token user is inactive or deleted"
REVOKED = "Token was revoked"
REMEMBERED_TOKENS = 1024  # verified signatures kept per key (RememberingTokenBackend)


def signing_key() -> str:
    return api_server_config().jwt_secret_key or _FALLBACK_SECRET


def password_fingerprint(password: str | None = None) -> str:
    """16 hex digits of HMAC(signing key, password): useless to anyone without the key.

    ``password`` is a Django user's stored hash; None means the config's API password.
    """
    secret = api_server_config().password if password is None else password
    return hmac.new(signing_key().encode(), secret.encode(), hashlib.sha256).hexdigest()[:16]


@functools.cache
def _revoked_sql() -> str:
    # The query of BlacklistedToken.objects.filter(token__jti=jti).exists(), written out once:
    # every authenticated request asks it, and building it through the ORM costs ten times
    # what the database takes to answer.
    quote = connection.ops.quote_name
    blacklisted, outstanding = BlacklistedToken._meta, OutstandingToken._meta
    b_table, o_table = quote(blacklisted.db_table), quote(outstanding.db_table)
    token_id = quote(blacklisted.get_field("token").column)
    jti = quote(outstanding.get_field("jti").column)
    return (
        f"SELECT 1 FROM {b_table} INNER JOIN {o_table} "
        f"ON {b_table}.{token_id} = {o_table}.{quote(outstanding.pk.column)} "
        f"WHERE {o_table}.{jti} = %s LIMIT 1"
    )


def is_revoked(jti: str) -> bool:
    """Whether the token with this ``jti`` was blacklisted (logout, ``revoke``)."""
    with connection.cursor() as cursor:
        cursor.execute(_revoked_sql(), [jti])
        return cursor.fetchone() is not None


class RememberingTokenBackend(TokenBackend):
    """HS256 with one key, remembering the signatures it checked.

    FreqUI sends the same access token with every call for its 15 minutes, and checking the
    signature again each time was a third of a trivial request's work. Only the signature
    and the token's fixed claims are remembered: expiry, the password fingerprint and
    revocation are checked on every use (``FreqtradeToken.verify``).
    """

    def __init__(self, key: str) -> None:
        super().__init__("HS256", key)
        self._checked: dict[str, dict] = {}

    def decode(self, token, verify: bool = True) -> dict:
        if not verify:
            return super().decode(token, verify=False)
        payload = self._checked.get(token)
        if payload is None:
            payload = super().decode(token)
            if len(self._checked) >= REMEMBERED_TOKENS:
                self._checked.clear()
            self._checked[token] = payload
        return dict(payload)


@functools.lru_cache(maxsize=4)
def token_backend(key: str) -> RememberingTokenBackend:
    """The backend of a signing key (a reload may change the key: a new backend, forgetting)."""
    return RememberingTokenBackend(key)


class FreqtradeToken(Token):
    """A simplejwt token signed with the configured ``jwt_secret_key``."""

    def get_token_backend(self) -> TokenBackend:
        return token_backend(signing_key())

    def verify(self) -> None:
        super().verify()
        claim = self.payload.get(PASSWORD_CLAIM)
        if not isinstance(claim, str) or not hmac.compare_digest(claim, self._fingerprint()):
            raise TokenError(PASSWORD_CHANGED)
        jti = self.payload.get("jti")
        if jti and is_revoked(jti):
            raise TokenError(REVOKED)

    def _fingerprint(self) -> str:
        if self.user_id is None:
            return password_fingerprint()
        user = self.user
        if user is None:
            raise TokenError(USER_GONE)
        return password_fingerprint(user.password)

    @classmethod
    def for_username(cls, username: str) -> FreqtradeToken:
        """A token of the config's API user."""
        token = cls()
        token["identity"] = {"u": username}
        token[PASSWORD_CLAIM] = password_fingerprint()
        return token

    @classmethod
    def for_django_user(cls, user) -> FreqtradeToken:
        token = cls()
        token["identity"] = {"u": user.get_username()}
        token[USER_CLAIM] = user.pk
        token[PASSWORD_CLAIM] = password_fingerprint(user.password)
        return token

    @property
    def username(self) -> str | None:
        identity = self.payload.get("identity")
        return identity.get("u") if isinstance(identity, dict) else None

    @property
    def user_id(self) -> int | None:
        uid = self.payload.get(USER_CLAIM)
        return uid if isinstance(uid, int) else None

    @property
    def user(self):
        """The active Django user of a ``uid`` token (cached), else None."""
        if not hasattr(self, "_user"):
            self._user = (
                get_user_model().objects.filter(pk=self.user_id, is_active=True).first()
                if self.user_id is not None
                else None
            )
        return self._user

    def revoke(self) -> None:
        """Blacklist this token (simplejwt's token_blacklist tables)."""
        jti = self.payload.get("jti")
        if not jti:
            return
        expires = datetime.fromtimestamp(self.payload["exp"], tz=UTC)
        outstanding, _ = OutstandingToken.objects.get_or_create(
            jti=jti,
            defaults={"token": str(self), "expires_at": expires, "user": self.user},
        )
        BlacklistedToken.objects.get_or_create(token=outstanding)


class FreqtradeAccessToken(FreqtradeToken):
    token_type = "access"
    lifetime = ACCESS_LIFETIME


class FreqtradeRefreshToken(FreqtradeToken):
    token_type = "refresh"
    lifetime = REFRESH_LIFETIME


def token_pair(username: str) -> dict[str, str]:
    """Access and refresh token of the config's API user."""
    return {
        "access_token": str(FreqtradeAccessToken.for_username(username)),
        "refresh_token": str(FreqtradeRefreshToken.for_username(username)),
    }


def user_token_pair(user) -> dict[str, str]:
    return {
        "access_token": str(FreqtradeAccessToken.for_django_user(user)),
        "refresh_token": str(FreqtradeRefreshToken.for_django_user(user)),
    }


def access_token_for(refresh: FreqtradeRefreshToken) -> str:
    """A new access token for the same user as ``refresh``."""
    if refresh.user_id is not None:
        return str(FreqtradeAccessToken.for_django_user(refresh.user))
    return str(FreqtradeAccessToken.for_username(refresh.username))
