"""Teams against a real runbot: users and roles made with the management commands, then driven
with freqtrade-client (Basic), JWT over requests and an API key (issue 8)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests
from freqtrade_client import FtRestClient

from tests.fixtures.access import TEAM_PASSWORD
from tests.fixtures.api import REPO
from tests.fixtures.runbot import runbot_process

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def manage(config, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPLANE_")}
    env["TRADEPLANE_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


CREATE_USERS = f"""
from django.contrib.auth import get_user_model
for name in ("vera", "otto"):
    get_user_model().objects.create_user(name, password="{TEAM_PASSWORD}")
"""


@pytest.fixture(scope="module")
def teams_bot_process(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("teams")
    from tests.fixtures.runbot import scratch_database

    with (
        scratch_database(tmp) as db_url,
        runbot_process(tmp, db_url=db_url, bot_name="teambot") as running,
    ):
        config = running.config_path
        assert manage(config, "shell", "-c", CREATE_USERS).returncode == 0
        for user, role in (("vera", "viewer"), ("otto", "operator")):
            result = manage(config, "grant_role", "teambot", role, "--user", user)
            assert result.returncode == 0, result.stderr
        yield running


def test_viewer_reads_and_is_refused_control_with_a_json_detail(teams_bot_process):
    viewer = FtRestClient(teams_bot_process.url, "vera", TEAM_PASSWORD)
    assert viewer.show_config()["bot_name"] == "teambot"
    assert "trades" in viewer.trades()
    refused = viewer.stop()
    assert refused == {
        "detail": "Your role on bot 'teambot' (viewer) does not allow this; it needs operator."
    }


def test_operator_controls_through_jwt_and_the_audit_shows_it(teams_bot_process):
    login = requests.post(
        f"{teams_bot_process.url}/api/v1/token/login", auth=("otto", TEAM_PASSWORD), timeout=10
    )
    headers = {"Authorization": "Bearer " + login.json()["access_token"]}
    paused = requests.post(f"{teams_bot_process.url}/api/v1/stopentry", headers=headers, timeout=10)
    assert paused.status_code == 200
    started = requests.post(f"{teams_bot_process.url}/api/v1/start", headers=headers, timeout=10)
    assert started.json() == {"status": "starting trader ..."}
    assert (
        requests.post(
            f"{teams_bot_process.url}/api/v1/reload_config", headers=headers, timeout=10
        ).status_code
        == 403
    )

    admin = FtRestClient(
        teams_bot_process.url, "tester", "s3cret-pass"
    )  # the config's user: the bot's admin
    events = requests.get(
        f"{teams_bot_process.url}/api/v1/audit", auth=("tester", "s3cret-pass"), timeout=10
    ).json()["events"]
    mine = [(e["actor"], e["action"], e["outcome"]) for e in events if e["actor"] == "otto"]
    assert mine[:3] == [
        ("otto", "reload_config", "denied"),
        ("otto", "start", "ok"),
        ("otto", "pause", "ok"),
    ]
    assert all(e["remote_addr"] == "127.0.0.1" for e in events if e["actor"] == "otto")
    assert admin.version()["version"]


def test_api_key_from_the_cli_reads_until_revoked(teams_bot_process):
    created = manage(
        teams_bot_process.config_path,
        "api_key",
        "create",
        "--user",
        "vera",
        "--name",
        "grafana",
        "--scope",
        "read",
    )
    assert created.returncode == 0, created.stderr
    raw = created.stdout.strip()
    headers = {"Authorization": f"Bearer {raw}"}
    assert (
        requests.get(
            f"{teams_bot_process.url}/api/v1/profit", headers=headers, timeout=10
        ).status_code
        == 200
    )
    listing = manage(teams_bot_process.config_path, "api_key", "list").stdout
    assert raw not in listing
    prefix = listing.split()[0]
    assert manage(teams_bot_process.config_path, "api_key", "revoke", prefix).returncode == 0
    assert (
        requests.get(
            f"{teams_bot_process.url}/api/v1/profit", headers=headers, timeout=10
        ).status_code
        == 401
    )


def test_cli_errors_name_the_problem(teams_bot_process):
    result = manage(
        teams_bot_process.config_path, "grant_role", "nosuchbot", "viewer", "--user", "vera"
    )
    assert result.returncode != 0
    assert "Unknown bot 'nosuchbot'" in result.stderr
    assert "Traceback" not in result.stderr
