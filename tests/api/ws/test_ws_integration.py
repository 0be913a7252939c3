"""A real ``runbot`` (replay at speed 0) pushing its events to websocket clients (§1.8, §4)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.fixtures.api import API_PASSWORD, API_USER, BASE_CONFIG
from tests.fixtures.runbot import runbot_process

pytestmark = pytest.mark.integration

WS_TOKEN = "integration-ws-token"
COMMON_FIELDS = {
    "trade_id", "type", "buy_tag", "enter_tag", "exchange", "pair", "leverage", "direction",
    "limit", "order_rate", "open_rate", "order_type", "amount", "stake_amount", "stake_currency",
    "base_currency", "quote_currency", "fiat_currency", "open_date", "current_rate", "sub_trade",
}  # fmt: skip
EXIT_FIELDS = COMMON_FIELDS | {
    "gain", "close_rate", "profit_amount", "profit_ratio", "exit_reason", "close_date",
    "cumulative_profit", "final_profit_ratio", "is_final_exit",
}  # fmt: skip
DROPPED = "does not read its messages"
WANTED = {"entry", "entry_fill", "exit_fill", "new_candle"}
SUBSCRIBE = {
    "type": "subscribe",
    "data": ["entry", "entry_fill", "exit", "exit_fill", "new_candle"],
}


@pytest.fixture(scope="module")
def ws_runbot_server(tmp_path_factory):
    api_server = {**BASE_CONFIG["api_server"], "ws_token": WS_TOKEN}
    with runbot_process(tmp_path_factory.mktemp("runbot_ws"), api_server=api_server) as bot:
        port = int(bot.url.rsplit(":", 1)[1])
        yield {
            "url": bot.url,
            "ws": f"ws://127.0.0.1:{port}/api/v1/message/ws",
            "port": port,
            "log": bot.log_path,
        }


def masked_text_frame(text: str) -> bytes:
    payload = text.encode()
    mask = os.urandom(4)
    length = len(payload)
    header = bytes([0x81])  # FIN + text
    if length < 126:
        header += bytes([0x80 | length])
    else:
        header += bytes([0x80 | 126]) + length.to_bytes(2, "big")
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def stuck_client(port: int, token: str, requests_: list[dict]) -> socket.socket:
    """A websocket client that sends requests and then never reads a byte (tiny receive buffer)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /api/v1/message/ws?token={token} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    assert response.startswith(b"HTTP/1.1 101"), response
    for request in requests_:
        sock.sendall(masked_text_frame(json.dumps(request)))
    return sock


def check_fields(message: dict) -> None:
    kind = message["type"]
    if kind == "new_candle":
        pair, timeframe, candle_type = message["data"]
        assert "/" in pair and (timeframe, candle_type) == ("5m", "spot")
        return
    fields = EXIT_FIELDS if kind.startswith("exit") else COMMON_FIELDS
    assert fields <= set(message), fields - set(message)
    assert message["exchange"] == "Replay" and message["direction"] == "Long"
    assert datetime.fromisoformat(message["open_date"]).tzinfo is not None
    assert message["open_date"].endswith("Z")
    if kind == "exit_fill":
        assert message["close_date"].endswith("Z") and message["is_final_exit"] is True
        assert message["gain"] in {"profit", "loss"}


async def collect(ws, until: set[str], *, timeout: float) -> dict[str, dict]:
    """The first message of each wanted type, checking every trade message on the way."""
    seen: dict[str, dict] = {}
    deadline = time.monotonic() + timeout
    while not until <= set(seen):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"only got {sorted(seen)}"
        message = json.loads(await asyncio.wait_for(ws.recv(), remaining))
        check_fields(message)
        seen.setdefault(message["type"], message)
    return seen


async def count_candles(ws, seconds: float) -> int:
    count = 0
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(await asyncio.wait_for(ws.recv(), remaining))
        except TimeoutError:
            break
        count += message["type"] == "new_candle"
    return count


def wait_for_log(path: Path, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text():
            return True
        time.sleep(0.2)
    return False


def wait_for_full_frames(url: str, rows: int = 300, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        candles = requests.get(
            f"{url}/api/v1/pair_candles",
            params={"pair": "ETH/BTC", "timeframe": "5m"},
            auth=(API_USER, API_PASSWORD),
            timeout=5,
        ).json()
        if candles.get("length", 0) >= rows:
            return
        time.sleep(0.2)
    pytest.fail(f"the bot never analysed {rows} candles")


def test_bad_or_missing_token_is_refused(ws_runbot_server):
    async def scenario():
        for query in ("?token=wrong", "?token=", ""):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(ws_runbot_server["ws"] + query, open_timeout=5):
                    pass
            assert refused.value.response.status_code == 403

    asyncio.run(scenario())


def test_clients_receive_trades_and_candles_and_a_stuck_client_is_dropped(ws_runbot_server):
    login = requests.post(
        f"{ws_runbot_server['url']}/api/v1/token/login", auth=(API_USER, API_PASSWORD), timeout=5
    )
    access = login.json()["access_token"]

    async def scenario():
        async with (
            connect(f"{ws_runbot_server['ws']}?token={WS_TOKEN}", open_timeout=5) as by_ws_token,
            connect(f"{ws_runbot_server['ws']}?token={access}", open_timeout=5) as by_jwt,
        ):
            stuck = stuck_client(
                ws_runbot_server["port"],
                WS_TOKEN,
                [{"type": "subscribe", "data": ["new_candle", "entry", "exit_fill"]}],
            )
            try:
                for ws in (by_ws_token, by_jwt):
                    await ws.send(json.dumps(SUBSCRIBE))
                seen = await asyncio.gather(
                    collect(by_ws_token, WANTED, timeout=40),
                    collect(by_jwt, WANTED, timeout=40),
                )
                for messages in seen:
                    assert messages["entry"]["pair"] and messages["entry_fill"]["trade_id"] >= 1

                # Once the dataframes are full, ~7 MB the stuck client never reads fill every
                # buffer, its queue fills with new candles, and the server drops it -- while
                # the others keep receiving.
                await asyncio.to_thread(wait_for_full_frames, ws_runbot_server["url"])
                for _ in range(30):
                    stuck.sendall(masked_text_frame(json.dumps({"type": "analyzed_df"})))
                dropped = asyncio.create_task(
                    asyncio.to_thread(wait_for_log, ws_runbot_server["log"], DROPPED, 25)
                )
                during = [0, 0]
                while not dropped.done():
                    counts = await asyncio.gather(
                        count_candles(by_ws_token, 0.5), count_candles(by_jwt, 0.5)
                    )
                    during = [a + b for a, b in zip(during, counts, strict=True)]
                assert dropped.result(), ws_runbot_server["log"].read_text()[-2000:]
                after = await asyncio.gather(
                    count_candles(by_ws_token, 2.0), count_candles(by_jwt, 2.0)
                )
                assert all(count > 0 for count in during + after), (during, after)
            finally:
                stuck.close()

    asyncio.run(scenario())
