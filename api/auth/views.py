"""``POST /token/login`` (Basic → JWT pair), ``POST /token/refresh`` (contract §1.3–1.4) and
``POST /token/logout`` (blacklists the tokens it is given; Tradeplane only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError

from api.auth.authentication import (
    ApiUser,
    BasicIncorrect,
    BearerInvalid,
    authorization_header,
    basic_login,
)
from api.auth.tokens import (
    FreqtradeAccessToken,
    FreqtradeRefreshToken,
    FreqtradeToken,
    access_token_for,
    token_pair,
    user_token_pair,
)


class AccessAndRefreshToken(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()


class AccessToken(serializers.Serializer):
    access_token = serializers.CharField()


class TokenLoginView(APIView):
    """Exchange HTTP Basic credentials for a JWT pair; the body is ignored."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses=AccessAndRefreshToken, auth=[{"basicAuth": []}])
    def post(self, request: Request) -> Response:
        scheme, value = authorization_header(request)
        user = basic_login(request, scheme, value, incorrect=BasicIncorrect)
        if isinstance(user, ApiUser):
            return Response(token_pair(user.username))
        return Response(user_token_pair(user))


class TokenRefreshView(APIView):
    """A new access token for a refresh token; the refresh token is not rotated."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses=AccessToken, auth=[{"jwtAuth": []}])
    def post(self, request: Request) -> Response:
        scheme, value = authorization_header(request)
        if scheme != "bearer":
            raise BearerInvalid()
        try:
            refresh = FreqtradeRefreshToken(value)
        except TokenError as exc:
            raise BearerInvalid() from exc
        if not refresh.username:
            raise BearerInvalid()
        return Response({"access_token": access_token_for(refresh)})


class LogoutRequest(serializers.Serializer):
    refresh_token = serializers.CharField(required=False)


class LogoutResult(serializers.Serializer):
    status = serializers.CharField()


LOGGED_OUT = "Tokens revoked"


class TokenLogoutView(APIView):
    """Revoke the Bearer access token and the ``refresh_token`` of the body (either may be
    missing); a revoked token is refused from then on, even before it expires."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=LogoutRequest, responses=LogoutResult, auth=[{"jwtAuth": []}])
    def post(self, request: Request) -> Response:
        tokens: list[FreqtradeToken] = []
        scheme, value = authorization_header(request)
        raw_refresh = request.data.get("refresh_token") if isinstance(request.data, dict) else None
        try:
            if scheme == "bearer":
                tokens.append(FreqtradeAccessToken(value))
            if raw_refresh:
                tokens.append(FreqtradeRefreshToken(str(raw_refresh)))
        except TokenError as exc:
            raise BearerInvalid() from exc
        if not tokens:
            raise BearerInvalid()
        for token in tokens:
            token.revoke()
        return Response({"status": LOGGED_OUT})
