"""``GET /api/v1/logs`` of a real ``runbot`` that has traded: FreqUI's Logs page (§3.13)."""

from __future__ import annotations

import time

import pytest
import requests

from tests.fixtures.api import API_PASSWORD, API_USER
from tests.fixtures.runbot import runbot_process

pytestmark = pytest.mark.integration


def logs(url: str, **params) -> dict:
    response = requests.get(
        f"{url}/api/v1/logs", params=params, auth=(API_USER, API_PASSWORD), timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


def exits(body: dict) -> int:
    return sum(row[4].startswith("Exited ") for row in body["logs"])


def test_logs_of_a_runbot_that_traded(tmp_path):
    with runbot_process(tmp_path) as bot:  # replay at speed 0: trades within seconds
        deadline = time.monotonic() + 60
        while exits(body := logs(bot.url)) < 3:
            assert time.monotonic() < deadline, body
            time.sleep(0.3)
        latest = logs(bot.url, limit=3)
    messages = [row[4] for row in body["logs"]]
    assert body["log_count"] == len(messages)
    assert sum(m.startswith("Entered ") for m in messages) >= 3
    assert any(m.startswith("Bot api-test-bot started in state running") for m in messages)
    entered = next(row for row in body["logs"] if row[4].startswith("Entered "))
    # [date string, epoch ms, logger, level, message], as Freqtrade's /logs rows.
    assert entered[2:4] == ["bot_engine.engine.orders", "INFO"]
    assert isinstance(entered[0], str) and isinstance(entered[1], float)
    assert latest["log_count"] == 3 == len(latest["logs"])
