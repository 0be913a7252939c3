"""FreqUI's Download data page in webserver mode: ``POST /download_data`` queues a job running
the download code; offline the job fails with the reason and the server answers on."""

from __future__ import annotations

import pytest

from bot_engine.backtest import jobs
from bot_engine.models import AuditEvent
from tests.fixtures.access import jwt_client, make_user

BODY = {"pairs": ["ETH/BTC", "LTC/BTC"], "timeframes": ["5m", "1h"], "days": 3}


@pytest.fixture
def download_operator(webserver, served_bot):
    return jwt_client(make_user("op", bot=served_bot, role="operator"))


@pytest.fixture
def no_network(monkeypatch):
    """No network, whatever the machine: every request goes to a proxy nobody listens on."""
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")


def test_offline_download_fails_inside_the_job_and_the_server_answers_on(
    download_operator, no_network
):
    started = download_operator.post("/api/v1/download_data", BODY, format="json")
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "Data Download started in background."
    job_id = started.json()["job_id"]
    again = download_operator.post("/api/v1/download_data", BODY, format="json")
    assert (again.status_code, again.json()) == (
        400,
        {"detail": "Data Download is already running."},
    )
    (queued,) = download_operator.get("/api/v1/background").json()
    assert (queued["job_category"], queued["status"], queued["running"]) == (
        "download_data",
        "pending",
        True,
    )

    jobs.run_job(job_id)  # what the worker does once the start commits
    job = download_operator.get(f"/api/v1/background/{job_id}").json()
    assert (job["status"], job["running"]) == ("failed", False)
    # The replay trades Binance's candles: that is the exchange a download asks.
    assert job["error"].startswith("Could not reach binance: ")
    assert download_operator.get("/api/v1/ping").json() == {"status": "pong"}
    assert download_operator.post("/api/v1/download_data", BODY, format="json").status_code == 200
    outcomes = AuditEvent.objects.filter(action="download_data").values_list("outcome", flat=True)
    assert sorted(outcomes) == ["failed", "ok", "ok"]  # the refused second start: failed


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ({**BODY, "timerange": "20240101-"}, 422, "Only one of timeframes or days"),
        ({"timeframes": ["5m"]}, 422, "pairs"),
        ({**BODY, "timeframes": ["7m"]}, 422, "7m"),
        ({"pairs": ["ETH/BTC"], "timerange": "2024-bad"}, 400, ""),
    ],
)
def test_bad_bodies_are_refused_before_a_job_starts(download_operator, body, status, text):
    refused = download_operator.post("/api/v1/download_data", body, format="json")
    assert refused.status_code == status, refused.content
    assert text in refused.content.decode()
    assert download_operator.get("/api/v1/background").json() == []


def test_unsupported_candle_types_fail_in_the_job(download_operator):
    body = {**BODY, "candle_types": ["futures", "mark"]}
    job_id = download_operator.post("/api/v1/download_data", body, format="json").json()["job_id"]
    jobs.run_job(job_id)
    job = download_operator.get(f"/api/v1/background/{job_id}").json()
    assert job["error"] == (
        "candle_types futures, mark is not supported: Tradeplane downloads spot candles only"
    )


def test_a_viewer_may_not_download(webserver, served_bot):
    viewer = jwt_client(make_user("watcher", bot=served_bot, role="viewer"))
    assert viewer.post("/api/v1/download_data", BODY, format="json").status_code == 403
