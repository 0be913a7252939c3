"""Security guarantees of the API (issue 5): login throttling, secrets never leave, JWT rules,
CORS, security headers and the read-only admin."""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from datetime import timedelta

import jwt
import pytest
from django.test import Client
from rest_framework.test import APIClient

from api.auth import throttling
from api.auth.authentication import COULD_NOT_VALIDATE
from api.auth.tokens import ACCESS_LIFETIME, PASSWORD_CLAIM, token_pair
from api.exceptions import exception_handler
from bot_engine import logbuffer, secret_filter
from bot_engine.config.builder import build_config
from bot_engine.exceptions import ExchangeError
from bot_engine.models import Trade
from tests.fixtures.api import API_PASSWORD, API_USER, JWT_SECRET, basic_header, config_dict

EXCHANGE_KEY = "exchange-key-AKIA1234567890"
EXCHANGE_SECRET = "exchange-secret-9f8e7d6c5b4a"
EXCHANGE_PASSWORD = "exchange-passphrase-42"
WS_TOKEN = "ws-token-abcdefghijkl"
SECRETS = (EXCHANGE_KEY, EXCHANGE_SECRET, EXCHANGE_PASSWORD, WS_TOKEN, API_PASSWORD, JWT_SECRET)


@pytest.fixture
def bot_config():
    """The API fixtures' config, with exchange credentials and a websocket token to leak."""
    config = config_dict()
    config["exchange"].update(key=EXCHANGE_KEY, secret=EXCHANGE_SECRET, password=EXCHANGE_PASSWORD)
    config["api_server"]["ws_token"] = WS_TOKEN
    return build_config(config, path=None)


@pytest.fixture
def masked_logs(bot_config):
    secret_filter.install(bot_config)
    logbuffer.install()
    yield
    secret_filter.uninstall()


def client_from(address: str, header: str | None = None) -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    return client


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


# login throttling


@pytest.fixture
def no_slowdown(monkeypatch):
    monkeypatch.setattr(throttling, "SLOWDOWN_STEP_SECS", 0.0)


@pytest.mark.usefixtures("running_bot", "no_slowdown")
@pytest.mark.parametrize(
    ("method", "path"), [("post", "/api/v1/token/login"), ("get", "/api/v1/status")]
)
def test_failed_logins_get_429_then_block_only_that_address(method, path, caplog):
    attacker = client_from("203.0.113.9", basic_header(API_USER, "wrong-guess"))
    codes = [getattr(attacker, method)(path).status_code for _ in range(throttling.BLOCK_AFTER)]
    assert codes == [401] * (throttling.BLOCK_AFTER - 1) + [429]
    blocked = client_from("203.0.113.9", basic_header())  # even the right password, from there
    response = getattr(blocked, method)(path)
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed login attempts")
    assert 0 < int(response["Retry-After"]) <= throttling.BLOCK_SECS
    elsewhere = client_from("198.51.100.7", basic_header())
    assert getattr(elsewhere, method)(path).status_code == 200
    assert "failed attempts from 203.0.113.9" in caplog.text


@pytest.mark.usefixtures("running_bot")
def test_failures_past_the_first_few_are_answered_slowly():
    class FakeRequest:
        META = {"REMOTE_ADDR": "192.0.2.1"}

    slept: list[float] = []
    for _ in range(throttling.SLOW_AFTER + 3):
        attempt = throttling.LoginAttempt(FakeRequest(), API_USER, sleep=slept.append)
        attempt.judge(lambda: None)  # a wrong password
    step = throttling.SLOWDOWN_STEP_SECS
    assert slept == pytest.approx([step, 2 * step, 3 * step])


@pytest.mark.usefixtures("running_bot", "no_slowdown")
def test_a_successful_login_resets_the_count():
    for _ in range(3):
        for _ in range(throttling.BLOCK_AFTER - 1):
            client_from("192.0.2.2", basic_header(API_USER, "nope")).get("/api/v1/count")
        assert client_from("192.0.2.2", basic_header()).get("/api/v1/count").status_code == 200


@pytest.mark.usefixtures("running_bot", "no_slowdown")
def test_admin_login_shares_the_throttle(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test

    def admin_login(address: str, password: str) -> bool:
        form = {"username": API_USER, "password": password, "next": "/admin/"}
        return Client(REMOTE_ADDR=address).post("/admin/login/", form).status_code == 302

    for _ in range(throttling.BLOCK_AFTER):
        assert not admin_login("203.0.113.50", "guess")
    assert not admin_login("203.0.113.50", API_PASSWORD)  # the blocked address
    assert admin_login("198.51.100.50", API_PASSWORD)


# secrets never leave


def test_show_config_has_no_secret(api):
    response = api.get("/api/v1/show_config")
    assert response.status_code == 200
    assert_no_secret(response.content.decode())


@pytest.mark.usefixtures("masked_logs")
def test_logs_mask_secrets_in_messages_and_tracebacks(api):
    log = logging.getLogger("bot_engine.test")
    log.warning("exchange said: invalid key %s / %s", EXCHANGE_KEY, EXCHANGE_SECRET)
    try:
        raise ExchangeError(f"auth failed for {EXCHANGE_PASSWORD} and token {WS_TOKEN}")
    except ExchangeError:
        log.exception("request failed with password %s", API_PASSWORD)
    body = api.get("/api/v1/logs").content.decode()
    assert "exchange said: invalid key REDACTED / REDACTED" in body
    assert "auth failed for REDACTED and token REDACTED" in body
    assert_no_secret(body)


@pytest.mark.usefixtures("masked_logs")
def test_log_files_and_console_get_masked_records(tmp_path):
    path = tmp_path / "bot.log"
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("bot_engine.test.file")
    log.addHandler(handler)
    try:
        try:
            raise RuntimeError(JWT_SECRET)
        except RuntimeError:
            log.exception("secret %s", EXCHANGE_SECRET)
    finally:
        log.removeHandler(handler)
        handler.close()
    text = path.read_text()
    assert "secret REDACTED" in text and "RuntimeError: REDACTED" in text
    assert_no_secret(text)


@pytest.mark.usefixtures("masked_logs")
def test_error_bodies_mask_secrets(running_bot):
    response = exception_handler(ExchangeError(f"bad apiKey {EXCHANGE_KEY}"), {"request": None})
    assert response.status_code == 502
    assert response.data == {"error": "Error querying : bad apiKey REDACTED"}


def test_every_secret_key_is_collected_but_not_tiny_values():
    raw = {
        "exchange": {"key": EXCHANGE_KEY, "ccxt_config": {"apiKey": "ccxt-key-123"}, "name": "x"},
        "api_server": {"password": "pw", "ws_token": [WS_TOKEN], "username": "tester"},
    }
    assert secret_filter.secret_values(raw) == {EXCHANGE_KEY, "ccxt-key-123", WS_TOKEN}


def test_admin_is_read_only_and_shows_no_secret(running_bot):
    Trade.objects.create(
        bot_id=running_bot.bot_id, trade_id=1, pair="ETH/BTC", is_open=True, open_rate=0.1,
        amount=1, stake_amount=0.1, open_date="2018-01-10T00:00:00Z", exchange="replay",
    )  # fmt: skip
    admin = Client()
    assert admin.login(username=API_USER, password=API_PASSWORD)
    pk = Trade.objects.get().pk
    for url in ("/admin/", "/admin/bot_engine/trade/", f"/admin/bot_engine/trade/{pk}/change/"):
        response = admin.get(url)
        assert response.status_code == 200, url
        assert_no_secret(response.content.decode())
    for url in ("/admin/bot_engine/trade/add/", f"/admin/bot_engine/trade/{pk}/delete/"):
        assert admin.get(url).status_code == 403, url
    admin.post(f"/admin/bot_engine/trade/{pk}/change/", {"pair": "XLM/BTC"})
    admin.post(f"/admin/bot_engine/trade/{pk}/delete/", {"post": "yes"})
    assert Trade.objects.get().pair == "ETH/BTC"


# JWT


def bearer(token: str) -> APIClient:
    return client_from("127.0.0.1", f"Bearer {token}")


def claims(**extra) -> dict:
    now = int(time.time())
    return {
        "identity": {"u": API_USER},
        "type": "access",
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        **extra,
    }


@pytest.mark.usefixtures("running_bot")
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_alg_none_and_foreign_keys_are_refused():
    valid = jwt.decode(token_pair(API_USER)["access_token"], JWT_SECRET, algorithms=["HS256"])
    unsigned = jwt.encode(valid, None, algorithm="none")
    other_key = jwt.encode(valid, "another-key-another-key-another-key!", algorithm="HS256")
    hs384 = jwt.encode(valid, JWT_SECRET, algorithm="HS384")  # the right key, another alg
    for token in (unsigned, other_key, hs384):
        response = bearer(token).get("/api/v1/count")
        assert response.status_code == 401
        assert response.json() == {"detail": COULD_NOT_VALIDATE}


@pytest.mark.usefixtures("running_bot")
def test_expired_and_refresh_tokens_are_refused_as_access():
    pwh = jwt.decode(token_pair(API_USER)["access_token"], JWT_SECRET, algorithms=["HS256"])[
        PASSWORD_CLAIM
    ]
    expired = jwt.encode(claims(exp=int(time.time()) - 1, pwh=pwh), JWT_SECRET)
    refresh = token_pair(API_USER)["refresh_token"]
    fresh = jwt.encode(claims(pwh=pwh), JWT_SECRET)
    assert bearer(fresh).get("/api/v1/count").status_code == 200
    assert bearer(expired).get("/api/v1/count").status_code == 401
    assert bearer(refresh).get("/api/v1/count").status_code == 401


@pytest.mark.usefixtures("running_bot")
def test_a_token_in_use_still_expires(monkeypatch):
    """The server remembers a token's checked signature; its expiry is checked on every use."""
    from rest_framework_simplejwt import tokens as simplejwt_tokens

    client = bearer(token_pair(API_USER)["access_token"])
    assert client.get("/api/v1/count").status_code == 200
    later = simplejwt_tokens.aware_utcnow() + ACCESS_LIFETIME + timedelta(seconds=1)
    monkeypatch.setattr(simplejwt_tokens, "aware_utcnow", lambda: later)
    response = client.get("/api/v1/count")
    assert response.status_code == 401
    assert response.json() == {"detail": COULD_NOT_VALIDATE}


@pytest.mark.parametrize(
    "change", [{"password": "a-new-password-1234"}, {"jwt_secret_key": "n" * 40}]
)
def test_changing_password_or_secret_ends_old_tokens(running_bot, change):
    old = token_pair(API_USER)
    assert bearer(old["access_token"]).get("/api/v1/count").status_code == 200
    config = running_bot.config
    running_bot.config = dataclasses.replace(
        config, api_server=dataclasses.replace(config.api_server, **change)
    )
    try:
        assert bearer(old["access_token"]).get("/api/v1/count").status_code == 401
        refreshed = bearer(old["refresh_token"]).post("/api/v1/token/refresh")
        assert refreshed.status_code == 401
        assert bearer(token_pair(API_USER)["access_token"]).get("/api/v1/count").status_code == 200
    finally:
        running_bot.config = config


# CORS and headers


@pytest.mark.usefixtures("running_bot")
def test_only_configured_origins_get_credentialed_cors(settings):
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]  # as settings.py builds it
    client = client_from("127.0.0.1", basic_header())
    allowed = client.get("/api/v1/count", HTTP_ORIGIN="http://localhost:3000")
    assert allowed["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert allowed["Access-Control-Allow-Credentials"] == "true"
    other = client.get("/api/v1/count", HTTP_ORIGIN="http://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    assert "Access-Control-Allow-Credentials" not in other


def test_security_headers_and_debug_off(anon_client, settings):
    response = anon_client.get("/api/v1/ping")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert settings.DEBUG is False
