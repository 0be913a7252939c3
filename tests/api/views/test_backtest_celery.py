"""With ``api_server.redis_url`` backtests go through Celery: a worker process of its own
(``celery -A controlplane worker``, which could run on another machine) runs them, not the
webserver. Needs Redis (``TRADEPLANE_REDIS_URL``: CI's PostgreSQL + Redis pass)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.fixtures.runbot import REPO
from tests.fixtures.webserver_backtest import (
    SHORT_BODY,
    Client,
    webserver_process,
    write_config,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TRADEPLANE_REDIS_URL"), reason="TRADEPLANE_REDIS_URL not set (no Redis)"
    ),
]


@contextmanager
def celery_worker(config: Path, log_path: Path) -> Iterator[subprocess.Popen]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPLANE_")}
    env = {**clean, "TRADEPLANE_CONFIG": str(config)}
    command = [sys.executable, "-m", "celery", "-A", "controlplane", "worker",
               "--concurrency", "1", "--loglevel", "info", "--without-gossip",
               "--without-mingle", "--without-heartbeat",
               "-n", f"{uuid.uuid4().hex[:8]}@test"]  # fmt: skip
    with log_path.open("w") as log:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_celery_worker_runs_the_job_and_a_restart_leaves_it_queued(tmp_path, scratch_db_url):
    config = write_config(
        tmp_path,
        scratch_db_url,
        bot_name=f"celery-{uuid.uuid4().hex[:6]}",  # its own queue on the shared Redis
        api_server={"redis_url": os.environ["TRADEPLANE_REDIS_URL"]},
    )
    with webserver_process(config, tmp_path / "first.log") as server:
        client = Client(server)
        client.start(SHORT_BODY)
        time.sleep(1.0)
        queued = client.get("backtest")  # no worker yet: it waits in the queue
        assert (queued["status"], queued["step"]) == ("running", "")
    assert "jobs run on celery workers" in (tmp_path / "first.log").read_text()
    with webserver_process(config, tmp_path / "second.log") as server:
        client = Client(server)
        assert client.get("backtest")["status"] == "running"  # not marked interrupted
        with celery_worker(config, tmp_path / "worker.log"):
            ended = client.wait_until_done(timeout=90)
        assert ended["status"] == "ended", ended
        assert len(ended["backtest_result"]["strategy"]["SampleStrategy"]["trades"]) > 0
        (job,) = client.get("background")
        assert (job["status"], job["progress_tasks"]["1"]["total"]) == ("success", 576.0)
    worker_log = (tmp_path / "worker.log").read_text()
    assert "tradeplane.backtest.run" in worker_log and "succeeded" in worker_log
