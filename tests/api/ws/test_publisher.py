"""The engine-side publisher, message helpers, the ASGI app and the channel-layer setting."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import threading
import time

import pytest
from channels.routing import ProtocolTypeRouter

from api.asgi_app import build_application
from api.ws import messages
from api.ws.publisher import ChannelLayerPublisher, uninstall_publisher
from bot_engine import events
from bot_engine.config.builder import build_config
from tests.fixtures.api import REPO, config_dict


class RecordingLayer:
    """A layer that is not in-memory (like Redis): the publisher runs its own loop for it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict, str]] = []
        self.arrived = threading.Event()

    async def group_send(self, group: str, message: dict) -> None:
        self.sent.append((group, message, threading.current_thread().name))
        self.arrived.set()


def test_cross_process_layer_gets_messages_from_its_own_loop():
    layer = RecordingLayer()
    publisher = ChannelLayerPublisher(layer)
    publisher.publish({"type": "startup", "status": "Bot x started"})
    assert layer.arrived.wait(5)
    group, message, thread = layer.sent[0]
    assert group == "tradeplane.startup"
    assert message == {
        "type": "bot.broadcast",
        "text": json.dumps({"type": "startup", "status": "Bot x started"}, separators=(",", ":")),
    }
    assert thread == "ws-publisher"


def test_unknown_types_are_not_published():
    layer = RecordingLayer()
    publisher = ChannelLayerPublisher(layer)
    publisher.publish({"type": "no_such_type"})
    publisher.publish({"status": "no type at all"})
    assert publisher._pending.empty() and publisher._loop is None


def test_in_memory_layer_before_any_client_drops_without_waiting():
    from channels.layers import InMemoryChannelLayer

    publisher = ChannelLayerPublisher(InMemoryChannelLayer())
    started = time.monotonic()
    publisher.publish({"type": "new_candle", "data": ["ETH/BTC", "5m", "spot"]})
    assert time.monotonic() - started < 0.1
    assert publisher._pending.empty()


def test_full_queue_drops_with_a_log_line_and_never_blocks(caplog):
    from channels.layers import InMemoryChannelLayer

    publisher = ChannelLayerPublisher(InMemoryChannelLayer(), max_pending=3)
    loop = asyncio.new_event_loop()  # bound but never run: a server too busy to pump
    try:
        publisher.bind_loop(loop)
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="api.ws.publisher"):
            for i in range(10):
                publisher.publish({"type": "new_candle", "data": [f"P{i}/BTC", "5m", "spot"]})
        assert time.monotonic() - started < 0.5
        assert publisher._pending.qsize() == 3
        assert caplog.text.count("queue full") == 1  # once per overflow, not per message
    finally:
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()
    while not publisher._pending.empty():
        publisher._pending.get_nowait()
    publisher.publish({"type": "new_candle", "data": ["X/BTC", "5m", "spot"]})  # closed loop: ok


def test_build_application_routes_both_protocols_and_installs_the_publisher():
    try:
        application = build_application()
        assert isinstance(application, ProtocolTypeRouter)
        assert set(application.application_mapping) == {"http", "websocket"}
        assert isinstance(events._publisher, ChannelLayerPublisher)
    finally:
        uninstall_publisher()
    assert isinstance(events._publisher, events.NullPublisher)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (None, (None, None)),
        ("", (None, None)),
        ({}, (None, None)),
        ({"limit": 10}, (10, None)),
        ({"limit": 5000, "pair": "ETH/BTC"}, (1500, "ETH/BTC")),
        ({"pair": "ETH/BTC"}, (1500, "ETH/BTC")),
    ],
)
def test_analyzed_df_params(data, expected):
    assert messages.analyzed_df_params(data) == expected


@pytest.mark.parametrize("data", ["ETH/BTC", [1], {"limit": "x"}, {"limit": True}, {"pair": 3}])
def test_analyzed_df_params_refused(data):
    with pytest.raises(messages.InvalidRequest):
        messages.analyzed_df_params(data)


def test_redis_url_is_accepted_by_the_config():
    config = config_dict()
    config["api_server"]["redis_url"] = "redis://:pw@localhost:6379/0"
    built = build_config(config, path=None)
    assert built.api_server.redis_url == "redis://:pw@localhost:6379/0"
    assert "pw" not in repr(built.api_server)


@pytest.mark.parametrize("redis_url", ["redis://localhost:6379/0", None])
def test_channel_layer_setting_follows_redis_url(tmp_path, redis_url):
    config = config_dict(bot_name="ws-bot")
    if redis_url:
        config["api_server"]["redis_url"] = redis_url
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    env = {**os.environ, "TRADEPLANE_CONFIG": str(path)}
    code = (
        "from django.conf import settings; import json; print(json.dumps(settings.CHANNEL_LAYERS))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "controlplane.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    layers = json.loads(result.stdout.strip().splitlines()[-1])
    if redis_url:
        assert layers["default"] == {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": "tradeplane:ws-bot"},
        }
    else:
        assert layers["default"] == {"BACKEND": "channels.layers.InMemoryChannelLayer"}
