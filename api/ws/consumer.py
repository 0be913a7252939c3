"""``/api/v1/message/ws``: Freqtrade's message stream (contract §1.8 auth, §4 protocol).

One consumer per connection. The consumer joins one channel-layer group per subscribed message
type; the engine's publisher sends each event to its type's group. Everything bound for the
client -- broadcasts and replies -- goes through a bounded per-connection queue drained by a
writer task, so neither the channel layer nor the engine ever waits on the socket. A client
that lets the queue fill up is dropped (close 1008) with a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from typing import Any
from urllib.parse import parse_qs

import orjson
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from api.auth.authentication import ApiAuthFailed, ApiUser, access_token_user
from api.context import api_server_config, bot_context
from api.ws import messages
from api.ws.publisher import bind_running_loop, group_name
from bot_engine.runtime import get_running_bot
from bot_engine.services import access

logger = logging.getLogger(__name__)

CLOSE_POLICY_VIOLATION = 1008  # refused token (before accept), or a client too slow to read
QUEUE_SIZE = 1000  # messages waiting for one client before it counts as stuck
CLOSE_TIMEOUT = 5.0  # seconds to get the close frame out to a stuck client
GROUP_REFRESH_SECS = 3600.0  # channel layers forget group members after a day (group_expiry)


def token_allowed(token: str) -> bool:
    """A configured ``ws_token`` (any of the list), or a valid JWT access token (§1.8) or API
    key whose holder may read this bot (viewer or more). Reads the database: call it from a
    thread (``database_sync_to_async``)."""
    if not token:
        return False
    api = api_server_config()
    # Compare against every configured token, in constant time, without an early exit.
    matches = [hmac.compare_digest(token.encode(), t.encode()) for t in api.ws_token if t]
    if any(matches):
        return True
    bot_id = bot_context().bot_id
    if access.looks_like_api_key(token):
        key = access.api_key_check(token)
        return key is not None and access.api_key_role(key, bot_id) is not None
    try:
        user = access_token_user(token)
    except ApiAuthFailed:
        return False
    return isinstance(user, ApiUser) or access.user_role(user, bot_id) is not None


def query_token(scope: dict[str, Any]) -> str:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[-1] if values else ""


class BotMessageConsumer(AsyncWebsocketConsumer):
    """A websocket client of the bot: requests in, subscribed events out."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.subscriptions: frozenset[str] = frozenset()
        self.outbox: asyncio.Queue[str] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.tasks: list[asyncio.Task] = []

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' dispatch closes stale DB connections (a thread hop) before every message;
        # this consumer never touches the database, and it sees a message per bot event.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # -- connection ----------------------------------------------------------------------------
    async def connect(self) -> None:
        if not await database_sync_to_async(token_allowed)(query_token(self.scope)):
            await self.close(code=CLOSE_POLICY_VIOLATION)  # before accept: handshake refused
            return
        bind_running_loop()
        await self.accept()
        self.tasks = [
            asyncio.create_task(self._write(), name="ws-writer"),
            asyncio.create_task(self._refresh_groups(), name="ws-groups"),
        ]

    async def disconnect(self, code: int) -> None:
        await self._leave_groups(self.subscriptions)
        self.subscriptions = frozenset()
        for task in self.tasks:
            task.cancel()

    # -- client requests -----------------------------------------------------------------------
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        request_type: Any = None
        try:
            request = orjson.loads(text_data if text_data is not None else bytes_data or b"")
            if isinstance(request, dict):
                request_type = request.get("type")
            handler = self.REQUESTS.get(request_type) if isinstance(request_type, str) else None
            if handler is None:
                await self.enqueue(messages.invalid_request_type(request_type))
                return
            await handler(self, request.get("data"))
        except StopConsumer:
            raise
        except orjson.JSONDecodeError:
            await self.enqueue(messages.invalid_request_type(request_type))
        except messages.InvalidRequest as exc:
            logger.info("Websocket request %r refused: %s", request_type, exc)
            await self.enqueue(messages.exception_message(messages.ERROR_PROCESSING))
        except Exception:
            logger.exception("Websocket request %r failed", request_type)
            await self.enqueue(messages.exception_message(messages.ERROR_PROCESSING))

    async def request_subscribe(self, data: Any) -> None:
        wanted = messages.subscription(data)
        if wanted is None:
            return  # contract §4: an invalid subscribe request is silently ignored
        await self._leave_groups(self.subscriptions - wanted)
        await self._join_groups(wanted - self.subscriptions)
        self.subscriptions = wanted

    async def request_whitelist(self, data: Any) -> None:
        bot = get_running_bot()
        await self.enqueue(messages.whitelist_message(list(bot.whitelist) if bot else []))

    async def request_analyzed_df(self, data: Any) -> None:
        limit, pair = messages.analyzed_df_params(data)
        bot = get_running_bot()
        if bot is None:
            return
        pairs = [pair] if pair else list(bot.whitelist)
        for name in pairs:
            analysed = bot.dataframes.get(name)
            if analysed is None:
                continue
            # Encoding up to 1500 rows takes a while: keep it off the event loop.
            text = await asyncio.to_thread(
                lambda name=name, analysed=analysed: messages.encode(
                    messages.analyzed_df_message(
                        pair=name,
                        timeframe=bot.timeframe,
                        frame=analysed.frame,
                        analysed_at=analysed.analysed_at,
                        limit=limit,
                    )
                )
            )
            await self.enqueue_text(text)

    REQUESTS = {
        "subscribe": request_subscribe,
        "whitelist": request_whitelist,
        "analyzed_df": request_analyzed_df,
    }

    # -- events from the engine (channel layer) ------------------------------------------------
    async def bot_broadcast(self, event: dict[str, Any]) -> None:
        await self.enqueue_text(event["text"])

    # -- the outbox ----------------------------------------------------------------------------
    async def enqueue(self, message: dict[str, Any]) -> None:
        await self.enqueue_text(messages.encode(message))

    async def enqueue_text(self, text: str) -> None:
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:
            await self._drop()

    async def _drop(self) -> None:
        """The client stopped reading: stop buffering for it, close, end the consumer."""
        client = self.scope.get("client")
        logger.warning(
            "Websocket client %s does not read its messages (%d queued); disconnecting it",
            f"{client[0]}:{client[1]}" if client else "?",
            QUEUE_SIZE,
        )
        await self.disconnect(CLOSE_POLICY_VIOLATION)
        # The socket's write buffer is full, so even the close frame may never get out; after
        # CLOSE_TIMEOUT the consumer ends anyway and the server closes the transport.
        with contextlib.suppress(TimeoutError, OSError):
            await asyncio.wait_for(self.close(code=CLOSE_POLICY_VIOLATION), CLOSE_TIMEOUT)
        raise StopConsumer()

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        await self.disconnect(message.get("code", 1000))
        raise StopConsumer()

    async def _write(self) -> None:
        while True:
            text = await self.outbox.get()
            try:
                await self.send(text_data=text)
            except OSError:  # uvicorn's ClientDisconnected: the disconnect event follows
                return

    async def _refresh_groups(self) -> None:
        while True:
            await asyncio.sleep(GROUP_REFRESH_SECS)
            await self._join_groups(self.subscriptions)

    async def _join_groups(self, types: frozenset[str]) -> None:
        for message_type in types:
            await self.channel_layer.group_add(group_name(message_type), self.channel_name)

    async def _leave_groups(self, types: frozenset[str]) -> None:
        for message_type in types:
            await self.channel_layer.group_discard(group_name(message_type), self.channel_name)
