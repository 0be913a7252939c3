"""The API keeps answering while the engine replays at full speed (issue 3, part 6)."""

import signal
import time

import pytest
import requests

from tests.fixtures.api import API_PASSWORD, API_USER
from tests.fixtures.runbot import runbot_process

pytestmark = pytest.mark.integration

POLLED = [
    "status",
    "profit",
    "trades?limit=500",
    "count",
    "balance",
    "locks",
    "show_config",
    "pair_candles?pair=ETH/BTC&timeframe=5m&limit=100",
    "performance",
    "daily",
]


def test_api_answers_during_a_speed_0_replay(tmp_path):
    with runbot_process(tmp_path, initial_state="running", max_open_trades=5) as running:
        session = requests.Session()
        session.auth = (API_USER, API_PASSWORD)
        slowest = 0.0
        trades_seen = set()
        deadline = time.monotonic() + 20
        rounds = 0
        while time.monotonic() < deadline:
            for path in POLLED:
                started = time.perf_counter()
                response = session.get(f"{running.url}/api/v1/{path}", timeout=10)
                slowest = max(slowest, time.perf_counter() - started)
                assert response.status_code == 200, (path, response.text[:300])
            trades_seen.update(
                t["trade_id"]
                for t in session.get(f"{running.url}/api/v1/trades", timeout=10).json()["trades"]
            )
            rounds += 1
        log = running.log()
        assert "database is locked" not in log
        assert "Traceback" not in log
        assert rounds >= 5
        assert trades_seen  # the engine really was trading meanwhile
        assert slowest < 3.0  # no request waited behind the loop


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_runbot_with_the_api_stops_cleanly(tmp_path, stop_signal):
    with runbot_process(tmp_path, initial_state="running") as running:
        running.process.send_signal(stop_signal)
        assert running.process.wait(timeout=30) == 0
    log = running.log()
    assert "Traceback" not in log
    assert "stopped" in log  # the engine was stopped, not killed with the process
