"""The admin's access control (issue 14): rows scoped by role like the API, API keys minted
for oneself only, the registry's ``api_url`` editable by superusers only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from bot_engine.models import ApiKey, AuditEvent, Bot, Order, Outcome, PairLock, Trade
from tests.fixtures.access import bearer_client, make_user
from tests.fixtures.api import API_PASSWORD, API_USER

OPENED = datetime(2018, 1, 10, tzinfo=UTC)
TABLE_VIEWS = ("view_bot", "view_trade", "view_order", "view_pairlock", "view_auditevent")


def grant_permissions(user, *codenames: str) -> None:
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="bot_engine", codename__in=codenames)
    )


def bot_rows(bot: Bot, marker: str) -> None:
    """A trade with an order, a pair lock and an audit row, each naming ``marker``."""
    trade = Trade.objects.create(
        bot=bot, trade_id=1, exchange="replay", pair=f"{marker}/BTC", open_date=OPENED
    )
    Order.objects.create(
        trade=trade, bot=bot, ft_order_side="buy", ft_pair=f"{marker}/BTC", ft_amount=1,
        ft_price=1, order_id=f"{marker}-order",
    )  # fmt: skip
    PairLock.objects.create(
        bot=bot, pair=f"{marker}/BTC", reason=f"{marker}-lock", lock_time=OPENED,
        lock_end_time=OPENED + timedelta(hours=1),
    )  # fmt: skip
    AuditEvent.objects.create(
        bot=bot, actor="someone", action="stop", target=f"{marker}-event", outcome=Outcome.OK
    )


@pytest.fixture
def two_bots(webserver, served_bot) -> dict[str, Bot]:
    """``alpha``, the bot this process serves, and ``beta``, another bot of the database."""
    beta = Bot.objects.create(name="beta")
    bot_rows(served_bot, "ALPHA")
    bot_rows(beta, "BETA")
    return {"alpha": served_bot, "beta": beta}


def admin_browser(who: str, bots: dict[str, Bot]) -> Client:
    browser = Client()
    if who == "config user":  # the real login form, as a person would
        form = {"username": API_USER, "password": API_PASSWORD, "next": "/admin/"}
        assert browser.post("/admin/login/", form).status_code == 302
        return browser
    if who == "superuser":
        user = make_user("root", is_superuser=True, is_staff=True)
    else:  # "viewer of alpha", "admin of alpha": staff who may view every table
        user = make_user("staffer", bot=bots["alpha"], role=who.split()[0], is_staff=True)
        grant_permissions(user, *TABLE_VIEWS)
    browser.force_login(user)
    return browser


def listed(browser: Client, table: str) -> str:
    response = browser.get(f"/admin/bot_engine/{table}/")
    assert response.status_code == 200
    return response.content.decode()


def change_page_status(browser: Client, obj) -> int:
    return browser.get(f"/admin/bot_engine/{obj._meta.model_name}/{obj.pk}/change/").status_code


@pytest.mark.parametrize(
    ("who", "sees_beta"),
    [("config user", False), ("viewer of alpha", False), ("superuser", True)],
)
def test_trade_tables_show_only_the_bots_the_user_has_a_role_on(two_bots, who, sees_beta):
    browser = admin_browser(who, two_bots)
    for table, marker in (("trade", "{}/BTC"), ("order", "{}-order"), ("pairlock", "{}-lock")):
        page = listed(browser, table)
        assert marker.format("ALPHA") in page, table
        assert (marker.format("BETA") in page) is sees_beta, table
    registry = listed(browser, "bot")
    assert "api-test-bot" in registry
    beta_link = f'href="/admin/bot_engine/bot/{two_bots["beta"].pk}/change/'
    assert (beta_link in registry) is sees_beta
    beta_rows = [
        two_bots["beta"],
        Trade.objects.get(bot=two_bots["beta"]),
        Order.objects.get(bot=two_bots["beta"]),
        PairLock.objects.get(bot=two_bots["beta"]),
    ]
    for obj in beta_rows:  # no way around the list: the object's own page is not found either
        assert change_page_status(browser, obj) == (200 if sees_beta else 302), obj
    assert change_page_status(browser, Trade.objects.get(bot=two_bots["alpha"])) == 200


@pytest.mark.parametrize(("who", "named"), [("viewer of alpha", False), ("superuser", True)])
def test_bot_filter_names_only_visible_bots(two_bots, who, named):
    beta_filter = f"?bot__id__exact={two_bots['beta'].pk}"
    browser = admin_browser(who, two_bots)
    for table in ("trade", "order", "pairlock"):
        assert (beta_filter in listed(browser, table)) is named, table


@pytest.mark.parametrize(
    ("who", "events"),
    [("viewer of alpha", set()), ("admin of alpha", {"ALPHA"}), ("superuser", {"ALPHA", "BETA"})],
)
def test_audit_trail_is_for_the_bots_admins(two_bots, who, events):
    page = listed(admin_browser(who, two_bots), "auditevent")
    assert {m for m in ("ALPHA", "BETA") if f"{m}-event" in page} == events


def test_config_user_of_beta_sees_beta_only(two_bots, webserver):
    """The same config username on another bot of the database is that bot's user."""
    from api.context import configure_webserver
    from bot_engine.config.builder import build_config
    from tests.fixtures.api import config_dict

    configure_webserver(build_config(config_dict(bot_name="beta"), path=None))
    page = listed(admin_browser("config user", two_bots), "trade")
    assert "BETA/BTC" in page and "ALPHA/BTC" not in page


def test_bot_admin_grants_roles_on_their_bot_only(two_bots):
    user = make_user("boss", bot=two_bots["alpha"], role="admin", is_staff=True)
    grant_permissions(user, "add_botrole", "view_botrole")
    member = make_user("member")
    browser = Client()
    browser.force_login(user)
    refused = browser.post(
        "/admin/bot_engine/botrole/add/",
        {"bot": two_bots["beta"].pk, "user": member.pk, "role": "admin"},
    )
    assert refused.status_code == 200  # the form again: beta is not a choice
    assert not member.bot_roles.exists()
    granted = browser.post(
        "/admin/bot_engine/botrole/add/",
        {"bot": two_bots["alpha"].pk, "user": member.pk, "role": "viewer"},
    )
    assert granted.status_code == 302
    assert [(g.bot.name, g.role) for g in member.bot_roles.all()] == [("api-test-bot", "viewer")]


# API keys
def mint_key(browser: Client, form: dict) -> str:
    """Submit the admin's add form; the raw key from the one message that shows it."""
    response = browser.post("/admin/bot_engine/apikey/add/", form, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"] if "tpk_" in str(m)]
    assert len(shown) == 1, response.content[:2000]
    return shown[0].split(": ", 1)[1].split(" ")[0]


def test_key_minted_by_a_staff_user_is_their_own(running_bot, served_bot):
    root = make_user("root", is_superuser=True, is_staff=True)
    mallory = make_user("mallory", is_staff=True)
    grant_permissions(mallory, "add_apikey")
    browser = Client()
    browser.force_login(mallory)
    raw = mint_key(browser, {"name": "sneaky", "user": root.pk, "scope": "control"})
    key = ApiKey.objects.get(name="sneaky")
    assert key.user == mallory  # the "user" field is not hers to choose
    response = bearer_client(raw).post("/api/v1/stop")
    assert response.status_code == 403
    assert running_bot.state.value == "running"


def test_staff_key_carries_at_most_the_creators_role(running_bot, served_bot):
    viewer = make_user("vera", bot=served_bot, role="viewer", is_staff=True)
    grant_permissions(viewer, "add_apikey", "view_apikey")
    browser = Client()
    browser.force_login(viewer)
    raw = mint_key(browser, {"name": "mine", "scope": "control", "bots": [served_bot.pk]})
    client = bearer_client(raw)
    assert client.get("/api/v1/count").status_code == 200
    assert client.post("/api/v1/stop").status_code == 403


def test_staff_sees_and_revokes_only_their_own_keys(webserver, served_bot):
    from bot_engine.services import access

    owner = make_user("owner", bot=served_bot, role="viewer")
    theirs, _ = access.api_key_create(user=owner, name="theirs-key", scope="read")
    staffer = make_user("staffer", is_staff=True)
    grant_permissions(staffer, "view_apikey", "change_apikey")
    browser = Client()
    browser.force_login(staffer)
    assert "theirs-key" not in listed(browser, "apikey")
    browser.post("/admin/bot_engine/apikey/", {"action": "revoke", "_selected_action": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_superuser_mints_for_another_user_and_it_is_audited(webserver, served_bot):
    root = make_user("root", is_superuser=True, is_staff=True)
    owner = make_user("owner", bot=served_bot, role="operator")
    browser = Client()
    browser.force_login(root)
    raw = mint_key(browser, {"name": "for-owner", "user": owner.pk, "scope": "read"})
    assert ApiKey.objects.get(name="for-owner").user == owner
    event = AuditEvent.objects.get(action="create_api_key")
    assert (event.actor, event.via, event.after["user"]) == ("root", "admin", "owner")
    assert bearer_client(raw).get("/api/v1/count").status_code == 200


# the registry's api_url
def test_api_url_is_editable_by_superusers_only(two_bots):
    beta = two_bots["beta"]
    beta.api_url = "http://127.0.0.1:8081"
    beta.save()
    staffer = make_user("staffer", bot=beta, role="admin", is_staff=True)
    grant_permissions(staffer, "view_bot", "change_bot")
    browser = Client()
    browser.force_login(staffer)
    url = f"/admin/bot_engine/bot/{beta.pk}/change/"
    page = browser.get(url)
    assert page.status_code == 200 and b'name="api_url"' not in page.content  # read-only
    response = browser.post(url, {"api_url": "http://203.0.113.9:9999"})
    assert response.status_code == 403
    beta.refresh_from_db()
    assert beta.api_url == "http://127.0.0.1:8081"
    assert not AuditEvent.objects.filter(action="set_api_url").exists()

    root = make_user("root", is_superuser=True, is_staff=True)
    browser.force_login(root)
    assert browser.post(url, {"api_url": "http://10.0.0.5:8080"}).status_code == 302
    beta.refresh_from_db()
    assert beta.api_url == "http://10.0.0.5:8080"
