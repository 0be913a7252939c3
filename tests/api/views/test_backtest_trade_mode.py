"""Beside a trading bot every ``/backtest*`` and ``/background*`` call is Freqtrade's 503, and
nothing is queued (recorded from ``freqtrade trade``: ``trade_mode_*`` in the API recording)."""

from __future__ import annotations

import pytest

from bot_engine.models import BacktestRun
from tests.fixtures.webserver_backtest import INDEX, recorded

TRADE_MODE_CALLS = sorted(name for name in INDEX if name.startswith("trade_mode_backtest"))
TRADE_MODE_CALLS += ["trade_mode_history", "trade_mode_background"]


@pytest.mark.parametrize("name", TRADE_MODE_CALLS)
def test_trade_mode_answers_503(running_bot, client_basic, name):
    call = INDEX[name]
    method = getattr(client_basic, call["method"].lower())
    response = method(call["path"], call["body"], format="json")
    assert (response.status_code, response.json()) == (call["status"], recorded(name))
    assert not BacktestRun.objects.exists()


def test_the_webserver_answers_the_same_calls(webserver, client_basic):
    assert client_basic.get("/api/v1/backtest").json() == recorded("backtest_not_started")
    assert client_basic.get("/api/v1/background").json() == recorded("background_empty")
    assert client_basic.get("/api/v1/backtest/history").json() == recorded("history_empty")
