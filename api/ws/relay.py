"""``/bots/<name>/api/v1/message/ws``: the message stream of any bot of the registry.

This process's own bot is served by its own consumer (``BotMessageConsumer``); for another bot
``BotRelayConsumer`` opens a websocket to the registry's ``api_url`` (same query string, so the
upstream checks the token itself) and relays frames both ways until either side closes, then
closes the other with the same code. A refused upstream handshake (bad token), an unknown bot or
one without a reachable API refuses the client's handshake (403) -- the upstream's verdict is
never turned into an accepted socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp
import yarl
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from api.client_address import HOP_HEADER, hop_header
from api.proxy import registry_entry, served_bot_name, usable_base
from api.ws.consumer import BotMessageConsumer

logger = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT_SECS = 10.0
CLOSE_TIMEOUT_SECS = 5.0
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # analyzed_df frames of a big whitelist are large
CLOSE_INTERNAL_ERROR = 1011
# Codes that must never be sent in a close frame (RFC 6455 §7.4.1): replaced by 1011.
RESERVED_CLOSE_CODES = {1004, 1005, 1006, 1015}


def sendable_close_code(code: int | None) -> int:
    if code is None:
        return CLOSE_INTERNAL_ERROR
    if code in RESERVED_CLOSE_CODES or not (1000 <= code < 5000) or 1016 <= code < 3000:
        return CLOSE_INTERNAL_ERROR
    return code


WS_PATH = "/api/v1/message/ws"


def upstream_ws_url(base: str, query_string: bytes) -> yarl.URL:
    scheme, rest = base.split("://", 1)
    url = f"{'wss' if scheme == 'https' else 'ws'}://{rest}{WS_PATH}"
    if query_string:
        url += "?" + query_string.decode("latin-1")
    return yarl.URL(url, encoded=True)


class BotRelayConsumer(AsyncWebsocketConsumer):
    """One client of another bot's stream: a websocket to that bot, frames copied both ways."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session: aiohttp.ClientSession | None = None
        self.upstream: aiohttp.ClientWebSocketResponse | None = None
        self.pump: asyncio.Task | None = None
        self.bot_name = ""

    async def connect(self) -> None:
        self.bot_name = self.scope["url_route"]["kwargs"]["name"]
        entry = await database_sync_to_async(registry_entry)(self.bot_name)
        # Only to the URL the bot registered itself: the query string carries the token.
        base = usable_base(entry.api_url) if entry and entry.registered else None
        if base is None:
            await self.close()  # before accept: the handshake is refused (403)
            return
        client = self.scope.get("client")
        headers = {"X-Forwarded-Proto": "wss" if self.scope.get("scheme") == "wss" else "ws"}
        if client:
            # The client's address, signed for the upstream's login throttle (api.client_address).
            headers["X-Forwarded-For"] = client[0]
            headers[HOP_HEADER] = hop_header(entry.proxy_secret, client[0], "GET", WS_PATH)
        self.session = aiohttp.ClientSession(trust_env=False)
        try:
            self.upstream = await asyncio.wait_for(
                self.session.ws_connect(
                    upstream_ws_url(base, self.scope.get("query_string", b"")),
                    headers=headers,
                    autoping=True,
                    max_msg_size=MAX_MESSAGE_BYTES,
                ),
                HANDSHAKE_TIMEOUT_SECS,
            )
        except aiohttp.WSServerHandshakeError as exc:
            # The upstream refused (a bad token: 403): refuse the client the same way.
            logger.info(
                "Websocket relay to bot %s refused upstream (%s)", self.bot_name, exc.status
            )
            await self._release()
            await self.close()
            return
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
            reason = str(exc) or type(exc).__name__
            logger.warning(
                "Websocket relay: bot %s (%s) unreachable: %s", self.bot_name, base, reason
            )
            await self._release()
            await self.close()
            return
        await self.accept()
        self.pump = asyncio.create_task(self._pump(), name=f"ws-relay-{self.bot_name}")

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.upstream is None:
            return
        try:
            if text_data is not None:
                await self.upstream.send_str(text_data)
            elif bytes_data is not None:
                await self.upstream.send_bytes(bytes_data)
        except (aiohttp.ClientError, OSError, RuntimeError):
            # The upstream is going away; the pump sees its close and closes the client.
            logger.info("Websocket relay to bot %s: upstream gone while sending", self.bot_name)

    async def _pump(self) -> None:
        """Upstream frames to the client; when the upstream closes, close the client alike."""
        upstream = self.upstream
        assert upstream is not None
        code: int | None = CLOSE_INTERNAL_ERROR
        try:
            async for message in upstream:
                if message.type == aiohttp.WSMsgType.TEXT:
                    await self.send(text_data=message.data)
                elif message.type == aiohttp.WSMsgType.BINARY:
                    await self.send(bytes_data=message.data)
                elif message.type == aiohttp.WSMsgType.ERROR:
                    break
            else:
                code = upstream.close_code
        except OSError:  # the client went away: its disconnect event follows
            return
        with contextlib.suppress(OSError):
            await self.close(code=sendable_close_code(code))

    async def disconnect(self, code: int) -> None:
        if self.pump is not None and self.pump is not asyncio.current_task():
            self.pump.cancel()
        await self._release()

    async def _release(self) -> None:
        """Close the upstream socket and the HTTP session (each at most once)."""
        upstream, self.upstream = self.upstream, None
        session, self.session = self.session, None
        with contextlib.suppress(Exception):
            if upstream is not None and not upstream.closed:
                await asyncio.wait_for(upstream.close(), CLOSE_TIMEOUT_SECS)
        with contextlib.suppress(Exception):
            if session is not None:
                await session.close()


class BotMessageRouter:
    """ASGI app of ``/bots/<name>/api/v1/message/ws``: own bot local, any other relayed."""

    def __init__(self) -> None:
        self.local = BotMessageConsumer.as_asgi()
        self.relay = BotRelayConsumer.as_asgi()

    async def __call__(self, scope: dict[str, Any], receive, send) -> None:
        name = scope["url_route"]["kwargs"]["name"]
        app = self.local if name == served_bot_name() else self.relay
        await app(scope, receive, send)
