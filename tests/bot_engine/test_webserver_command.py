"""``manage.py webserver`` as a user runs it: a config it cannot serve, a worker killed and a
restart while backtests run, and two callers' backtests side by side in worker processes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time

import psutil
import pytest
import requests

from tests.fixtures.runbot import REPO
from tests.fixtures.webserver_backtest import (
    SAMPLE_BODY,
    Client,
    webserver_process,
    write_config,
)

pytestmark = pytest.mark.integration
WHOLE_RANGE = {key: value for key, value in SAMPLE_BODY.items() if key != "timerange"}


def manage(*args: str, config) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPLANE_")}
    if args[0] == "shell":  # no --config flag there: its variable, as manage.py sets it
        clean["TRADEPLANE_CONFIG"] = str(config)
        command = [sys.executable, "manage.py", *args]
    else:
        command = [sys.executable, "manage.py", *args, "--config", str(config)]
    return subprocess.run(command, cwd=REPO, env=clean, capture_output=True, text=True, timeout=60)


def wait_until_claimed(client: Client, timeout: float = 30) -> None:
    """Until a worker process has the caller's job (its step is set)."""
    deadline = time.monotonic() + timeout
    while client.get("backtest")["step"] == "":
        assert time.monotonic() < deadline, client.server.log()[-2000:]
        time.sleep(0.05)


def test_a_config_without_the_api_is_refused_in_one_line(tmp_path):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    data = json.loads(config.read_text())
    data["api_server"]["enabled"] = False
    config.write_text(json.dumps(data))
    done = manage("webserver", config=config)
    assert done.returncode != 0
    assert "api_server.enabled" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: one worker")
def test_two_callers_backtest_side_by_side(tmp_path):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    with webserver_process(config, tmp_path / "webserver.log") as server:
        bot = json.loads(config.read_text())["bot_name"]
        script = (  # grant_role's work, in the one Django start a second user costs here
            "from django.contrib.auth.models import User; "
            "from bot_engine.models import Bot, Role; from bot_engine.services import access; "
            "alice = User.objects.create_user('alice', password='alice-Backtest-pass-1'); "
            f"access.role_grant(bot=Bot.objects.get(name='{bot}'), role=Role.OPERATOR, user=alice)"
        )
        assert manage("shell", "-c", script, config=config).returncode == 0
        config_user, alice = Client(server), Client(server)
        alice.session.auth = ("alice", "alice-Backtest-pass-1")
        config_user.start(WHOLE_RANGE)
        alice.start(WHOLE_RANGE)  # not refused: the other job is not alice's
        assert config_user.wait_until_done()["status"] == "ended"
        assert alice.wait_until_done()["status"] == "ended"
        history = config_user.get("backtest/history")
        assert len(history) == 2
        with sqlite3.connect(tmp_path / "db.sqlite") as db:  # when each job ran, as stored
            (a_start, a_end), (b_start, b_end) = db.execute(
                "SELECT started_at, finished_at FROM bot_engine_backtestrun"
            ).fetchall()
        assert a_start < b_end and b_start < a_end, "the two jobs did not run at the same time"
        viewer = requests.get(f"{server.url}/api/v1/backtest", auth=("alice", "wrong"), timeout=10)
        assert viewer.status_code == 401


def test_a_dead_worker_fails_its_job_and_a_restart_marks_the_cut_job_interrupted(tmp_path):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    with webserver_process(config, tmp_path / "first.log") as server:
        client = Client(server)
        client.start(WHOLE_RANGE)
        wait_until_claimed(client)
        for worker in psutil.Process(server.process.pid).children(recursive=True):
            worker.kill()  # the pool's processes (as the kernel's OOM killer would)
        body = client.wait_until_done()
        assert body["status"] == "error" and "Worker process failed" in body["status_msg"]
        client.start(WHOLE_RANGE)  # a new pool runs it ...
        wait_until_claimed(client)
    # ... until the server stops
    with webserver_process(config, tmp_path / "second.log") as server:
        client = Client(server)
        body = client.get("backtest")
        assert (body["status"], body["running"]) == ("error", False)
        assert body["status_msg"].startswith("Backtest failed with Interrupted")
        jobs = client.get("background")
        assert [(job["status"], job["running"]) for job in jobs] == [("failed", False)] * 2
