"""FreqUI's pairlist configurator in webserver mode: ``/pairlists/available`` (Freqtrade's
body, recorded) and ``/pairlists/evaluate`` jobs (operator role, audited, Freqtrade's answers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot_engine.backtest import jobs
from bot_engine.models import AuditEvent
from tests.fixtures.access import jwt_client, make_user

RECORDED = Path(__file__).resolve().parents[2] / "data" / "freqtrade" / "pairlists"
FREQTRADE_AVAILABLE = json.loads((RECORDED / "available.json").read_text())["pairlists"]
EVALUATE = {
    "pairlists": [
        {"method": "VolumePairList", "number_assets": 6, "refresh_period": 1800},
        {"method": "AgeFilter", "min_days_listed": 10},
        {"method": "PriceFilter", "low_price_ratio": 0.0003},
    ],
    "blacklist": ["XLM/.*"],
    "stake_currency": "BTC",
}


@pytest.fixture
def pairlist_operator(webserver, served_bot):
    return jwt_client(make_user("op", bot=served_bot, role="operator"))


def test_available_is_freqtrades_body_for_the_handlers_offered(pairlist_operator):
    response = pairlist_operator.get("/api/v1/pairlists/available")
    assert response.status_code == 200
    mine = response.json()["pairlists"]
    names = [entry["name"] for entry in mine]
    assert names == sorted(names) and len(names) == 12
    theirs = {entry["name"]: entry for entry in FREQTRADE_AVAILABLE}
    for entry in mine:
        assert entry == theirs[entry["name"]], entry["name"]
        assert list(entry) == list(theirs[entry["name"]])  # key order too


def test_evaluate_runs_a_job_and_answers_the_whitelist(pairlist_operator):
    started = pairlist_operator.post("/api/v1/pairlists/evaluate", EVALUATE, format="json")
    assert started.status_code == 200, started.content
    body = started.json()
    assert body["status"] == "Pairlist evaluation started in background."
    job_id = body["job_id"]
    pending = pairlist_operator.get(f"/api/v1/pairlists/evaluate/{job_id}")
    assert (pending.status_code, pending.json()) == (400, {"detail": "Job not finished yet."})
    again = pairlist_operator.post("/api/v1/pairlists/evaluate", EVALUATE, format="json")
    assert again.status_code == 400
    assert again.json() == {"detail": "Pairlist evaluation is already running."}

    jobs.run_job(job_id)  # what the worker does once the start commits
    done = pairlist_operator.get(f"/api/v1/pairlists/evaluate/{job_id}")
    assert done.status_code == 200
    # 24h volume at the data's end: ETH, ADA, XLM (blacklisted), ETC, LTC, NXT, DASH; NXT goes
    # (one 1e-8 tick is 0.033 % of its 3.0e-5 BTC price, above low_price_ratio).
    assert done.json() == {
        "error": None,
        "status": "success",
        "result": {
            "whitelist": ["ETH/BTC", "ADA/BTC", "ETC/BTC", "LTC/BTC", "DASH/BTC"],
            "length": 5,
            "method": ["VolumePairList", "AgeFilter", "PriceFilter"],
        },
    }
    (listed,) = pairlist_operator.get("/api/v1/background").json()
    assert listed == {
        "job_id": job_id,
        "job_category": "pairlist",
        "status": "success",
        "running": False,
        "progress": None,
        "progress_tasks": {},
        "error": None,
    }
    event = AuditEvent.objects.get(action="pairlist_evaluate")
    assert event.after["pairlists"] == EVALUATE["pairlists"]


def test_a_failed_evaluation_answers_the_reason(pairlist_operator):
    body = {
        **EVALUATE,
        "pairlists": [
            {"method": "StaticPairList"},
            {"method": "SpreadFilter", "max_spread_ratio": "x"},
        ],
    }
    job_id = pairlist_operator.post("/api/v1/pairlists/evaluate", body, format="json").json()[
        "job_id"
    ]
    jobs.run_job(job_id)
    done = pairlist_operator.get(f"/api/v1/pairlists/evaluate/{job_id}")
    assert done.json() == {
        "error": "pairlists.1.max_spread_ratio: must be a number",
        "status": "failed",
        "result": None,
    }


def test_unknown_job_and_bad_bodies(pairlist_operator):
    missing = pairlist_operator.get(
        "/api/v1/pairlists/evaluate/0f0e7a4c-0000-4000-8000-000000000000"
    )
    assert (missing.status_code, missing.json()) == (404, {"detail": "Job not found."})
    assert pairlist_operator.get("/api/v1/pairlists/evaluate/nojob").status_code == 404
    no_stake = {k: v for k, v in EVALUATE.items() if k != "stake_currency"}
    assert (
        pairlist_operator.post("/api/v1/pairlists/evaluate", no_stake, format="json").status_code
        == 422
    )
    listed = pairlist_operator.post(
        "/api/v1/pairlists/evaluate", {**EVALUATE, "pairlists": "Volume"}, format="json"
    )
    assert listed.status_code == 422


def test_a_viewer_may_list_and_read_but_not_evaluate(webserver, served_bot):
    viewer = jwt_client(make_user("watcher", bot=served_bot, role="viewer"))
    assert viewer.get("/api/v1/pairlists/available").status_code == 200
    refused = viewer.post("/api/v1/pairlists/evaluate", EVALUATE, format="json")
    assert refused.status_code == 403
    assert "needs operator" in refused.json()["detail"]


def test_trade_mode_answers_503(api):
    # As Freqtrade: the configurator talks to a webserver, not to a trading bot.
    assert api.get("/api/v1/pairlists/available").status_code == 503
    assert api.post("/api/v1/pairlists/evaluate", EVALUATE, format="json").status_code == 503
