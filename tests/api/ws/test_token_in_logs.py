"""A websocket URL carries its credential (``?token=``): the log must not (``/logs`` serves the
log to every viewer of the bot, and the console log is often shipped elsewhere)."""

from __future__ import annotations

import asyncio
import json

import pytest
import requests
from websockets.asyncio.client import connect

from tests.fixtures.api import API_PASSWORD, API_USER, BASE_CONFIG
from tests.fixtures.runbot import runbot_process

pytestmark = pytest.mark.integration


async def one_request(url: str) -> None:
    async with connect(url) as ws:
        await ws.send(json.dumps({"type": "whitelist", "data": ""}))
        await asyncio.wait_for(ws.recv(), 10)


def test_websocket_token_is_masked_in_the_access_log(tmp_path):
    api = {**BASE_CONFIG["api_server"], "verbosity": "info"}  # uvicorn logs every access
    with runbot_process(tmp_path, api_server=api) as bot:
        auth = (API_USER, API_PASSWORD)
        token = requests.post(f"{bot.url}/api/v1/token/login", auth=auth, timeout=10).json()
        access = token["access_token"]
        asyncio.run(
            one_request(bot.url.replace("http", "ws") + f"/api/v1/message/ws?token={access}")
        )
        logs = requests.get(f"{bot.url}/api/v1/logs", auth=auth, timeout=10).json()["logs"]
    assert access not in "\n".join(row[4] for row in logs)
    assert "/api/v1/message/ws?token=REDACTED" in bot.log()  # the access line, masked
    assert access not in bot.log()
