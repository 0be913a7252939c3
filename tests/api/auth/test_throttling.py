"""One failed-login throttle for every way to present a password (issue 14): counted per client
address and account, never reset by another account's login, in front of the admin's and the
browsable API's login forms too, and fed the real client address by a signed ``/bots/`` hop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from api.auth import throttling
from bot_engine.models import AuditEvent
from tests.fixtures.api import API_PASSWORD, API_USER, REPO, basic_header, config_dict

HOP_META = "HTTP_X_TRADEPLANE_CLIENT"  # api.client_address.HOP_HEADER


@pytest.fixture(autouse=True)
def fast_logins(settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(throttling, "SLOWDOWN_STEP_SECS", 0.0)


def make_user(username: str, password: str, **flags):
    return get_user_model().objects.create_user(username, password=password, **flags)


def token_login(address: str, username: str, password: str, **extra) -> int:
    client = APIClient(REMOTE_ADDR=address)
    header = basic_header(username, password)
    return client.post("/api/v1/token/login", HTTP_AUTHORIZATION=header, **extra).status_code


def form_login(address: str, path: str, username: str, password: str) -> Client:
    """POST a login form; the returned client holds the session, if one was opened."""
    client = Client(REMOTE_ADDR=address)
    client.post(path, {"username": username, "password": password, "next": "/admin/"})
    return client


def has_session(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.usefixtures("running_bot")
def test_an_account_holders_own_logins_buy_no_guesses_at_another_account():
    make_user("mallory", "mallory-pass")
    make_user("victim", "victim-secret")
    guesses = []
    for n in range(60):
        if n % 4 == 3:
            token_login("192.0.2.30", "mallory", "mallory-pass")
        else:
            guesses.append(token_login("192.0.2.30", "victim", f"guess-{n}"))
    assert guesses[: throttling.BLOCK_AFTER] == [401] * (throttling.BLOCK_AFTER - 1) + [429]
    assert set(guesses[throttling.BLOCK_AFTER :]) == {429}
    assert token_login("192.0.2.30", "mallory", "mallory-pass") == 429  # the address is blocked
    assert token_login("192.0.2.31", "victim", "victim-secret") == 200


@pytest.mark.usefixtures("running_bot")
def test_the_owners_own_typos_are_forgiven_by_their_login():
    make_user("alice", "alice-pass")
    for _ in range(3):
        for _ in range(throttling.BLOCK_AFTER - 1):
            assert token_login("192.0.2.32", "alice", "typo") == 401
        assert token_login("192.0.2.32", "alice", "alice-pass") == 200


@pytest.mark.usefixtures("running_bot")
def test_a_blocked_address_gets_no_admin_session_even_with_the_superusers_password():
    make_user("root", "root-pass", is_staff=True, is_superuser=True)
    for _ in range(throttling.BLOCK_AFTER):
        assert not has_session(form_login("192.0.2.40", "/admin/login/", "root", "guess"))
    blocked = Client(REMOTE_ADDR="192.0.2.40")
    page = blocked.post("/admin/login/", {"username": "root", "password": "root-pass"})
    assert not has_session(blocked)
    assert "Too many failed login attempts" in page.content.decode()
    assert has_session(form_login("192.0.2.41", "/admin/login/", "root", "root-pass"))


@pytest.mark.usefixtures("running_bot")
def test_failures_on_every_login_form_add_up_to_one_block():
    make_user("root", "root-pass", is_staff=True, is_superuser=True)
    address = "192.0.2.50"
    for _ in range(4):
        assert token_login(address, API_USER, "wrong") == 401
    for _ in range(3):
        assert not has_session(form_login(address, "/admin/login/", "root", "wrong"))
    for _ in range(3):  # the 10th failure blocks the address
        assert not has_session(form_login(address, "/api/v1/auth/login/", "root", "wrong"))
    assert token_login(address, API_USER, API_PASSWORD) == 429
    assert not has_session(form_login(address, "/api/v1/auth/login/", "root", "root-pass"))
    assert not has_session(form_login(address, "/admin/login/", API_USER, API_PASSWORD))
    assert token_login("192.0.2.51", API_USER, API_PASSWORD) == 200


def test_a_relayed_client_address_counts_only_when_signed_by_the_registry_secret(running_bot):
    from api.client_address import hop_header

    secret = running_bot.bot.proxy_secret
    path = "/api/v1/token/login"
    signed = {HOP_META: hop_header(secret, "203.0.113.40", "POST", path)}
    statuses = [
        token_login("127.0.0.1", API_USER, "wrong", **signed) for _ in range(throttling.BLOCK_AFTER)
    ]
    assert statuses[-1] == 429
    assert token_login("203.0.113.40", API_USER, API_PASSWORD) == 429  # that client, directly
    assert token_login("127.0.0.1", API_USER, API_PASSWORD) == 200  # not the relaying bot

    # Forged, stale or for another request: ignored, the connection's own address counts.
    forged = [
        hop_header("not-the-secret", "203.0.113.41", "POST", path),
        hop_header(secret, "203.0.113.41", "POST", path, now=time.time() - 3600),
        hop_header(secret, "203.0.113.41", "POST", "/api/v1/status"),
        "203.0.113.41",
    ]
    for n in range(throttling.BLOCK_AFTER):
        client = APIClient(REMOTE_ADDR="127.0.0.9")
        client.post(
            path,
            HTTP_AUTHORIZATION=basic_header(API_USER, "wrong"),
            **{HOP_META: forged[n % len(forged)]},
        )
    assert token_login("127.0.0.9", API_USER, API_PASSWORD) == 429
    assert token_login("203.0.113.41", API_USER, API_PASSWORD) == 200


def test_audit_rows_of_relayed_actions_name_the_real_client(running_bot):
    from api.client_address import hop_header

    header = hop_header(running_bot.bot.proxy_secret, "203.0.113.60", "POST", "/api/v1/stopentry")
    client = APIClient(REMOTE_ADDR="127.0.0.1")
    response = client.post(
        "/api/v1/stopentry", HTTP_AUTHORIZATION=basic_header(), **{HOP_META: header}
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="pause").remote_addr == "203.0.113.60"


@pytest.mark.parametrize("redis_url", ["redis://localhost:6379/0", None])
def test_the_counts_are_shared_through_redis_when_the_config_names_one(tmp_path, redis_url):
    """Several API workers of one bot must count one address's failures together."""
    config = config_dict(bot_name="cache-bot")
    if redis_url:
        config["api_server"]["redis_url"] = redis_url
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    code = "from django.conf import settings; import json; print(json.dumps(settings.CACHES))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO,
        env={
            **os.environ,
            "TRADEPLANE_CONFIG": str(path),
            "DJANGO_SETTINGS_MODULE": "controlplane.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    caches = json.loads(result.stdout.strip().splitlines()[-1])
    if redis_url:
        assert caches["default"] == {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "tradeplane:cache-bot",
        }
    else:
        assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
