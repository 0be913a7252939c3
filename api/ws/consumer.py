"""``/api/v1/message/ws``: Freqtrade's message stream (contract §1.8 auth, §4 protocol).

One consumer per connection. The consumer joins one channel-layer group per subscribed message
type; the engine's publisher sends each event to its type's group. Everything bound for the
client -- broadcasts and replies -- goes through a bounded per-connection queue drained by a
writer task, so neither the channel layer nor the engine ever waits on the socket. A client
that lets the queue fill up is dropped (close 1008) with a log line.

The token is checked again before each request message and every ``RECHECK_SECS``: a JWT
that expired or was logged out, a revoked API key or role, a deactivated user or a
``ws_token`` no longer configured ends the connection (close 1008) instead of streaming on.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import re
from typing import Any
from urllib.parse import parse_qs

import orjson
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from api.auth import throttling
from api.auth.authentication import ApiAuthFailed, ApiUser, bearer_user
from api.client_address import HOP_HEADER, relayed_client_address
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
# How long a connection may outlive its credential when it sends nothing: each re-check is a
# few indexed queries (blacklist, user, role), cheap at this pace even for many clients.
RECHECK_SECS = 3.0
JWT_SHAPE = re.compile(r"[\w-]+\.[\w-]+\.[\w-]+")  # header.payload.signature, base64url


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
    try:
        user, credential = bearer_user(token)  # the handshake is throttled as a whole
    except ApiAuthFailed:
        return False
    if credential.api_key is not None:
        return access.api_key_role(credential.api_key, bot_id) is not None
    return isinstance(user, ApiUser) or access.user_role(user, bot_id) is not None


def connect_allowed(scope: dict[str, Any], token: str) -> bool:
    """``token_allowed`` at the handshake. A guessable credential (a ``ws_token``, an API key)
    is a password: it goes through the login throttle (``api.auth.throttling``) from the
    client's address. A JWT cannot be guessed and is judged without it, as on every request
    (a client reconnecting with an expired token must not block its own address)."""
    if not token or JWT_SHAPE.fullmatch(token):
        return token_allowed(token)
    attempt = throttling.LoginAttempt.from_address(scope_client_address(scope), "websocket")
    try:
        return attempt.judge(lambda: True if token_allowed(token) else None) is not None
    except throttling.LoginThrottled:
        logger.warning("Websocket refused: too many failed logins from %s", attempt.address)
        return False


def scope_client_address(scope: dict[str, Any]) -> str | None:
    """The connection's peer, or the client a ``/bots/`` relay vouches for (signed header)."""
    client = scope.get("client")
    peer = client[0] if client else None
    headers = dict(scope.get("headers") or [])
    hop = headers.get(HOP_HEADER.lower().encode())
    if hop is None:
        return peer
    return relayed_client_address(hop.decode("latin-1"), "GET", scope.get("path", "")) or peer


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
        self.token = ""
        self.closing = False  # set once the close frame is on its way: nothing more goes out

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' dispatch closes stale DB connections (a thread hop) before every message;
        # this consumer never touches the database, and it sees a message per bot event.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # connection
    async def connect(self) -> None:
        self.token = query_token(self.scope)
        if not await database_sync_to_async(connect_allowed)(self.scope, self.token):
            await self.close(code=CLOSE_POLICY_VIOLATION)  # before accept: handshake refused
            return
        bind_running_loop()
        await self.accept()
        self.tasks = [
            asyncio.create_task(self._write(), name="ws-writer"),
            asyncio.create_task(self._refresh_groups(), name="ws-groups"),
            asyncio.create_task(self._recheck_credential(), name="ws-credential"),
        ]

    async def disconnect(self, code: int) -> None:
        await self._leave_groups(self.subscriptions)
        self.subscriptions = frozenset()
        for task in self.tasks:
            task.cancel()

    # client requests
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing:
            return  # frames the client sent before it saw our close
        request_type: Any = None
        try:
            if not await self._credential_holds():
                await self._end_session()
                return
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
        await self.enqueue(messages.whitelist_message(bot.current_whitelist() if bot else []))

    async def request_analyzed_df(self, data: Any) -> None:
        limit, pair = messages.analyzed_df_params(data)
        bot = get_running_bot()
        if bot is None:
            return
        pairs = [pair] if pair else bot.current_whitelist()
        for name in pairs:
            analysed = bot.analysed_frame(name)
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

    # events from the engine (channel layer)
    async def bot_broadcast(self, event: dict[str, Any]) -> None:
        await self.enqueue_text(event["text"])

    # the outbox
    async def enqueue(self, message: dict[str, Any]) -> None:
        await self.enqueue_text(messages.encode(message))

    async def enqueue_text(self, text: str) -> None:
        if self.closing:
            return
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:
            await self._drop()

    def _client(self) -> str:
        client = self.scope.get("client")
        return f"{client[0]}:{client[1]}" if client else "?"

    async def _drop(self) -> None:
        """The client stopped reading: stop buffering for it, close, end the consumer."""
        logger.warning(
            "Websocket client %s does not read its messages (%d queued); disconnecting it",
            self._client(),
            QUEUE_SIZE,
        )
        self.closing = True
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

    # the credential, again
    async def _credential_holds(self) -> bool:
        return await database_sync_to_async(token_allowed)(self.token)

    async def _recheck_credential(self) -> None:
        while not self.closing:
            await asyncio.sleep(RECHECK_SECS)
            try:
                holds = await self._credential_holds()
            except Exception:  # the database away for a moment: keep the client, try again
                logger.exception(
                    "Websocket client %s: could not re-check its token", self._client()
                )
                continue
            if not holds:
                await self._end_session()
                return

    async def _end_session(self) -> None:
        """The credential no longer holds: send nothing more, close with 1008. The consumer
        ends when the client's disconnect comes back."""
        if self.closing:
            return
        self.closing = True
        logger.info("Websocket client %s: its token is no longer valid; closing", self._client())
        await self._leave_groups(self.subscriptions)
        self.subscriptions = frozenset()
        current = asyncio.current_task()
        for task in self.tasks:
            if task is not current:
                task.cancel()
        await self.close(code=CLOSE_POLICY_VIOLATION)

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
