"""kill -9 of runbot at random points of a speed-0 replay, then restart, many times (issue 5,
reliability 3): the trade and order tables stay consistent and the replay goes on."""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

import pytest
import requests

from tests.bot_engine.test_runbot_command import check_consistency, counts
from tests.fixtures.api import basic_header
from tests.fixtures.runbot import runbot_process

pytestmark = pytest.mark.integration

CYCLES = 10
WALLET = 1.0


def wallet_from_trades(db: Path) -> float:
    """dry_run_wallet + realised profit - stake held in open trades, straight from the rows."""
    with sqlite3.connect(db, timeout=30) as conn:
        closed, open_stakes, realized = conn.execute(
            "select coalesce(sum(case when not is_open then close_profit_abs end), 0),"
            " coalesce(sum(case when is_open then stake_amount end), 0),"
            " coalesce(sum(case when is_open then realized_profit end), 0) from bot_engine_trade"
        ).fetchone()
    return WALLET + closed + realized - open_stakes


def stake_free(url: str) -> float:
    body = requests.get(f"{url}/api/v1/balance", headers=auth(), timeout=10).json()
    return next(c["free"] for c in body["currencies"] if c["currency"] == "BTC")


def auth() -> dict:
    return {"Authorization": basic_header()}


def test_kill_9_at_random_points_keeps_tables_consistent(tmp_path):
    db = tmp_path / "trades.sqlite"
    rng = random.Random(9)
    overrides = {
        "dry_run_wallet": WALLET,
        "max_open_trades": 2,
        "minimal_roi": {"0": 0.01},
        "exchange": {
            "name": "replay",
            "replay": {"speed": 0, "data_exchange": "binance"},
            "pair_whitelist": ["ETH/BTC", "XLM/BTC", "ADA/BTC"],
            "pair_blacklist": [],
        },
    }
    seen: dict[int, tuple] = {}
    started = time.monotonic()
    for _ in range(CYCLES):
        with runbot_process(tmp_path, **overrides) as bot:
            time.sleep(rng.uniform(0.0, 1.5))  # kill anywhere: entering, exiting, idle
            bot.process.kill()
            bot.process.wait(timeout=30)
        trades = check_consistency(db)  # no duplicate ids or open pairs, no orphan orders
        current = {t[1]: (t[2], t[4]) for t in trades}
        assert {k: current[k] for k in seen} == seen  # earlier trades survive unchanged
        seen = current
    with runbot_process(tmp_path, **overrides) as bot:
        deadline = time.monotonic() + 30
        while counts(db)[0] <= len(seen) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert counts(db)[0] > len(seen), "the replay continues after the crashes"
        # Stopped first: a trade entered between the two reads would differ by one stake.
        requests.post(f"{bot.url}/api/v1/stop", headers=auth(), timeout=10).raise_for_status()
        assert stake_free(bot.url) == pytest.approx(wallet_from_trades(db), abs=1e-9)
    check_consistency(db)
    print(
        f"kill -9/restart cycles: {CYCLES}, trades {counts(db)[0]} "
        f"({time.monotonic() - started:.0f} s)"
    )
