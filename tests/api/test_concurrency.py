"""API load against a real runbot while its engine replays at full speed (issue 5,
reliability 4): no "database is locked", no server error, no lost or duplicated update."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections import Counter

import pytest
import requests

from tests.bot_engine.test_runbot_command import check_consistency
from tests.fixtures.api import basic_header
from tests.fixtures.runbot import runbot_process

pytestmark = pytest.mark.integration

CLIENTS = 8
SECONDS = 12
PAIRS = ["ETH/BTC", "XLM/BTC", "ADA/BTC", "LTC/BTC", "XMR/BTC"]
POLLED = ["/status", "/count", "/profit", "/trades?limit=50", "/balance", "/performance"]


def test_concurrent_clients_while_the_engine_replays(tmp_path):
    overrides = {
        "max_open_trades": 5,
        "internals": {"process_throttle_secs": 1},
        "exchange": {
            "name": "replay",
            "replay": {"speed": 0, "data_exchange": "binance"},
            "pair_whitelist": PAIRS,
            "pair_blacklist": [],
        },
    }
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    entered: set[int] = set()
    exited: set[int] = set()
    lock = threading.Lock()

    with runbot_process(tmp_path, **overrides) as bot:
        api = f"{bot.url}/api/v1"
        stop_at = time.monotonic() + SECONDS

        def client(seed: int) -> None:
            rng = random.Random(seed)
            session = requests.Session()
            session.headers["Authorization"] = basic_header()
            while time.monotonic() < stop_at:
                roll = rng.random()
                if roll < 0.15:
                    kind, response = (
                        "enter",
                        session.post(
                            f"{api}/forceenter", json={"pair": rng.choice(PAIRS)}, timeout=30
                        ),
                    )
                elif roll < 0.25:
                    trades = session.get(f"{api}/status", timeout=30).json()
                    if not isinstance(trades, list) or not trades:
                        continue
                    trade_id = rng.choice(trades)["trade_id"]
                    kind, response = (
                        "exit",
                        session.post(f"{api}/forceexit", json={"tradeid": trade_id}, timeout=30),
                    )
                else:
                    kind, response = "poll", session.get(api + rng.choice(POLLED), timeout=30)
                text = response.text
                with lock:
                    statuses[response.status_code] += 1
                    bad = response.status_code >= 500 and response.status_code != 502
                    if bad or "locked" in text or not text.startswith(("{", "[")):
                        failures.append(f"{response.status_code} {response.url}: {text[:200]}")
                    if kind == "enter" and response.ok and "trade_id" in response.json():
                        entered.add(response.json()["trade_id"])
                    if kind == "exit" and response.ok:
                        exited.add(trade_id)

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 60)
        time.sleep(1.5)  # let the engine finish the last market exits
        log = bot.log()

    assert not failures, failures[:5]
    assert "database is locked" not in log and "Traceback" not in log
    total = sum(statuses.values())
    assert total >= 200 and statuses[200] > 0, statuses
    db = tmp_path / "trades.sqlite"
    check_consistency(db)  # no duplicate trade ids, one open trade per pair, no orphans
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("select trade_id, is_open from bot_engine_trade").fetchall())
    assert entered <= set(rows), "every acknowledged force-entry is stored"
    assert not [t for t in exited if rows.get(t)], "every acknowledged market exit closed"
    print(
        f"requests served under load: {total} {dict(statuses)}; "
        f"force-entries {len(entered)}, force-exits {len(exited)}, trades {len(rows)}"
    )
