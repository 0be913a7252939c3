"""API keys (scoped, hashed, revocable) and JWT logout through the token blacklist (issue 8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from bot_engine.models import ApiKey, Bot
from bot_engine.services import access
from tests.fixtures.access import basic_client, bearer_client, make_user


@pytest.fixture
def owner(webserver, served_bot):
    return make_user("dash", bot=served_bot, role="admin")


def test_read_key_reads_and_cannot_control(owner):
    _, raw = access.api_key_create(user=owner, name="dashboard", scope="read")
    client = bearer_client(raw)
    assert client.get("/api/v1/profit").status_code == 200
    assert client.get("/api/v1/show_config").json()["bot_name"] == "api-test-bot"
    assert client.post("/api/v1/stop").status_code == 403


def test_control_key_controls_but_never_above_operator(owner):
    _, raw = access.api_key_create(user=owner, name="script", scope="control")
    client = bearer_client(raw)
    assert client.post("/api/v1/stop").status_code == 503  # allowed (no bot runs here)
    assert client.delete("/api/v1/trades/1").status_code == 403  # admin-only, even for an admin
    assert client.get("/api/v1/audit").status_code == 403


def test_key_never_exceeds_its_owner(webserver, served_bot):
    viewer = make_user("vic", bot=served_bot, role="viewer")
    _, raw = access.api_key_create(user=viewer, name="script", scope="control")
    assert bearer_client(raw).post("/api/v1/stop").status_code == 403


def test_key_limited_to_other_bots_has_no_access_here(owner):
    other = Bot.objects.create(name="other")
    _, raw = access.api_key_create(user=owner, name="other-only", scope="read", bots=[other])
    assert bearer_client(raw).get("/api/v1/profit").status_code == 403


def test_key_is_stored_hashed(owner):
    key, raw = access.api_key_create(user=owner, name="k", scope="read")
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert raw not in str(stored)
    assert raw.startswith(f"tpk_{key.prefix}_")


@pytest.mark.parametrize("spoil", ["revoke", "expire", "wrong_secret", "deactivate_owner"])
def test_unusable_keys_are_401(owner, spoil):
    key, raw = access.api_key_create(user=owner, name="k", scope="read")
    assert bearer_client(raw).get("/api/v1/count").status_code == 200
    if spoil == "revoke":
        access.api_key_revoke(key=key)
    elif spoil == "expire":
        ApiKey.objects.filter(pk=key.pk).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    elif spoil == "wrong_secret":
        raw = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    else:
        owner.is_active = False
        owner.save()
    response = bearer_client(raw).get("/api/v1/count")
    assert response.status_code == 401
    assert response.json() == {"detail": "Could not validate credentials"}


def test_key_use_is_timestamped(owner):
    key, raw = access.api_key_create(user=owner, name="k", scope="read")
    assert key.last_used_at is None
    bearer_client(raw).get("/api/v1/count")
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_api_key_command_shows_the_key_once(owner, capsys):
    call_command("api_key", "create", "--user", "dash", "--name", "grafana", "--scope", "read")
    out = capsys.readouterr()
    raw = out.out.strip()
    assert raw.startswith("tpk_")
    assert "shown once" in out.err
    assert bearer_client(raw).get("/api/v1/count").status_code == 200

    call_command("api_key", "list")
    listing = capsys.readouterr().out
    assert "grafana" in listing
    assert raw not in listing
    prefix = ApiKey.objects.get(name="grafana").prefix

    call_command("api_key", "revoke", prefix)
    assert "revoked" in capsys.readouterr().out
    assert bearer_client(raw).get("/api/v1/count").status_code == 401


def test_logout_revokes_access_and_refresh_tokens(webserver, team):
    tokens = basic_client("operator").post("/api/v1/token/login").json()
    access_client = bearer_client(tokens["access_token"])
    assert access_client.get("/api/v1/count").status_code == 200
    out = access_client.post(
        "/api/v1/token/logout", {"refresh_token": tokens["refresh_token"]}, format="json"
    )
    assert out.status_code == 200
    assert access_client.get("/api/v1/count").status_code == 401
    refresh = bearer_client(tokens["refresh_token"]).post("/api/v1/token/refresh")
    assert refresh.status_code == 401


def test_config_user_tokens_can_be_revoked_too(webserver, client_basic):
    tokens = client_basic.post("/api/v1/token/login").json()
    bearer_client(tokens["access_token"]).post("/api/v1/token/logout")
    assert bearer_client(tokens["access_token"]).get("/api/v1/count").status_code == 401
    assert bearer_client(tokens["refresh_token"]).post("/api/v1/token/refresh").status_code == 200


def test_logout_with_nothing_to_revoke_is_401(webserver):
    assert bearer_client("garbage").post("/api/v1/token/logout").status_code == 401
