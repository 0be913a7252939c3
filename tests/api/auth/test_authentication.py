"""Auth exactly as contract §1.2–1.5: 401 bodies and headers, token login/refresh, sessions."""

from __future__ import annotations

import base64
import time

import jwt
import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from api.auth.authentication import (
    COULD_NOT_VALIDATE,
    INCORRECT_CREDENTIALS,
    NOT_AUTHENTICATED,
    UNAUTHORIZED,
)
from api.auth.tokens import PASSWORD_CLAIM, token_pair
from tests.fixtures.api import API_PASSWORD, API_USER, JWT_SECRET, basic_header

pytestmark = pytest.mark.usefixtures("running_bot")


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_ping_is_public(anon_client):
    response = anon_client.get("/api/v1/ping")
    assert response.status_code == 200
    assert response.json() == {"status": "pong"}
    assert response["Content-Type"] == "application/json"


def test_ping_ignores_a_bad_authorization_header(anon_client):
    anon_client.credentials(HTTP_AUTHORIZATION="Bearer nonsense")
    assert anon_client.get("/api/v1/ping").status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, basic_header(API_USER, "wrong"), basic_header("someone", API_PASSWORD), "Token abc"],
)
def test_missing_or_wrong_credentials_get_unauthorized_without_challenge(anon_client, header):
    if header:
        anon_client.credentials(HTTP_AUTHORIZATION=header)
    response = anon_client.get("/api/v1/version")
    assert response.status_code == 401
    assert response.json() == {"detail": UNAUTHORIZED}
    assert "WWW-Authenticate" not in response
    assert response["Content-Type"] == "application/json"


def test_malformed_basic_header_gets_the_basic_challenge(anon_client):
    anon_client.credentials(HTTP_AUTHORIZATION="Basic !!!not-base64")
    response = anon_client.get("/api/v1/version")
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_AUTHENTICATED}
    assert response["WWW-Authenticate"] == "Basic"


def test_basic_auth_works(client_basic):
    response = client_basic.get("/api/v1/version")
    assert response.status_code == 200
    assert "version" in response.json()


def test_token_login_returns_both_tokens_with_freqtrade_claims(client_basic):
    response = client_basic.post("/api/v1/token/login", {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token"}
    header = jwt.get_unverified_header(body["access_token"])
    assert header == {"alg": "HS256", "typ": "JWT"}
    now = time.time()
    for key, kind, lifetime in (
        ("access_token", "access", 15 * 60),
        ("refresh_token", "refresh", 30 * 86400),
    ):
        payload = jwt.decode(body[key], JWT_SECRET, algorithms=["HS256"])
        # Freqtrade's claims, plus the password fingerprint that ends tokens on a password
        # change and the token id that logout blacklists
        assert set(payload) == {"identity", "exp", "iat", "type", "jti", PASSWORD_CLAIM}
        assert payload["identity"] == {"u": API_USER}
        assert payload["type"] == kind
        assert payload["exp"] - payload["iat"] == lifetime
        assert abs(payload["iat"] - now) < 60


def test_token_login_without_basic(anon_client):
    response = anon_client.post("/api/v1/token/login")
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_AUTHENTICATED}
    assert response["WWW-Authenticate"] == "Basic"


def test_token_login_with_wrong_password(anon_client):
    anon_client.credentials(HTTP_AUTHORIZATION=basic_header(API_USER, "nope"))
    response = anon_client.post("/api/v1/token/login", {}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": INCORRECT_CREDENTIALS}
    assert "WWW-Authenticate" not in response


def test_access_token_works_and_refresh_token_is_refused_as_access():
    tokens = token_pair(API_USER)
    assert bearer(tokens["access_token"]).get("/api/v1/count").status_code == 200
    response = bearer(tokens["refresh_token"]).get("/api/v1/count")
    assert response.status_code == 401
    assert response.json() == {"detail": COULD_NOT_VALIDATE}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "claims",
    [
        {"identity": {"u": API_USER}, "type": "access", "exp": 1, "iat": 0},  # expired
        {"type": "access", "exp": 4102444800, "iat": 0},  # no identity
        {"identity": {"u": API_USER}, "exp": 4102444800, "iat": 0},  # no type
    ],
)
def test_bad_access_tokens_are_refused(claims):
    token = jwt.encode(claims, JWT_SECRET, algorithm="HS256")
    response = bearer(token).get("/api/v1/status")
    assert response.status_code == 401
    assert response.json() == {"detail": COULD_NOT_VALIDATE}


def test_token_signed_with_another_key_is_refused():
    token = jwt.encode(
        {"identity": {"u": API_USER}, "type": "access", "exp": 4102444800, "iat": 0},
        "another-secret-another-secret-0000",
        algorithm="HS256",
    )
    assert bearer(token).get("/api/v1/status").status_code == 401


def test_refresh_returns_only_a_new_access_token():
    tokens = token_pair(API_USER)
    response = bearer(tokens["refresh_token"]).post("/api/v1/token/refresh", {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token"}
    assert bearer(body["access_token"]).get("/api/v1/status").status_code == 200


@pytest.mark.parametrize("header", [None, "access", basic_header(), "Bearer garbage"])
def test_refresh_refuses_everything_but_a_refresh_token(anon_client, header):
    if header == "access":
        header = "Bearer " + token_pair(API_USER)["access_token"]
    if header:
        anon_client.credentials(HTTP_AUTHORIZATION=header)
    response = anon_client.post("/api/v1/token/refresh")
    assert response.status_code == 401
    assert response.json() == {"detail": COULD_NOT_VALIDATE}
    assert response["WWW-Authenticate"] == "Bearer"


def test_basic_and_bearer_posts_need_no_csrf_token():
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=basic_header())
    assert client.post("/api/v1/stopentry", None, format="json").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Bearer " + token_pair(API_USER)["access_token"])
    assert client.post("/api/v1/start", None, format="json").status_code == 200


def test_session_login_serves_the_browsable_api(db):
    User.objects.create_superuser("admin", password="pw-admin-1")
    client = APIClient()
    assert client.login(username="admin", password="pw-admin-1")
    response = client.get("/api/v1/show_config", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert client.get("/api/v1/show_config").json()["bot_name"] == "api-test-bot"


def test_session_posts_need_csrf(db):
    User.objects.create_superuser("admin", password="pw-admin-1")
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="admin", password="pw-admin-1")
    assert client.post("/api/v1/stop", {}, format="json").status_code == 403


def test_a_session_cookie_beside_a_token_keeps_the_csrf_check(db):
    """Calls without a cookie skip Django's session middleware; a call that brings a session
    cookie gets it, CSRF check included, even on an API path."""
    User.objects.create_superuser("admin", password="pw-admin-1")
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="admin", password="pw-admin-1")
    assert client.get("/api/v1/show_config").status_code == 200  # by the session alone
    assert client.post("/api/v1/stop", {}, format="json").status_code == 403  # no CSRF token
    token_only = APIClient(enforce_csrf_checks=True)
    token_only.credentials(HTTP_AUTHORIZATION="Bearer " + token_pair(API_USER)["access_token"])
    response = token_only.post("/api/v1/stop", {}, format="json")
    assert response.status_code == 200 and not response.cookies


@pytest.fixture
def cors(settings):
    """settings.py reads CORS_origins from the config file; tests set the resulting setting."""
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]


@pytest.mark.usefixtures("cors")
def test_cors_preflight_needs_no_auth(anon_client):
    response = anon_client.options(
        "/api/v1/status",
        HTTP_ORIGIN="http://localhost:3000",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "authorization" in response["Access-Control-Allow-Headers"].lower()
    assert response["Access-Control-Max-Age"] == "600"


@pytest.mark.usefixtures("cors")
def test_cors_headers_on_401(anon_client):
    response = anon_client.get("/api/v1/status", HTTP_ORIGIN="http://localhost:3000")
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert response["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.usefixtures("cors")
def test_cors_unknown_origin_gets_no_allow_origin(anon_client):
    response = anon_client.get("/api/v1/ping", HTTP_ORIGIN="http://evil.example")
    assert "Access-Control-Allow-Origin" not in response


def test_basic_password_with_colon(anon_client, running_bot):
    encoded = base64.b64encode(f"{API_USER}:{API_PASSWORD}:x".encode()).decode()
    anon_client.credentials(HTTP_AUTHORIZATION=f"Basic {encoded}")
    assert anon_client.get("/api/v1/version").status_code == 401
