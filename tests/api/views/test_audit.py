"""The audit trail: every control action through the API, the admin and the CLI (issue 8)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from bot_engine.models import AuditEvent, BotRole, Trade
from tests.fixtures.access import jwt_client, make_user


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


@pytest.fixture
def operator(running_bot, served_bot):
    return make_user("olivia", bot=served_bot, role="operator")


def test_stop_is_recorded_with_who_what_where_and_before_after(operator):
    response = jwt_client(operator).post("/api/v1/stop", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    event = last_event()
    assert (event.actor, event.user_id, event.credential, event.via) == (
        "olivia",
        operator.pk,
        "jwt",
        "api",
    )
    assert (event.action, event.outcome, event.remote_addr) == ("stop", "ok", "10.1.2.3")
    assert event.before == {"state": "running"}
    assert event.after == {"state": "stopped"}
    assert event.bot.name == "api-test-bot"


def test_force_entry_and_exit_record_the_trades(operator):
    client = jwt_client(operator)
    entered = client.post("/api/v1/forceenter", {"pair": "ETH/BTC"}, format="json")
    assert entered.status_code == 200, entered.content
    trade_id = entered.json()["trade_id"]
    event = last_event()
    assert (event.action, event.target, event.outcome) == ("forceenter", "ETH/BTC", "ok")
    assert trade_id not in event.before["open_trades"]
    assert trade_id in event.after["open_trades"]

    exited = client.post("/api/v1/forceexit", {"tradeid": str(trade_id)}, format="json")
    assert exited.status_code == 200, exited.content
    event = last_event()
    assert (event.action, event.target, event.outcome) == ("forceexit", str(trade_id), "ok")
    assert trade_id in event.before["open_trades"]
    assert not Trade.objects.get(trade_id=trade_id).is_open


def test_failed_action_is_recorded_with_the_error(operator):
    client = jwt_client(operator)
    response = client.post("/api/v1/forceexit", {"tradeid": "999"}, format="json")
    assert response.status_code == 502
    event = last_event()
    assert (event.action, event.outcome) == ("forceexit", "failed")
    assert event.detail == "invalid argument"


def test_denied_action_is_recorded(running_bot, served_bot):
    viewer = make_user("vera", bot=served_bot, role="viewer")
    assert jwt_client(viewer).post("/api/v1/stop").status_code == 403
    event = last_event()
    assert (event.actor, event.action, event.outcome, event.status_code) == (
        "vera",
        "stop",
        "denied",
        403,
    )
    assert "needs operator" in event.detail


def test_bad_input_and_webserver_mode_are_recorded_as_failed(webserver, served_bot):
    operator = make_user("otto", bot=served_bot, role="operator")
    assert jwt_client(operator).post("/api/v1/stop").status_code == 503
    event = last_event()
    assert (event.action, event.outcome, event.status_code) == ("stop", "failed", 503)


def test_unauthenticated_attempts_are_not_recorded(running_bot, anon_client):
    assert anon_client.post("/api/v1/stop").status_code == 401
    assert not AuditEvent.objects.exists()


def test_reads_are_not_recorded(running_bot, client_basic):
    for path in ("/api/v1/status", "/api/v1/profit", "/api/v1/locks", "/api/v1/blacklist"):
        assert client_basic.get(path).status_code == 200
    assert not AuditEvent.objects.exists()


def test_blacklist_and_locks_record_before_and_after(running_bot, client_basic):
    client_basic.post("/api/v1/blacklist", {"blacklist": ["DOGE/BTC"]}, format="json")
    event = last_event()
    assert (event.actor, event.credential, event.action) == ("tester", "basic", "blacklist_add")
    assert "DOGE/BTC" not in event.before["blacklist"]
    assert "DOGE/BTC" in event.after["blacklist"]

    lock = [{"pair": "ETH/BTC", "until": "2030-01-01T00:00:00Z", "reason": "test"}]
    client_basic.post("/api/v1/locks", lock, format="json")
    event = last_event()
    assert event.action == "add_locks"
    assert event.before == {"locks": []}
    [[lock_id, pair, _side, _until]] = event.after["locks"]
    assert pair == "ETH/BTC"

    client_basic.delete(f"/api/v1/locks/{lock_id}")
    event = last_event()
    assert (event.action, event.target, event.after) == (
        "delete_lock",
        f"lock {lock_id}",
        {"locks": []},
    )


def test_action_and_its_row_commit_together(operator, running_bot):
    """A force entry's trade and its row are one transaction: rolling it back undoes both."""
    from django.db import transaction

    with transaction.atomic():
        response = jwt_client(operator).post(
            "/api/v1/forceenter", {"pair": "ETH/BTC"}, format="json"
        )
        assert response.status_code == 200
        assert Trade.objects.filter(pair="ETH/BTC", is_open=True).exists()
        assert AuditEvent.objects.filter(action="forceenter").count() == 1
        transaction.set_rollback(True)
    assert not Trade.objects.filter(pair="ETH/BTC").exists()
    assert not AuditEvent.objects.filter(action="forceenter").exists()


def test_an_unwritable_row_never_undoes_the_action(operator, running_bot, monkeypatch):
    """If the row cannot be written inside the action's transaction, the action stands and
    the row is written on its own right after."""
    from django.db import DatabaseError

    from bot_engine.services import audit

    real_record, calls = audit.audit_event_record, []

    def flaky_record(**kwargs):
        calls.append(kwargs["action"])
        if len(calls) == 1:
            raise DatabaseError("disk full")
        return real_record(**kwargs)

    monkeypatch.setattr(audit, "audit_event_record", flaky_record)
    assert jwt_client(operator).post("/api/v1/stop").status_code == 200
    assert running_bot.state.value == "stopped"
    assert calls == ["stop", "stop"]
    assert AuditEvent.objects.filter(action="stop", outcome="ok").count() == 1


def test_audit_endpoint_lists_this_bots_events_for_admins(running_bot, served_bot, client_basic):
    client_basic.post("/api/v1/stop")
    client_basic.post("/api/v1/start")
    body = client_basic.get("/api/v1/audit?limit=1").json()
    assert body["total"] == 2
    assert [e["action"] for e in body["events"]] == ["start"]
    assert body["events"][0]["actor"] == "tester"
    assert isinstance(body["events"][0]["created_at_ts"], int)
    operator = make_user("op2", bot=served_bot, role="operator")
    assert jwt_client(operator).get("/api/v1/audit").status_code == 403
    assert client_basic.get("/api/v1/audit?limit=0").status_code == 422


def test_admin_site_role_grant_is_recorded(served_bot, db):
    root = make_user("root", is_superuser=True, is_staff=True)
    member = make_user("member")
    browser = Client()
    browser.force_login(root)
    response = browser.post(
        "/admin/bot_engine/botrole/add/",
        {"bot": served_bot.pk, "user": member.pk, "role": "operator"},
    )
    assert response.status_code == 302, response.content[:500]
    assert BotRole.objects.get(user=member).role == "operator"
    event = last_event()
    assert (event.via, event.actor, event.action, event.target) == (
        "admin",
        "root",
        "grant_role",
        "member",
    )
    assert event.after["role"] == "operator"


def test_cli_role_grant_is_recorded(served_bot, db, capsys):
    make_user("carol")
    call_command("grant_role", served_bot.name, "admin", "--user", "carol")
    assert "carol: admin on api-test-bot" in capsys.readouterr().out
    event = last_event()
    assert (event.via, event.action, event.before, event.after) == (
        "cli",
        "grant_role",
        {"role": None},
        {"role": "admin"},
    )
    call_command("grant_role", served_bot.name, "none", "--user", "carol")
    assert not BotRole.objects.exists()
    assert last_event().action == "revoke_role"


def test_cli_names_what_is_wrong(served_bot, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown bot 'nope'.*api-test-bot"):
        call_command("grant_role", "nope", "viewer", "--user", "x")
    with pytest.raises(CommandError, match="Unknown user 'ghost'"):
        call_command("grant_role", served_bot.name, "viewer", "--user", "ghost")


CONTROL_CALLS = [
    ("post", "/api/v1/start", None, "start"),
    ("post", "/api/v1/stop", None, "stop"),
    ("post", "/api/v1/stopbuy", None, "pause"),
    ("post", "/api/v1/stopentry", None, "pause"),
    ("post", "/api/v1/pause", None, "pause"),
    ("post", "/api/v1/reload_config", None, "reload_config"),
    ("delete", "/api/v1/trades/1", None, "delete_trade"),
    ("delete", "/api/v1/trades/1/open-order", None, "cancel_open_order"),
    ("post", "/api/v1/trades/1/reload", None, "reload_trade"),
    ("post", "/api/v1/forceenter", {"pair": "ETH/BTC"}, "forceenter"),
    ("post", "/api/v1/forcebuy", {"pair": "LTC/BTC"}, "forceenter"),
    ("post", "/api/v1/forceexit", {"tradeid": "all"}, "forceexit"),
    ("post", "/api/v1/forcesell", {"tradeid": "all"}, "forceexit"),
    ("post", "/api/v1/blacklist", {"blacklist": ["DOGE/BTC"]}, "blacklist_add"),
    ("delete", "/api/v1/blacklist?pairs_to_delete=DOGE/BTC", None, "blacklist_delete"),
    ("post", "/api/v1/locks", [{"pair": "ETH/BTC", "until": "2030-01-01T00:00:00Z"}], "add_locks"),
    ("delete", "/api/v1/locks/1", None, "delete_lock"),
    ("post", "/api/v1/locks/delete", {"pair": "ETH/BTC"}, "delete_lock"),
    # Webserver-mode jobs: refused here (503, a running bot), and recorded as refused
    ("post", "/api/v1/backtest", {"strategy": "SampleStrategy"}, "backtest"),
    ("delete", "/api/v1/backtest", None, "backtest"),
    ("patch", "/api/v1/backtest/history/nofile", {"strategy": "S"}, "backtest_history_file"),
    ("delete", "/api/v1/backtest/history/nofile", None, "backtest_history_file"),
    ("delete", "/api/v1/background/nojob", None, "background_job"),
    ("delete", "/api/v1/background/clear", None, "background_clear"),
    ("post", "/api/v1/lookahead_analysis", {"strategy": "S"}, "lookahead_analysis"),
    ("post", "/api/v1/recursive_analysis", {"strategy": "S"}, "recursive_analysis"),
    ("post", "/api/v1/pairlists/evaluate", {"pairlists": []}, "pairlists_evaluate"),
    ("post", "/api/v1/download_data", {"pairs": ["ETH/BTC"]}, "download_data"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "action"), CONTROL_CALLS, ids=[c[1] for c in CONTROL_CALLS]
)
def test_every_control_action_writes_one_row(running_bot, client_basic, method, path, body, action):
    """Done or refused by the bot: one row each, under the service's action name."""
    response = getattr(client_basic, method)(path, body, format="json")
    events = list(AuditEvent.objects.all())
    assert len(events) == 1, (response.status_code, [e.action for e in events])
    event = events[0]
    assert (event.action, event.actor, event.via) == (action, "tester", "api")
    assert event.outcome == ("ok" if response.status_code == 200 else "failed")


def test_every_control_route_is_in_the_audit_table():
    from api.audit import is_control_route
    from tests.api.test_roles import EXPECTED

    control = {(m, name) for (m, name), role in EXPECTED.items() if is_control_route(name, m)}
    from django.urls import resolve

    covered = {(m.upper(), resolve(p.split("?")[0]).url_name) for m, p, _, _ in CONTROL_CALLS}
    assert control == covered


def test_admin_site_registry_edit_is_recorded(served_bot, db):
    root = make_user("root", is_superuser=True, is_staff=True)
    browser = Client()
    browser.force_login(root)
    response = browser.post(
        f"/admin/bot_engine/bot/{served_bot.pk}/change/", {"api_url": "http://10.0.0.5:8080"}
    )
    assert response.status_code == 302, response.content[:500]
    event = last_event()
    assert (event.via, event.action, event.before, event.after) == (
        "admin",
        "set_api_url",
        {"api_url": ""},
        {"api_url": "http://10.0.0.5:8080"},
    )


def test_admin_site_api_key_is_shown_once_and_revocable(served_bot, db):
    from bot_engine.models import ApiKey

    root = make_user("root", is_superuser=True, is_staff=True)
    owner = make_user("owner", bot=served_bot, role="viewer")
    browser = Client()
    browser.force_login(root)
    response = browser.post(
        "/admin/bot_engine/apikey/add/",
        {"name": "grafana", "user": owner.pk, "scope": "read", "bots": [served_bot.pk]},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"] if "tpk_" in str(m)]
    assert len(shown) == 1
    raw = shown[0].split(": ", 1)[1].split(" ")[0]
    key = ApiKey.objects.get(name="grafana")
    assert raw.startswith(f"tpk_{key.prefix}_") and raw not in key.key_hash
    assert list(key.bots.all()) == [served_bot]
    assert last_event().action == "create_api_key"

    browser.post(
        "/admin/bot_engine/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert last_event().action == "revoke_api_key"
    listing = browser.get(f"/admin/bot_engine/apikey/{key.pk}/change/")
    assert raw.encode() not in listing.content
