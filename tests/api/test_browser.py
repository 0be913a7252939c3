"""What a browser user sees: session login with the config credentials, the browsable API, the
admin, and CORS preflights from unknown origins."""

from bot_engine.models import Trade
from tests.fixtures.api import API_USER


def test_session_login_opens_the_browsable_api(browser_client):
    page = browser_client.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert b"show_config" in page.content and b"<html" in page.content
    status = browser_client.get("/api/v1/status", HTTP_ACCEPT="text/html")
    assert status.status_code == 200


def test_wrong_password_does_not_log_in(client, running_bot):
    response = client.post("/api/v1/auth/login/", {"username": API_USER, "password": "nope"})
    assert response.status_code == 200  # the form again, with an error
    assert client.get("/api/v1/status").status_code == 401


def test_admin_is_read_only_for_trade_tables(browser_client):
    assert browser_client.get("/admin/bot_engine/trade/").status_code == 200
    assert browser_client.get("/admin/bot_engine/trade/add/").status_code == 403
    trade = Trade.objects.create(
        bot=running_bot_row(),
        trade_id=99,
        exchange="replay",
        pair="ETH/BTC",
        open_date="2018-01-10T10:00:00Z",
    )
    page = browser_client.get(f"/admin/bot_engine/trade/{trade.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert browser_client.post(f"/admin/bot_engine/trade/{trade.pk}/delete/").status_code == 403


def running_bot_row():
    from bot_engine.runtime import get_running_bot

    return get_running_bot().bot


def test_preflight_from_unknown_origin_is_refused(client):
    response = client.options(
        "/api/v1/status",
        HTTP_ORIGIN="http://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 400
    assert response.content == b"Disallowed CORS origin"


def test_config_session_of_another_bot_is_not_this_bots_admin(browser_client):
    # Bots with the same username share one Django user row (and, with the same jwt secret,
    # session signing): a session opened on bot "other" must not administer this one.
    from bot_engine.services.access import CONFIG_SESSION_BOT

    session = browser_client.session
    session[CONFIG_SESSION_BOT] = "other-bot"
    session.save()
    assert browser_client.get("/api/v1/status").status_code == 403
    assert browser_client.post("/api/v1/stop").status_code == 403
