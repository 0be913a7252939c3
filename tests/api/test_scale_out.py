"""Scaling out (issue 6): API workers separate from the bot, several bots on one database.

Each test starts real processes on a fresh database: a new PostgreSQL database on the server of
``TRADEPLANE_DB_URL`` when that is set (CI's second pass), a SQLite file otherwise. The Redis
test needs ``TRADEPLANE_REDIS_URL`` (a server on loopback, also CI's second pass) and is skipped
without it.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from contextlib import ExitStack

import pytest
import requests
from websockets.asyncio.client import connect

from tests.fixtures.api import API_PASSWORD, API_USER, BASE_CONFIG
from tests.fixtures.runbot import RunbotProcess, asgi_process, runbot_process

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

WS_TOKEN = "scale-out-ws-token"


def get(running: RunbotProcess, path: str):
    response = requests.get(
        f"{running.url}/api/v1/{path}", auth=(API_USER, API_PASSWORD), timeout=10
    )
    assert response.status_code == 200, (path, response.text[:300])
    return response.json()


def post(running: RunbotProcess, path: str) -> None:
    response = requests.post(
        f"{running.url}/api/v1/{path}", auth=(API_USER, API_PASSWORD), timeout=10
    )
    assert response.status_code == 200, (path, response.text[:300])


def wait_for_trades(running: RunbotProcess, closed: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        trades = get(running, "trades?limit=500")
        if sum(not t["is_open"] for t in trades["trades"]) >= closed:
            return trades
        time.sleep(0.3)
    pytest.fail(f"fewer than {closed} closed trades: {running.log()[-2000:]}")


def trade_rows(trades: dict) -> list[tuple]:
    return [
        (t["trade_id"], t["pair"], t["open_date"], t["close_date"], t["profit_abs"])
        for t in trades["trades"]
    ]


def closed_rows(trades: dict) -> list[tuple]:
    return [row for row in trade_rows(trades) if row[3] is not None]


def pick(profit: dict) -> dict:
    keys = ("profit_closed_coin", "closed_trade_count", "winning_trades", "losing_trades")
    return {key: profit[key] for key in keys}


def test_two_bots_trade_at_once_on_one_database(tmp_path, scratch_db_url):
    pairs = {"alpha": ["ETH/BTC", "ADA/BTC"], "beta": ["XLM/BTC", "LTC/BTC"]}
    for name in pairs:
        (tmp_path / name).mkdir()
    with ExitStack() as stack:
        bots = {
            name: stack.enter_context(
                runbot_process(
                    tmp_path / name,
                    db_url=scratch_db_url,
                    bot_name=name,
                    initial_state="running",
                    max_open_trades=5,
                    exchange={**BASE_CONFIG["exchange"], "pair_whitelist": whitelist},
                )
            )
            for name, whitelist in pairs.items()
        }
        for name, running in bots.items():
            trades = wait_for_trades(running, closed=2)["trades"]
            assert {t["pair"] for t in trades} <= set(pairs[name]), name
            # Each bot numbers its own trades: both have a trade 1, on their own pairs.
            assert get(running, "trade/1")["pair"] in pairs[name], name
            assert get(running, "show_config")["bot_name"] == name
        for running in bots.values():
            assert get(running, "count")["current"] <= 5


def test_a_separate_api_worker_sees_the_engines_trades(tmp_path, scratch_db_url):
    with runbot_process(
        tmp_path, db_url=scratch_db_url, bot_name=f"worker-{uuid.uuid4().hex[:6]}"
    ) as bot:
        wait_for_trades(bot, closed=3)
        with asgi_process(bot.config_path, tmp_path / "worker.log") as worker:
            # Both processes read the same rows: compare while the engine keeps trading, then
            # with the bot stopped (nothing may differ any more).
            seen = trade_rows(get(worker, "trades?limit=500"))
            assert len(seen) >= 3
            post(bot, "stop")
            time.sleep(0.5)
            # Open trades need live rates and "now" is the replay clock in the bot: compare
            # what is stored.
            closed = "trades?limit=500"
            assert closed_rows(get(worker, closed)) == closed_rows(get(bot, closed))
            assert get(worker, "performance") == get(bot, "performance")
            assert pick(get(worker, "profit")) == pick(get(bot, "profit"))
            later = trade_rows(get(worker, "trades?limit=500"))
            assert {row[0] for row in seen} <= {row[0] for row in later}


@pytest.mark.skipif(
    not os.environ.get("TRADEPLANE_REDIS_URL"), reason="TRADEPLANE_REDIS_URL not set (no Redis)"
)
def test_websocket_clients_of_another_worker_get_the_bots_messages(tmp_path, scratch_db_url):
    api_server = {
        **BASE_CONFIG["api_server"],
        "ws_token": WS_TOKEN,
        "redis_url": os.environ["TRADEPLANE_REDIS_URL"],
    }
    with ExitStack() as stack:
        bot = stack.enter_context(
            runbot_process(
                tmp_path,
                db_url=scratch_db_url,
                bot_name=f"redis-{uuid.uuid4().hex[:6]}",  # the layer's key prefix: one per test
                initial_state="stopped",
                api_server=api_server,
            )
        )
        worker = stack.enter_context(asgi_process(bot.config_path, tmp_path / "worker.log"))
        ws_url = worker.url.replace("http://", "ws://") + "/api/v1/message/ws"

        async def listen() -> dict[str, dict]:
            async with connect(f"{ws_url}?token={WS_TOKEN}", open_timeout=10) as ws:
                await ws.send(json.dumps({"type": "subscribe", "data": ["entry", "new_candle"]}))
                await asyncio.sleep(0.5)  # the subscription reaches the worker's consumer
                await asyncio.to_thread(post, bot, "start")
                seen: dict[str, dict] = {}
                deadline = time.monotonic() + 60
                while {"entry", "new_candle"} - set(seen):
                    remaining = deadline - time.monotonic()
                    assert remaining > 0, f"only got {sorted(seen)}: {bot.log()[-2000:]}"
                    message = json.loads(await asyncio.wait_for(ws.recv(), remaining))
                    seen.setdefault(message["type"], message)
                return seen

        seen = asyncio.run(listen())
        assert seen["entry"]["exchange"] == "Replay" and "/" in seen["entry"]["pair"]
        # The message went out after its transaction committed: the worker reads the trade.
        entered = seen["entry"]["trade_id"]
        trade = get(worker, f"trade/{entered}")
        assert trade["pair"] == seen["entry"]["pair"]  # open, or closed already at speed 0
