"""API 2.49 in webserver mode: ``/lookahead_analysis`` and ``/recursive_analysis`` start jobs
(operator role, audited), ``/{name}/{jobid}`` reads them back with Freqtrade's result."""

from __future__ import annotations

import shutil

import pytest

from bot_engine.backtest import jobs
from bot_engine.config.loader import load_config
from bot_engine.models import AuditEvent, BacktestRun
from tests.bot_engine.backtest.reference_runs import ROOT
from tests.fixtures.access import jwt_client, make_user
from tests.fixtures.webserver_backtest import write_config

STRATEGIES = ROOT / "tests" / "data" / "strategies" / "lookahead"
LOOKAHEAD = {
    "strategy": "PeekStrategy",
    "timerange": "20180115-20180116",
    "minimum_trade_amount": 2,
    "targeted_trade_amount": 3,
}
RECURSIVE = {"strategy": "RecursiveEmaStrategy", "timerange": "20180115-20180116"}


@pytest.fixture
def bot_config(tmp_path):
    """The webserver's config read from a file (the job's worker reads it again)."""
    path = write_config(tmp_path, "sqlite:///unused.sqlite")
    for source in STRATEGIES.glob("*.py"):
        shutil.copy(source, tmp_path / "user_data" / "strategies" / source.name)
    return load_config(path)


@pytest.fixture
def analysis_operator(webserver, served_bot):
    return jwt_client(make_user("op", bot=served_bot, role="operator"))


def test_lookahead_job_starts_runs_and_answers_freqtrades_result(analysis_operator):
    started = analysis_operator.post("/api/v1/lookahead_analysis", LOOKAHEAD, format="json")
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "Analysis started"
    job_id = started.json()["job_id"]
    running = analysis_operator.get(f"/api/v1/lookahead_analysis/{job_id}").json()
    assert (running["status"], running["running"]) == ("running", True)
    again = analysis_operator.post("/api/v1/lookahead_analysis", LOOKAHEAD, format="json")
    assert (again.status_code, again.json()) == (400, {"detail": "Analysis is already running."})

    jobs.run_job(job_id)  # what the worker does (on commit, outside this test's transaction)
    ended = analysis_operator.get(f"/api/v1/lookahead_analysis/{job_id}").json()
    assert (ended["status"], ended["running"]) == ("ended", False)
    result = ended["result"]
    assert (result["strategy"], result["has_bias"], result["total_signals"]) == (
        "PeekStrategy",
        True,
        3,
    )
    assert "future_close" in result["biased_indicators"]
    (listed,) = analysis_operator.get("/api/v1/background").json()
    assert (listed["job_id"], listed["job_category"]) == (job_id, "lookahead_analysis")
    assert analysis_operator.get("/api/v1/backtest/history").json() == []
    assert AuditEvent.objects.filter(action="lookahead_analysis_start").count() == 1


def test_recursive_job_answers_the_differences_per_startup_count(analysis_operator):
    body = {**RECURSIVE, "startup_candle": [20, 500]}
    job_id = analysis_operator.post("/api/v1/recursive_analysis", body, format="json").json()[
        "job_id"
    ]
    jobs.run_job(job_id)
    result = analysis_operator.get(f"/api/v1/recursive_analysis/{job_id}").json()["result"]
    assert (result["startup_candles"], result["strategy_scc"]) == ([10, 20, 500], 10)
    assert {"ema_long", "rsi"} <= set(result["results"])
    # a job of the other kind is not found under this name
    assert analysis_operator.get(f"/api/v1/lookahead_analysis/{job_id}").status_code == 404


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({**LOOKAHEAD, "timerange": None}, "Please set a timerange."),
        ({**LOOKAHEAD, "targeted_trade_amount": 1}, "Targeted trade amount can't be smaller"),
        ({**LOOKAHEAD, "timerange": "2018-bad"}, None),
    ],
)
def test_bad_lookahead_requests_are_400_and_start_nothing(analysis_operator, body, detail):
    refused = analysis_operator.post("/api/v1/lookahead_analysis", body, format="json")
    assert refused.status_code == 400, refused.content
    if detail:
        assert detail in refused.json()["detail"]
    assert not BacktestRun.objects.exists()


def test_a_viewer_may_read_but_not_start(webserver, served_bot):
    viewer = jwt_client(make_user("watcher", bot=served_bot, role="viewer"))
    refused = viewer.post("/api/v1/recursive_analysis", RECURSIVE, format="json")
    assert refused.status_code == 403
    assert viewer.get("/api/v1/recursive_analysis/nojob").status_code == 404
