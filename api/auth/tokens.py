"""JWTs in Freqtrade's format (contract §1.5): ``{"identity":{"u"},"exp","iat","type"}``, HS256."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import Token

from api.context import api_server_config

ACCESS_LIFETIME = timedelta(minutes=15)
REFRESH_LIFETIME = timedelta(days=30)
_FALLBACK_SECRET = secrets.token_hex(32)  # no configured key: tokens die with the process
# Beside Freqtrade's claims: a keyed fingerprint of the API password the token was issued
# under, so changing the password ends every token issued before (changing the key does too).
PASSWORD_CLAIM = "pwh"
PASSWORD_CHANGED = "Token was issued before the API password changed"


def signing_key() -> str:
    return api_server_config().jwt_secret_key or _FALLBACK_SECRET


def password_fingerprint() -> str:
    """16 hex digits of HMAC(signing key, password): useless to anyone without the key."""
    password = api_server_config().password.encode()
    return hmac.new(signing_key().encode(), password, hashlib.sha256).hexdigest()[:16]


class FreqtradeToken(Token):
    """A simplejwt token whose key is the configured ``jwt_secret_key`` and that has no jti."""

    def get_token_backend(self) -> TokenBackend:
        return TokenBackend("HS256", signing_key())

    def set_jti(self) -> None:
        """Freqtrade's tokens carry no ``jti`` claim."""

    def verify(self) -> None:
        super().verify()
        claim = self.payload.get(PASSWORD_CLAIM)
        if not isinstance(claim, str) or not hmac.compare_digest(claim, password_fingerprint()):
            raise TokenError(PASSWORD_CHANGED)

    @classmethod
    def for_username(cls, username: str) -> FreqtradeToken:
        token = cls()
        token["identity"] = {"u": username}
        token[PASSWORD_CLAIM] = password_fingerprint()
        return token

    @property
    def username(self) -> str | None:
        identity = self.payload.get("identity")
        return identity.get("u") if isinstance(identity, dict) else None


class FreqtradeAccessToken(FreqtradeToken):
    token_type = "access"
    lifetime = ACCESS_LIFETIME


class FreqtradeRefreshToken(FreqtradeToken):
    token_type = "refresh"
    lifetime = REFRESH_LIFETIME


def token_pair(username: str) -> dict[str, str]:
    return {
        "access_token": str(FreqtradeAccessToken.for_username(username)),
        "refresh_token": str(FreqtradeRefreshToken.for_username(username)),
    }
