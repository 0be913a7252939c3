"""The websocket consumer over an in-memory channel layer (contract §1.8, §4)."""

from __future__ import annotations

import asyncio
import json
import logging
import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from api.auth.tokens import token_pair
from api.context import configure_webserver
from api.ws import consumer as consumer_module
from api.ws.consumer import BotMessageConsumer
from api.ws.publisher import install_publisher, uninstall_publisher
from api.ws.routing import websocket_urlpatterns
from bot_engine import runtime
from bot_engine.config.builder import build_config
from bot_engine.engine.state import AnalysedFrame
from tests.fixtures.api import API_USER, config_dict

# The handshake reads the database (roles, revoked tokens) from Channels' worker thread.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("in_memory_channel_layer"),
]

WS_PATH = "/api/v1/message/ws"
WS_TOKEN = "ws-token-one"


@pytest.fixture
def publisher():
    yield install_publisher()
    uninstall_publisher()


def serve_config(ws_token) -> None:
    """Webserver mode (no bot) with ``ws_token`` configured."""
    config = config_dict()
    config["api_server"]["ws_token"] = ws_token
    runtime.register(None)
    configure_webserver(build_config(config, path=None))


@pytest.fixture
def bot_config():
    """The API tests' config with a ws_token (``running_bot`` is built from it)."""
    config = config_dict()
    config["api_server"]["ws_token"] = WS_TOKEN
    return build_config(config, path=None)


@pytest.fixture
def webserver_ws(bot_config):
    runtime.register(None)
    configure_webserver(bot_config)
    yield
    configure_webserver(None)


def run(scenario) -> None:
    asyncio.run(asyncio.wait_for(scenario(), timeout=20))


def app():
    return URLRouter(websocket_urlpatterns)


async def connected(token: str = WS_TOKEN, application=None) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application or app(), f"{WS_PATH}?token={token}")
    ok, _ = await communicator.connect()
    assert ok
    return communicator


async def subscribe(communicator: WebsocketCommunicator, types) -> None:
    await communicator.send_json_to({"type": "subscribe", "data": types})
    # No reply to subscribe (contract §4); a whitelist round trip proves it was processed.
    await communicator.send_json_to({"type": "whitelist", "data": ""})
    assert (await communicator.receive_json_from())["type"] == "whitelist"


async def publish(publisher, *messages: dict) -> None:
    """From another thread, as the engine does."""
    for message in messages:
        await asyncio.to_thread(publisher.publish, message)


# authentication (§1.8)
@pytest.mark.parametrize(
    ("configured", "token", "accepted"),
    [
        (WS_TOKEN, WS_TOKEN, True),
        (["first-token", WS_TOKEN], WS_TOKEN, True),
        (["first-token", WS_TOKEN], "first-token", True),
        (WS_TOKEN, "wrong-token", False),
        (WS_TOKEN, "", False),
        ("", "", False),  # an empty ws_token means "none", never "anything goes"
        ([], "x", False),
    ],
)
def test_ws_token(configured, token, accepted):
    serve_config(configured)

    async def scenario():
        communicator = WebsocketCommunicator(app(), f"{WS_PATH}?token={token}")
        ok, code = await communicator.connect()
        assert ok is accepted
        if not accepted:
            assert code == 1008
        await communicator.disconnect()

    try:
        run(scenario)
    finally:
        configure_webserver(None)


@pytest.mark.parametrize(
    ("which", "accepted"),
    [("access", True), ("refresh", False), ("garbage", False), ("missing", False)],
)
def test_jwt_token(webserver_ws, which, accepted):
    tokens = token_pair(API_USER)
    path = {
        "access": f"{WS_PATH}?token={tokens['access_token']}",
        "refresh": f"{WS_PATH}?token={tokens['refresh_token']}",
        "garbage": f"{WS_PATH}?token=eyJhbGciOiJIUzI1NiJ9.e30.bad",
        "missing": WS_PATH,
    }[which]

    async def scenario():
        communicator = WebsocketCommunicator(app(), path)
        ok, code = await communicator.connect()
        assert (ok, None if ok else code) == (accepted, None if accepted else 1008)
        await communicator.disconnect()

    run(scenario)


def test_nothing_sent_before_a_request(webserver_ws, publisher):
    async def scenario():
        communicator = await connected()
        await publish(publisher, {"type": "new_candle", "data": ["ETH/BTC", "5m", "spot"]})
        assert await communicator.receive_nothing(timeout=0.2)
        await communicator.disconnect()

    run(scenario)


# requests (§4)
def test_whitelist_request(running_bot):
    async def scenario():
        communicator = await connected()
        await communicator.send_json_to({"type": "whitelist", "data": None})
        assert await communicator.receive_json_from() == {
            "type": "whitelist",
            "data": list(running_bot.whitelist),
        }
        await communicator.disconnect()

    run(scenario)


def analysed_frame(rows: int) -> AnalysedFrame:
    dates = pd.date_range("2018-01-10 08:50", periods=rows, freq="5min", tz="UTC")
    frame = pd.DataFrame(
        {
            "date": dates,
            "open": np.linspace(1.0, 2.0, rows),
            "close": np.linspace(1.5, 2.5, rows),
            "rsi": [math.nan] + [50.0] * (rows - 1),
            "enter_long": [math.nan] * rows,
            "enter_tag": [""] * rows,
        }
    )
    return AnalysedFrame(frame=frame, analysed_at=datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=UTC))


def test_analyzed_df_request(running_bot):
    pairs = list(running_bot.whitelist)
    for pair in pairs:
        running_bot.dataframes[pair] = analysed_frame(40)

    async def scenario():
        communicator = await connected()
        await communicator.send_json_to({"type": "analyzed_df", "data": {"limit": 5}})
        replies = [await communicator.receive_json_from() for _ in pairs]
        assert await communicator.receive_nothing(timeout=0.1)
        assert [r["data"]["key"] for r in replies] == [[p, "5m", "spot"] for p in pairs]
        for reply in replies:
            assert reply["type"] == "analyzed_df"
            pair = reply["data"]["key"][0]
            analysed = running_bot.dataframes[pair]
            df = reply["data"]["df"]
            assert df["__type__"] == "dataframe"
            split = json.loads(df["__value__"])
            assert split["columns"] == list(analysed.frame.columns)
            assert split["index"] == list(range(35, 40))
            newest = analysed.frame["date"].iloc[-1]
            assert split["data"][-1] == [int(newest.timestamp() * 1000), 2.0, 2.5, 50.0, None, ""]
            assert reply["data"]["la"] == "2026-01-02T03:04:05.006000Z"

        await communicator.send_json_to({"type": "analyzed_df", "data": {"pair": pairs[0]}})
        reply = await communicator.receive_json_from()
        assert reply["data"]["key"][0] == pairs[0]
        assert len(json.loads(reply["data"]["df"]["__value__"])["data"]) == 40  # limit 1500
        assert await communicator.receive_nothing(timeout=0.1)

        await communicator.send_json_to({"type": "analyzed_df", "data": ""})  # the whole frame
        replies = [await communicator.receive_json_from() for _ in pairs]
        full = json.loads(replies[0]["data"]["df"]["__value__"])
        assert len(full["data"]) == 40
        assert full["data"][0][3] is None  # NaN -> null
        await communicator.disconnect()

    run(scenario)


@pytest.mark.parametrize(
    ("request_", "reply"),
    [
        ({"type": "nope", "data": 1}, "Invalid request type: nope"),
        ({"data": []}, "Invalid request type: None"),
        ([1, 2], "Invalid request type: None"),
        ("not json{", "Invalid request type: None"),
        ({"type": "analyzed_df", "data": "ETH/BTC"}, "Error processing request"),
        ({"type": "analyzed_df", "data": {"limit": "ten"}}, "Error processing request"),
    ],
)
def test_invalid_requests(webserver_ws, request_, reply):
    async def scenario():
        communicator = await connected()
        if isinstance(request_, str):
            await communicator.send_to(text_data=request_)
        else:
            await communicator.send_json_to(request_)
        assert await communicator.receive_json_from() == {"type": "exception", "data": reply}
        await communicator.disconnect()

    run(scenario)


# broadcasts
def test_only_subscribed_types_are_delivered(webserver_ws, publisher):
    opened = datetime(2018, 1, 10, 8, 50, tzinfo=UTC)
    entry_fill = {
        "type": "entry_fill",
        "trade_id": 1,
        "pair": "ETH/BTC",
        "open_date": opened,
        "current_rate": math.nan,
        "open_rate": 0.1,
    }
    exit_fill = {"type": "exit_fill", "trade_id": 1, "pair": "ETH/BTC", "close_date": opened}
    candle = {"type": "new_candle", "data": ["ETH/BTC", "5m", "spot"]}
    status = {"type": "status", "status": "running"}

    async def scenario():
        fills = await connected()
        exits = await connected()
        await subscribe(fills, ["entry_fill", "new_candle"])
        await subscribe(exits, ["exit_fill"])
        await publish(publisher, entry_fill, status, exit_fill, candle)

        assert await fills.receive_json_from() == {
            **entry_fill,
            "open_date": "2018-01-10T08:50:00Z",
            "current_rate": None,  # NaN -> null, as the REST API
        }
        assert await fills.receive_json_from() == candle
        assert await exits.receive_json_from() == {
            **exit_fill,
            "close_date": "2018-01-10T08:50:00Z",
        }
        assert await fills.receive_nothing(timeout=0.1)
        assert await exits.receive_nothing(timeout=0.1)
        await fills.disconnect()
        await exits.disconnect()

    run(scenario)


def test_subscribe_replaces_and_invalid_subscribe_is_ignored(webserver_ws, publisher):
    candle = {"type": "new_candle", "data": ["ETH/BTC", "5m", "spot"]}
    status = {"type": "status", "status": "running"}

    async def scenario():
        communicator = await connected()
        await subscribe(communicator, ["new_candle"])
        await subscribe(communicator, ["status"])
        for ignored in (["status", "bogus"], "status", [], None, [1]):
            await subscribe(communicator, ignored)
        await publish(publisher, candle, status)
        assert await communicator.receive_json_from() == status
        assert await communicator.receive_nothing(timeout=0.1)
        await communicator.disconnect()

    run(scenario)


def test_disconnected_client_leaves_its_groups(webserver_ws, publisher):
    candle = {"type": "new_candle", "data": ["ETH/BTC", "5m", "spot"]}

    async def scenario():
        gone = await connected()
        stays = await connected()
        await subscribe(gone, ["new_candle"])
        await subscribe(stays, ["new_candle"])
        await gone.disconnect()
        await publish(publisher, candle)
        assert await stays.receive_json_from() == candle
        layer = publisher.layer
        assert len(layer.groups["tradeplane.new_candle"]) == 1
        await stays.disconnect()

    run(scenario)


class StuckConsumer(BotMessageConsumer):
    """A client whose socket never takes another byte: every send waits forever."""

    async def send(self, text_data=None, bytes_data=None, close=False):
        await asyncio.Event().wait()


def test_client_that_does_not_read_is_dropped(webserver_ws, publisher, monkeypatch, caplog):
    monkeypatch.setattr(consumer_module, "QUEUE_SIZE", 5)
    monkeypatch.setattr(consumer_module, "CLOSE_TIMEOUT", 0.5)
    candles = [{"type": "new_candle", "data": [f"P{i}/BTC", "5m", "spot"]} for i in range(12)]

    async def scenario():
        stuck = await connected(application=URLRouter(_stuck_routes()))
        reader = await connected()
        await stuck.send_json_to({"type": "subscribe", "data": ["new_candle"]})
        await subscribe(reader, ["new_candle"])
        await asyncio.sleep(0.05)
        with caplog.at_level(logging.WARNING, logger="api.ws.consumer"):
            await publish(publisher, *candles)
            for candle in candles:  # the reader gets everything, in order
                assert await reader.receive_json_from() == candle
            assert await stuck.receive_output(timeout=2) == {
                "type": "websocket.close",
                "code": 1008,
            }
            await stuck.wait(timeout=2)  # the consumer ended
        assert "does not read its messages" in caplog.text
        assert len(publisher.layer.groups["tradeplane.new_candle"]) == 1
        await reader.disconnect()

    run(scenario)


def _stuck_routes():
    from django.urls import path

    return [path("api/v1/message/ws", StuckConsumer.as_asgi())]


@pytest.mark.parametrize(("role", "accepted"), [("viewer", True), (None, False)])
def test_django_user_needs_a_role_on_the_bot(webserver_ws, role, accepted):
    from api.auth.tokens import user_token_pair
    from bot_engine.models import Bot
    from tests.fixtures.access import make_user

    bot = Bot.objects.create(name="api-test-bot")
    user = make_user("wsuser", bot=bot, role=role)
    path = f"{WS_PATH}?token={user_token_pair(user)['access_token']}"

    async def scenario():
        communicator = WebsocketCommunicator(app(), path)
        connected, _ = await communicator.connect()
        assert connected is accepted
        await communicator.disconnect()

    run(scenario)
