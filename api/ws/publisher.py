"""The engine's event publisher for the websocket: engine thread -> channel layer groups.

``publish`` runs on the engine thread and must never wait: it encodes the message once, puts it
on a bounded thread-safe queue and wakes a pump task on an event loop, which hands it to the
channel layer (``group_send`` to the group of the message's type). A full queue drops the
message with a log line; the engine never blocks on the layer or on a client.

Which loop runs the pump depends on the layer:

- in-memory layer: the web server's loop, bound when the first websocket connects. Its queues
  belong to that loop, so nothing may touch them from another thread; before any client
  connected nobody could receive a message, and dropping it is right.
- any other layer (Redis): a loop on a daemon thread of its own, started on the first message,
  so events reach clients served by other processes even if this one serves none.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from typing import Any

from channels.layers import InMemoryChannelLayer, get_channel_layer

from api.ws.messages import MESSAGE_TYPES, encode
from bot_engine import events

logger = logging.getLogger(__name__)

GROUP_PREFIX = "tradeplane"
BROADCAST_EVENT = "bot.broadcast"  # handled by BotMessageConsumer.bot_broadcast
MAX_PENDING = 10_000


def group_name(message_type: str) -> str:
    return f"{GROUP_PREFIX}.{message_type}"


class ChannelLayerPublisher:
    """``bot_engine.events.Publisher`` that sends each message to ``group_name(type)``."""

    def __init__(self, layer=None, *, max_pending: int = MAX_PENDING) -> None:
        self._layer = layer
        self._pending: queue.Queue[tuple[str, str]] = queue.Queue(maxsize=max_pending)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._lock = threading.Lock()
        self._dropping = False

    @property
    def layer(self):
        if self._layer is None:
            self._layer = get_channel_layer()
        return self._layer

    @property
    def uses_server_loop(self) -> bool:
        return isinstance(self.layer, InMemoryChannelLayer)

    # engine thread
    def publish(self, message: dict[str, Any]) -> None:
        message_type = message.get("type")
        if message_type not in MESSAGE_TYPES:
            logger.debug("Not publishing a message of unknown type %r", message_type)
            return
        loop = self._loop
        if loop is None:
            if self.uses_server_loop:
                return  # no websocket has connected yet: nobody to tell
            loop = self._start_own_loop()
        try:
            self._pending.put_nowait((group_name(message_type), encode(message)))
        except queue.Full:
            if not self._dropping:
                logger.warning(
                    "Websocket publisher queue full (%d messages): dropping messages",
                    self._pending.maxsize,
                )
            self._dropping = True
            return
        self._dropping = False
        try:
            loop.call_soon_threadsafe(self._wake)
        except RuntimeError:  # the loop closed (server shut down): nobody is listening
            logger.debug("Websocket publisher loop is closed; message dropped")

    # the pump's loop
    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Run the pump on ``loop`` (call from that loop); a no-op if it already does."""
        with self._lock:
            if self._loop is loop:
                return
            self._loop = loop
            self._wakeup = asyncio.Event()
            loop.create_task(self._pump(self._wakeup), name="ws-publisher")

    def _start_own_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is not None:
                return self._loop
            loop = asyncio.new_event_loop()
            started = threading.Event()

            def run() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(started.set)
                loop.run_forever()

            threading.Thread(target=run, name="ws-publisher", daemon=True).start()
            started.wait()
        asyncio.run_coroutine_threadsafe(self._bind_here(), loop).result()
        return loop

    async def _bind_here(self) -> None:
        self.bind_loop(asyncio.get_running_loop())

    def _wake(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    async def _pump(self, wakeup: asyncio.Event) -> None:
        while True:
            await wakeup.wait()
            wakeup.clear()
            while True:
                try:
                    group, text = self._pending.get_nowait()
                except queue.Empty:
                    break
                try:
                    await self.layer.group_send(group, {"type": BROADCAST_EVENT, "text": text})
                except Exception:
                    logger.exception("Sending a message to the channel layer failed")


_installed: ChannelLayerPublisher | None = None


def install_publisher(layer=None) -> ChannelLayerPublisher:
    """Make the engine's events go to the websocket (``bot_engine.events.set_publisher``)."""
    global _installed
    _installed = ChannelLayerPublisher(layer)
    events.set_publisher(_installed)
    return _installed


def uninstall_publisher() -> None:
    global _installed
    _installed = None
    events.set_publisher(events.NullPublisher())


def bind_running_loop() -> None:
    """Called by each connecting consumer: the in-memory layer's pump runs on this loop."""
    publisher = _installed
    if publisher is not None and publisher.uses_server_loop:
        publisher.bind_loop(asyncio.get_running_loop())
