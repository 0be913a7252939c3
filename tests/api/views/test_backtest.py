"""FreqUI's Backtest page against a real ``manage.py webserver``: Freqtrade's recorded webserver
API (``tests/data/freqtrade/backtest/api/index.json``) replayed call by call, bodies compared.

One server for the module; each test leaves no job running. The full ``sample`` run is made
once (module fixture); the other runs use a 2-day range.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.fixtures.webserver_backtest import (
    INDEX,
    REPO,
    SAMPLE_BODY,
    SHORT_BODY,
    USER,
    Client,
    recorded,
    recorded_status,
    same,
    webserver_process,
    write_config,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def bt_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("webserver")


@pytest.fixture(scope="module")
def bt_client(bt_folder) -> Client:
    config = write_config(bt_folder, f"sqlite:///{bt_folder / 'db.sqlite'}")
    with webserver_process(config, bt_folder / "webserver.log") as server:
        yield Client(server)


@dataclass
class SampleRun:
    """What FreqUI sees through run ``sample``: its calls while the job runs, and the end."""

    started: dict
    second_start: requests.Response
    reset_while_running: dict
    background_while_running: list
    running: list[dict] = field(default_factory=list)
    ended: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def sample_run(bt_client) -> SampleRun:
    bt_client.call("DELETE", "backtest")
    run = SampleRun(
        started=bt_client.start(SAMPLE_BODY),
        second_start=bt_client.call("POST", "backtest", json=SAMPLE_BODY),
        reset_while_running=bt_client.call("DELETE", "backtest").json(),
        background_while_running=bt_client.get("background"),
    )
    while (body := bt_client.get("backtest"))["running"]:
        run.running.append(body)
    run.ended = body
    return run


def result_file(run: SampleRun) -> str:
    return run.ended["backtest_result"]["metadata"]["SampleStrategy"]["filename"]


def test_start_answers_at_once_and_the_job_runs_in_the_background(sample_run):
    assert sample_run.started == recorded("backtest_start")
    assert sample_run.running, "GET /backtest never saw the job running"
    for body in sample_run.running:
        assert set(body) == set(recorded("backtest_running"))
        assert (body["status"], body["status_msg"]) == ("running", "Backtest running")
        assert body["step"] in ("", "startup", "backtest") and 0 <= body["progress"] <= 1


def test_a_second_start_while_one_runs_is_freqtrades_502(sample_run):
    assert sample_run.second_start.status_code == recorded_status("backtest_start_while_running")
    assert sample_run.second_start.json() == recorded("backtest_start_while_running")


def test_reset_while_running_changes_nothing(sample_run):
    assert sample_run.reset_while_running["status"] == "running"
    assert sample_run.reset_while_running["running"] is True
    assert sample_run.ended["status"] == "ended"  # the job went on


def test_the_ended_body_is_freqtrades_trade_for_trade(sample_run):
    """138 trades, every figure, dates as ``...Z`` and durations as ISO 8601 (the live form)."""
    assert same(sample_run.ended, recorded("backtest_ended")) == []


def test_background_shows_the_job_pending_then_done(bt_client, sample_run):
    (running,) = sample_run.background_while_running
    expected = recorded("background_running")[0]
    assert set(running) == set(expected) and running["running"] is True
    assert (running["status"], running["job_category"]) == ("pending", "backtest")
    job = bt_client.get(f"background/{running['job_id']}")
    assert same(job, recorded("background_job")) == []  # progress_tasks: 4/4, 5472/5472
    assert job in bt_client.get("background")


def test_history_serves_the_run(bt_client, sample_run):
    name = result_file(sample_run)
    (entry,) = [e for e in bt_client.get("backtest/history") if e["filename"] == name]
    assert same(entry, recorded("history")[0]) == []
    result = bt_client.get("backtest/history/result", params=_query(name))
    assert same(result, recorded("history_result")) == []
    assert (
        same(bt_client.get(f"backtest/history/{name}/market_change"), recorded("market_change"))
        == []
    )
    assert (
        same(bt_client.get(f"backtest/history/{name}/SampleStrategy/wallet"), recorded("wallet"))
        == []
    )


def test_notes_are_set_by_patch(bt_client, sample_run):
    name = result_file(sample_run)
    body = recorded("history_patch_notes")
    answer = bt_client.call(
        "PATCH", f"backtest/history/{name}", json=_index_body("history_patch_notes")
    )
    assert answer.status_code == 200 and same(answer.json(), body) == []
    (entry,) = [e for e in bt_client.get("backtest/history") if e["filename"] == name]
    assert entry["notes"] == body[0]["notes"]
    wrong = bt_client.call(
        "PATCH", f"backtest/history/{name}", json=_index_body("history_patch_wrong_strategy")
    )
    assert (wrong.status_code, wrong.json()) == (400, recorded("history_patch_wrong_strategy"))


@pytest.mark.parametrize(
    "name",
    [
        "history_result_missing",
        "market_change_missing",
        "wallet_missing",
        "history_patch_missing",
        "history_delete_missing",
        "background_job_missing",
    ],
)
def test_unknown_files_and_jobs_are_freqtrades_errors(bt_client, name):
    call = _index_call(name)
    answer = bt_client.call(call["method"], call["path"].removeprefix("/api/v1/"), **_args(call))
    assert (answer.status_code, answer.json()) == (recorded_status(name), recorded(name))


def test_delete_removes_one_run_from_the_history(bt_client, sample_run, bt_folder):
    bt_client.start(SHORT_BODY)
    ended = bt_client.wait_until_done()
    name = ended["backtest_result"]["metadata"]["SampleStrategy"]["filename"]
    assert (bt_folder / "user_data" / "backtest_results" / f"{name}.zip").is_file()
    answer = bt_client.call("DELETE", f"backtest/history/{name}")
    assert answer.status_code == 200
    left = [entry["filename"] for entry in answer.json()]
    assert name not in left and result_file(sample_run) in left
    assert left == [entry["filename"] for entry in bt_client.get("backtest/history")]
    assert not (bt_folder / "user_data" / "backtest_results" / f"{name}.zip").exists()


def test_the_history_is_served_from_the_stored_jobs(bt_client, bt_folder):
    bt_client.wait_until_done()
    bt_client.start(SHORT_BODY)
    name = bt_client.wait_until_done()["backtest_result"]["metadata"]["SampleStrategy"]["filename"]
    for path in (bt_folder / "user_data" / "backtest_results").glob(f"{name}*"):
        path.unlink()  # Freqtrade's copy gone: the row still answers
    assert name in [entry["filename"] for entry in bt_client.get("backtest/history")]
    result = bt_client.get("backtest/history/result", params=_query(name))
    assert result["status"] == "ended" and result["backtest_result"]["strategy"]["SampleStrategy"]
    series = bt_client.call("GET", f"backtest/history/{name}/market_change")
    assert (series.status_code, series.json()) == (404, {"detail": "File not found."})


def test_a_run_stored_by_the_cli_joins_the_history(bt_client, bt_folder):
    """``manage.py backtesting`` writes into the webserver's results folder; Freqtrade's
    history is that folder, so FreqUI lists the run and reads, annotates and deletes it."""
    results = bt_folder / "user_data" / "backtest_results"
    before = set(results.glob("*.meta.json"))
    command = [sys.executable, "manage.py", "backtesting", "--config"]
    command += [str(bt_client.server.config_path), "--strategy", "SampleStrategy"]
    command += ["--timerange", "20180111-20180112"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPLANE_")}
    subprocess.run(command, cwd=REPO, env=clean, check=True, capture_output=True, timeout=300)
    (meta,) = set(results.glob("*.meta.json")) - before
    name = meta.name.removesuffix(".meta.json")
    (entry,) = [e for e in bt_client.get("backtest/history") if e["filename"] == name]
    stored = json.loads(meta.read_text())["SampleStrategy"]
    assert entry == {"filename": name, "strategy": "SampleStrategy", **stored, "notes": ""}
    result = bt_client.get("backtest/history/result", params=_query(name))
    trades = result["backtest_result"]["strategy"]["SampleStrategy"]["trades"]
    assert result["status"] == "ended" and trades
    notes = {"strategy": "SampleStrategy", "notes": "from the CLI"}
    annotated = bt_client.call("PATCH", f"backtest/history/{name}", json=notes).json()
    assert [e["notes"] for e in annotated] == ["from the CLI"]
    assert bt_client.call("DELETE", f"backtest/history/{name}").status_code == 200
    assert name not in [e["filename"] for e in bt_client.get("backtest/history")]
    assert not meta.exists()


def test_reset_then_idle_answers(bt_client):
    bt_client.wait_until_done()
    assert bt_client.call("DELETE", "backtest").json() == recorded("backtest_reset")
    assert bt_client.get("backtest") == recorded("backtest_after_reset")
    assert bt_client.get("backtest/abort") == recorded("backtest_abort_idle")
    assert bt_client.call("DELETE", "backtest").json() == recorded("backtest_reset_idle")


def test_an_unknown_strategy_fails_the_job_with_freqtrades_message(bt_client):
    bt_client.wait_until_done()
    assert bt_client.start(_index_body("backtest_start_unknown_strategy")) == recorded(
        "backtest_start_unknown_strategy"
    )
    assert bt_client.wait_until_done() == recorded("backtest_unknown_strategy_result")


def test_abort_stops_the_running_job(bt_client):
    bt_client.wait_until_done()
    bt_client.start({key: value for key, value in SAMPLE_BODY.items() if key != "timerange"})
    while bt_client.get("backtest")["step"] == "":
        pass  # queued: wait until a worker has it
    assert bt_client.get("backtest/abort") == recorded("backtest_abort")
    assert bt_client.wait_until_done() == recorded("backtest_aborted")
    job = bt_client.get("background")[-1]
    assert (job["status"], job["running"], job["error"]) == ("failed", False, "Stop requested")


def test_a_job_is_deleted_from_background_once_finished(bt_client):
    bt_client.wait_until_done()
    bt_client.start({key: value for key, value in SAMPLE_BODY.items() if key != "timerange"})
    job_id = bt_client.get("background")[-1]["job_id"]
    running = bt_client.call("DELETE", f"background/{job_id}")
    assert (running.status_code, running.json()) == (400, {"detail": "Job is still running."})
    bt_client.get("backtest/abort")
    bt_client.wait_until_done()
    deleted = bt_client.call("DELETE", f"background/{job_id}")
    assert deleted.status_code == 200
    assert (deleted.json()["job_id"], deleted.json()["status"]) == (job_id, "failed")
    assert job_id not in [job["job_id"] for job in bt_client.get("background")]
    assert bt_client.call("GET", f"background/{job_id}").status_code == 404


def test_clear_drops_finished_jobs_but_keeps_the_history(bt_client, sample_run):
    bt_client.wait_until_done()
    history = bt_client.get("backtest/history")
    answer = bt_client.call("DELETE", "background/clear")
    assert (answer.status_code, answer.json()) == (200, recorded("background_clear"))
    assert bt_client.get("background") == []
    assert bt_client.get("backtest/history") == history


def test_start_without_enable_protections_is_422(bt_client):
    answer = bt_client.call("POST", "backtest", json=_index_body("backtest_start_invalid"))
    assert (answer.status_code, answer.json()) == (422, recorded("backtest_start_invalid"))


def test_no_credentials_is_401(bt_client):
    answer = requests.get(f"{bt_client.server.url}/api/v1/backtest", timeout=10)
    assert (answer.status_code, answer.json()) == (401, recorded("backtest_unauthenticated"))


def test_show_config_says_webserver(bt_client):
    assert bt_client.get("show_config")["runmode"] == recorded("show_config")["runmode"]


def _index_call(name: str) -> dict:
    return INDEX[name]


def _index_body(name: str) -> dict:
    return _index_call(name)["body"]


def _args(call: dict) -> dict:
    args = {}
    if call["query"]:
        args["params"] = call["query"]
    if call["body"] is not None:
        args["json"] = call["body"]
    return args


def _query(filename: str) -> dict:
    return {"filename": filename, "strategy": "SampleStrategy"}


def test_starting_is_audited(bt_client, sample_run):
    events = bt_client.get("audit", params={"limit": 500})["events"]
    (started, *_) = [e for e in events if e["action"] == "backtest_start"][::-1]
    assert (started["actor"], started["target"], started["outcome"]) == (
        USER,
        "SampleStrategy",
        "ok",
    )
    refused = [e for e in events if e["action"] == "backtest" and e["status_code"] == 502]
    assert refused and refused[0]["outcome"] == "failed"  # the second start, while running
