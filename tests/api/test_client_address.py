"""Whose address a real runbot counts (issue 14): forwarded headers only from the proxies the
config names, and an atomic failed-login count under parallel requests.

The module's runbot (API on a free port, engine stopped) trusts ``127.0.0.2`` as its reverse
proxy. Each test is a client of its own: it connects from a loopback address nobody else uses
(``session_from``), so no test sees another's failed logins.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from api.auth.throttling import BLOCK_AFTER
from tests.fixtures.api import API_PASSWORD, API_USER, BASE_CONFIG
from tests.fixtures.runbot import runbot_process, session_from

TRUSTED_PROXY = "127.0.0.2"
RIGHT = (API_USER, API_PASSWORD)
WRONG = (API_USER, "wrong-guess")

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def bot_process(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("client_address")
    api_server = {**BASE_CONFIG["api_server"], "trusted_proxies": [TRUSTED_PROXY]}
    with runbot_process(tmp, initial_state="stopped", api_server=api_server) as running:
        yield running


def test_a_forwarded_for_header_from_loopback_changes_no_address(tmp_path):
    """uvicorn's default trusts X-Forwarded-For from 127.0.0.1: any local client (the default
    bind, SSH tunnels) could name itself. A runbot of its own: this test blocks 127.0.0.1."""
    with runbot_process(tmp_path, initial_state="stopped") as plain:
        client = session_from("127.0.0.1")
        forged = {"X-Forwarded-For": "198.51.100.99"}
        assert client.post(f"{plain.url}/api/v1/stopentry", auth=RIGHT, headers=forged).ok
        audit = client.get(f"{plain.url}/api/v1/audit?limit=100", auth=RIGHT).json()
        pause = next(e for e in audit["events"] if e["action"] == "pause")
        assert pause["remote_addr"] == "127.0.0.1"

        login = f"{plain.url}/api/v1/token/login"
        statuses = [
            client.post(
                login, auth=WRONG, headers={"X-Forwarded-For": f"198.51.100.{n}"}
            ).status_code
            for n in range(BLOCK_AFTER)
        ]
        # A new forwarded address per guess bought nothing: the connection's address counts.
        assert statuses == [401] * (BLOCK_AFTER - 1) + [429]
        claimed = client.post(login, auth=RIGHT, headers={"X-Forwarded-For": "198.51.100.200"})
        assert claimed.status_code == 429
        assert session_from("127.0.0.12").post(login, auth=RIGHT).status_code == 200


def test_a_trusted_proxy_names_its_clients(bot_process):
    login = f"{bot_process.url}/api/v1/token/login"
    proxy = session_from(TRUSTED_PROXY)
    behind = {"X-Forwarded-For": "203.0.113.21"}
    statuses = [proxy.post(login, auth=WRONG, headers=behind).status_code for _ in range(10)]
    assert statuses[-1] == 429
    assert proxy.post(login, auth=RIGHT, headers=behind).status_code == 429
    # The proxy's other clients are other addresses.
    other = proxy.post(login, auth=RIGHT, headers={"X-Forwarded-For": "203.0.113.22"})
    assert other.status_code == 200


def test_parallel_wrong_logins_get_no_more_guesses_than_the_limit(bot_process):
    login = f"{bot_process.url}/api/v1/token/login"

    def guess(n: int) -> int:
        return session_from("127.0.0.14").post(login, auth=(API_USER, f"guess-{n}")).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(guess, range(50)))
    # Each 401 is a password that was judged; everything past the limit is refused unjudged.
    assert statuses.count(401) <= BLOCK_AFTER - 1, statuses
    assert statuses.count(429) == 50 - statuses.count(401), statuses
    assert session_from("127.0.0.14").post(login, auth=RIGHT).status_code == 429
