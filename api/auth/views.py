"""``POST /token/login`` (Basic → JWT pair) and ``POST /token/refresh`` (contract §1.3–1.4)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError

from api.auth import throttling
from api.auth.authentication import (
    BasicIncorrect,
    BasicMissing,
    BearerInvalid,
    authorization_header,
    basic_credentials_match,
    decode_basic,
)
from api.auth.tokens import FreqtradeAccessToken, FreqtradeRefreshToken, token_pair


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
        throttling.check_not_blocked(request)
        scheme, value = authorization_header(request)
        credentials = decode_basic(value) if scheme == "basic" else None
        if credentials is None:
            raise BasicMissing()
        if not basic_credentials_match(*credentials):
            throttling.record_failure(request)
            raise BasicIncorrect()
        throttling.record_success(request)
        return Response(token_pair(credentials[0]))


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
        return Response({"access_token": str(FreqtradeAccessToken.for_username(refresh.username))})
