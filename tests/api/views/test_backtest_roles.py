"""Starting and stopping backtests needs the operator role; a viewer watches (webserver mode)."""

from __future__ import annotations

from bot_engine.models import AuditEvent, BacktestRun
from tests.fixtures.access import jwt_client, make_user
from tests.fixtures.webserver_backtest import SAMPLE_BODY


def test_a_viewer_may_not_start_a_backtest(webserver, served_bot):
    viewer = jwt_client(make_user("watcher", bot=served_bot, role="viewer"))
    refused = viewer.post("/api/v1/backtest", SAMPLE_BODY, format="json")
    assert refused.status_code == 403
    assert "needs operator" in refused.json()["detail"]
    assert not BacktestRun.objects.exists()
    (event,) = AuditEvent.objects.filter(action="backtest")
    assert (event.actor, event.outcome, event.status_code) == ("watcher", "denied", 403)
    assert viewer.get("/api/v1/backtest").json()["status"] == "not_started"
    assert viewer.get("/api/v1/backtest/abort").status_code == 403
