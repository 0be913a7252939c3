"""An open websocket whose credential stops being valid is closed with 1008 (issue 14, item 13):
logged-out or expired JWTs, revoked roles and API keys, deactivated users, a ``ws_token`` no
longer configured -- at the next request message, or within seconds when the client is quiet."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.management import call_command

from api.auth.tokens import FreqtradeAccessToken, token_pair, user_token_pair
from api.context import configure_webserver
from api.ws import consumer as consumer_module
from api.ws.routing import websocket_urlpatterns
from bot_engine import runtime
from bot_engine.config.builder import build_config
from bot_engine.services import access
from tests.fixtures.access import bearer_client, make_user
from tests.fixtures.api import API_USER, config_dict

# The consumer reads the database (tokens, roles) from Channels' worker thread.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("in_memory_channel_layer"),
]

WS_PATH = "/api/v1/message/ws"
WS_TOKEN = "ws-token-one"
CLOSED = {"type": "websocket.close", "code": 1008}


def serve(ws_token: str) -> None:
    """Webserver mode (no bot in this process) with ``ws_token`` configured."""
    config = config_dict()
    config["api_server"]["ws_token"] = ws_token
    configure_webserver(build_config(config, path=None))


@pytest.fixture
def ws_token_served_bot(served_bot):
    runtime.register(None)
    serve(WS_TOKEN)
    yield served_bot
    configure_webserver(None)


@pytest.fixture
def quick_recheck(monkeypatch):
    """Re-check every 0.2 s instead of every few seconds, to keep the tests short."""
    monkeypatch.setattr(consumer_module, "RECHECK_SECS", 0.2)


@pytest.fixture
def viewer(ws_token_served_bot):
    return make_user("wsviewer", bot=ws_token_served_bot, role="viewer")


def run(scenario) -> None:
    asyncio.run(asyncio.wait_for(scenario(), timeout=30))


async def connected(token: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), f"{WS_PATH}?token={token}"
    )
    ok, _ = await communicator.connect()
    assert ok
    return communicator


async def answers_requests(communicator: WebsocketCommunicator) -> bool:
    await communicator.send_json_to({"type": "whitelist", "data": None})
    reply = await communicator.receive_output(timeout=2)
    if reply == CLOSED:
        return False
    assert reply["type"] == "websocket.send" and '"whitelist"' in reply["text"]
    return True


@pytest.mark.parametrize("who", ["django user", "config user"])
def test_logged_out_token_is_closed_at_its_next_request(viewer, who):
    tokens = user_token_pair(viewer) if who == "django user" else token_pair(API_USER)

    def logout() -> int:
        return bearer_client(tokens["access_token"]).post("/api/v1/token/logout").status_code

    async def scenario():
        communicator = await connected(tokens["access_token"])
        assert await answers_requests(communicator)
        assert await asyncio.to_thread(logout) == 200
        await communicator.send_json_to({"type": "whitelist", "data": None})
        assert await communicator.receive_output(timeout=2) == CLOSED
        await communicator.disconnect()

    run(scenario)


def test_revoked_role_closes_a_quiet_connection_within_seconds(viewer, ws_token_served_bot):
    async def scenario():
        communicator = await connected(user_token_pair(viewer)["access_token"])
        await communicator.send_json_to({"type": "subscribe", "data": ["new_candle"]})
        assert await communicator.receive_nothing(timeout=0.2)
        await asyncio.to_thread(
            call_command, "grant_role", ws_token_served_bot.name, "none", "--user", "wsviewer"
        )
        # The default pace, unpatched: "a few seconds".
        assert await communicator.receive_output(timeout=6) == CLOSED
        await communicator.disconnect()

    run(scenario)


def expiring_token(user) -> str:
    token = FreqtradeAccessToken.for_django_user(user)
    token.set_exp(lifetime=timedelta(seconds=1))
    return str(token)


def deactivate(user) -> None:
    user.is_active = False
    user.save()


@pytest.mark.parametrize("how", ["api key revoked", "user deactivated", "jwt expired"])
def test_invalidated_credential_closes_a_quiet_connection(viewer, quick_recheck, how):
    if how == "api key revoked":
        key, token = access.api_key_create(user=viewer, name="dash", scope="read")
        invalidate = lambda: call_command("api_key", "revoke", key.prefix)  # noqa: E731
    elif how == "user deactivated":
        token = user_token_pair(viewer)["access_token"]
        invalidate = lambda: deactivate(viewer)  # noqa: E731
    else:
        token = expiring_token(viewer)
        invalidate = lambda: None  # noqa: E731  (time does it)

    async def scenario():
        communicator = await connected(token)
        assert await answers_requests(communicator)
        await asyncio.to_thread(invalidate)
        assert await communicator.receive_output(timeout=3) == CLOSED
        await communicator.disconnect()

    run(scenario)


def test_ws_token_removed_from_the_config_closes_the_connection(ws_token_served_bot, quick_recheck):
    async def scenario():
        communicator = await connected(WS_TOKEN)
        assert await answers_requests(communicator)
        serve("a-new-ws-token")  # as a reload_config with a changed ws_token
        assert await communicator.receive_output(timeout=3) == CLOSED
        await communicator.disconnect()

    run(scenario)


def test_valid_credentials_stay_connected(viewer, quick_recheck):
    async def scenario():
        by_ws_token = await connected(WS_TOKEN)
        by_jwt = await connected(user_token_pair(viewer)["access_token"])
        await asyncio.sleep(0.7)  # several re-checks
        assert await answers_requests(by_ws_token)
        assert await answers_requests(by_jwt)
        await by_ws_token.disconnect()
        await by_jwt.disconnect()

    run(scenario)
