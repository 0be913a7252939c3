"""A websocket handshake presents a credential: a guessable one (``ws_token``, API key) goes
through the same failed-login throttle as a password (issue 14: every way to present a
password goes through one throttle)."""

from __future__ import annotations

import asyncio

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.cache import cache

from api.auth.throttling import BLOCK_AFTER
from api.context import configure_webserver
from api.ws.routing import websocket_urlpatterns
from bot_engine import runtime
from bot_engine.config.builder import build_config
from tests.fixtures.api import config_dict

pytestmark = pytest.mark.django_db(transaction=True)

WS_TOKEN = "the-right-ws-token"


@pytest.fixture(autouse=True)
def ws_token_webserver():
    config = config_dict()
    config["api_server"]["ws_token"] = WS_TOKEN
    runtime.register(None)
    configure_webserver(build_config(config, path=None))
    cache.clear()
    yield
    configure_webserver(None)
    cache.clear()


def handshake(token: str, address: str) -> bool:
    async def scenario() -> bool:
        communicator = WebsocketCommunicator(
            URLRouter(websocket_urlpatterns), f"/api/v1/message/ws?token={token}"
        )
        communicator.scope["client"] = (address, 50000)
        ok, _ = await communicator.connect(timeout=10)
        await communicator.disconnect()
        return ok

    return asyncio.run(asyncio.wait_for(scenario(), timeout=30))


def test_guessing_the_ws_token_blocks_the_address():
    guesses = [handshake(f"guess-{i}", "10.0.0.7") for i in range(BLOCK_AFTER)]
    assert not any(guesses)
    assert not handshake(WS_TOKEN, "10.0.0.7")  # blocked: even the right token is refused
    assert handshake(WS_TOKEN, "10.0.0.8")  # another address is not


def test_expired_or_garbage_jwts_do_not_block_a_reconnecting_client():
    for i in range(BLOCK_AFTER + 2):
        assert not handshake(f"eyJhbGciOi.eyJzdWIi{i}.c2lnbmF0dXJl", "10.0.0.9")
    assert handshake(WS_TOKEN, "10.0.0.9")
