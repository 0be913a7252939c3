"""A real ``manage.py webserver``: analysis jobs run in its worker pool, like backtests, and
FreqUI-style polling of ``GET /{analysis}/{job_id}`` ends with Freqtrade's result."""

from __future__ import annotations

import shutil
import time

import pytest

from tests.bot_engine.backtest.reference_runs import ROOT
from tests.fixtures.webserver_backtest import Client, webserver_process, write_config

pytestmark = pytest.mark.integration
STRATEGIES = ROOT / "tests" / "data" / "strategies" / "lookahead"


@pytest.fixture(scope="module")
def analysis_webserver(tmp_path_factory):
    folder = tmp_path_factory.mktemp("analysis")
    config = write_config(folder, f"sqlite:///{folder / 'db.sqlite'}")
    for source in STRATEGIES.glob("*.py"):
        shutil.copy(source, folder / "user_data" / "strategies" / source.name)
    with webserver_process(config, folder / "webserver.log") as server:
        yield Client(server)


def wait(client: Client, path: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(path)
        if not body["running"]:
            return body
        time.sleep(0.2)
    raise AssertionError(f"{path} still running: {client.server.log()[-3000:]}")


def test_both_analyses_run_side_by_side_in_the_workers(analysis_webserver):
    client = analysis_webserver
    lookahead = client.call(
        "POST",
        "lookahead_analysis",
        json={
            "strategy": "PeekStrategy",
            "timerange": "20180115-20180116",
            "minimum_trade_amount": 2,
            "targeted_trade_amount": 3,
        },
    )
    recursive = client.call(
        "POST",
        "recursive_analysis",
        json={"strategy": "RecursiveEmaStrategy", "timerange": "20180115-20180116"},
    )
    assert (lookahead.status_code, recursive.status_code) == (200, 200), lookahead.text
    look_id, rec_id = lookahead.json()["job_id"], recursive.json()["job_id"]
    categories = {job["job_id"]: job["job_category"] for job in client.get("background")}
    assert categories == {look_id: "lookahead_analysis", rec_id: "recursive_analysis"}

    ended = wait(client, f"lookahead_analysis/{look_id}")
    assert ended["status"] == "ended", ended
    assert ended["result"]["has_bias"] is True
    assert "future_close" in ended["result"]["biased_indicators"]
    ended = wait(client, f"recursive_analysis/{rec_id}")
    assert ended["status"] == "ended", ended
    # Freqtrade's default startup counts, with the strategy's own 10
    assert ended["result"]["startup_candles"] == [10, 199, 399, 499, 999, 1999]
    assert "ema_long" in ended["result"]["results"]
    assert client.get("backtest/history") == []
