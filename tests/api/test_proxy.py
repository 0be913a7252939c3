"""One origin for many bots (issue 8): ``/bots/<name>/api/v1/...`` and its websocket.

The integration tests start two real runbot processes, ``alpha`` and ``beta``, with different
credentials and JWT secrets, on one shared database (a fresh PostgreSQL database on the server
of ``TRADEPLANE_DB_URL`` when that is set, a SQLite file otherwise), and drive both through
alpha's port only: alpha serves ``/bots/alpha`` itself and forwards ``/bots/beta`` to the
``api_url`` beta registered (marked ``postgres`` too: CI's PostgreSQL pass runs them on its
server). The unit tests at the end check the view in-process.
"""

from __future__ import annotations

import asyncio
import http.client
import http.server
import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from freqtrade_client import FtRestClient
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed, InvalidStatus

from api import proxy
from api.ws.relay import sendable_close_code
from bot_engine.models import Bot
from tests.fixtures.api import API_PASSWORD, API_USER, BASE_CONFIG, basic_header
from tests.fixtures.runbot import free_port, runbot_process, scratch_database, session_from

ORIGIN = "http://localhost:3000"  # in alpha's CORS_origins (BASE_CONFIG); beta allows none
BETA_USER, BETA_PASSWORD = "beta-admin", "beta-pass-9f3k"
PAIRS = {"alpha": ["ETH/BTC", "ADA/BTC"], "beta": ["XLM/BTC", "LTC/BTC"]}
CREDENTIALS = {"alpha": (API_USER, API_PASSWORD), "beta": (BETA_USER, BETA_PASSWORD)}


# fixtures
def register_bot(db_url: str, name: str, api_url: str) -> None:
    """A registry row written behind the bots' back (a bot on a dead host, or without an API)."""
    now = datetime.now(UTC)
    columns = (
        "name, created_at, api_url, registered_api_url, proxy_secret, stake_currency, dry_run, "
        "exchange, strategy"
    )
    # As runbot registers a bot: api_url is the URL it registered itself.
    values = (name, now, api_url, api_url, "0" * 64, "BTC", True, "replay", "SampleStrategy")
    if db_url.startswith("sqlite:///"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
            row = (name, now.isoformat(" "), *values[2:])
            conn.execute(f"INSERT INTO bot_engine_bot ({columns}) VALUES (?,?,?,?,?,?,?,?,?)", row)
        return
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        marks = ",".join(["%s"] * len(values))
        conn.execute(f"INSERT INTO bot_engine_bot ({columns}) VALUES ({marks})", values)


@pytest.fixture(scope="module")
def prefixed_bot_processes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bot_prefix")
    with ExitStack() as stack:
        db_url = stack.enter_context(scratch_database(tmp))
        running = {}
        for name in ("alpha", "beta"):
            (tmp / name).mkdir()
            api_server = {**BASE_CONFIG["api_server"]}
            if name == "beta":
                api_server.update(
                    username=BETA_USER,
                    password=BETA_PASSWORD,
                    jwt_secret_key="beta-jwt-secret-0123456789abcdef0123456789",
                    CORS_origins=[],
                )
            # One at a time: each migrates the shared database on start.
            running[name] = stack.enter_context(
                runbot_process(
                    tmp / name,
                    db_url=db_url,
                    bot_name=name,
                    initial_state="running",
                    max_open_trades=2,
                    exchange={**BASE_CONFIG["exchange"], "pair_whitelist": PAIRS[name]},
                    api_server=api_server,
                )
            )
        register_bot(db_url, "ghost", f"http://127.0.0.1:{free_port()}")  # nobody listens
        register_bot(db_url, "mute", "")  # API disabled
        yield {"alpha": running["alpha"], "beta": running["beta"], "db_url": db_url}


@pytest.fixture(scope="module")
def front(prefixed_bot_processes) -> str:
    """The one origin: alpha's server."""
    return prefixed_bot_processes["alpha"].url


def client(front: str, name: str, credentials: tuple[str, str] | None = None) -> FtRestClient:
    user, password = credentials or CREDENTIALS[name]
    return FtRestClient(f"{front}/bots/{name}", user, password)


def wait_for_closed_trades(api: FtRestClient, count: int, timeout: float = 60) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        trades = api.trades(limit=500)["trades"]
        if sum(not t["is_open"] for t in trades) >= count:
            return trades
        time.sleep(0.3)
    pytest.fail(f"fewer than {count} closed trades")


# HTTP through the prefix
@pytest.mark.integration
@pytest.mark.parametrize("name", ["alpha", "beta"])
def test_freqtrade_client_reaches_each_bot_through_one_origin(front, prefixed_bot_processes, name):
    api = client(front, name)
    assert api.ping() == {"status": "pong"}
    assert api.version()["version"]
    config = api.show_config()
    assert config["bot_name"] == name
    assert config["exchange"] == "replay"
    assert api.whitelist()["whitelist"] == PAIRS[name]
    # What the prefix answers is what the bot's own port answers.
    direct = FtRestClient(prefixed_bot_processes[name].url, *CREDENTIALS[name])
    assert direct.show_config()["bot_name"] == name
    assert api.whitelist() == direct.whitelist()


@pytest.mark.integration
def test_trades_and_profit_are_each_bots_own(front, prefixed_bot_processes):
    for name in ("alpha", "beta"):
        api = client(front, name)
        trades = wait_for_closed_trades(api, 1)
        assert {t["pair"] for t in trades} <= set(PAIRS[name]), name
        assert {t["pair"] for t in api.status()} <= set(PAIRS[name]), name
        profit = api.profit()
        assert profit["closed_trade_count"] >= 1
        # Both bots number their trades from 1: trade 1 through each prefix is that bot's.
        assert api.trade(1)["pair"] in PAIRS[name], name
        direct = FtRestClient(prefixed_bot_processes[name].url, *CREDENTIALS[name])
        stable = ("trade_id", "pair", "open_date", "open_rate", "amount")
        assert {k: direct.trade(1)[k] for k in stable} == {k: api.trade(1)[k] for k in stable}


@pytest.mark.integration
def test_control_actions_reach_the_named_bot_only(front):
    alpha, beta = client(front, "alpha"), client(front, "beta")
    try:
        assert "paused" in beta.stopbuy()["status"]
        assert beta.show_config()["state"] == "paused"
        assert alpha.show_config()["state"] == "running"
        response = requests.post(
            f"{front}/bots/alpha/api/v1/stopentry", auth=CREDENTIALS["alpha"], timeout=10
        )
        assert response.status_code == 200, response.text
        assert alpha.show_config()["state"] == "paused"
    finally:
        assert beta.start() == {"status": "starting trader ..."}
        assert alpha.start() == {"status": "starting trader ..."}
    assert beta.show_config()["state"] == "running"
    assert alpha.show_config()["state"] == "running"


@pytest.mark.integration
def test_credentials_are_checked_by_the_named_bot(front):
    # Alpha's credentials are not beta's: beta answers 401, through alpha's port.
    wrong = requests.get(f"{front}/bots/beta/api/v1/status", auth=CREDENTIALS["alpha"], timeout=10)
    assert wrong.status_code == 401
    assert wrong.json() == {"detail": "Unauthorized"}
    assert wrong.headers["Content-Type"] == "application/json"
    assert client(front, "beta", ("beta-admin", "nope")).status() == {"detail": "Unauthorized"}
    assert client(front, "alpha", CREDENTIALS["beta"]).status() == {"detail": "Unauthorized"}
    anonymous = requests.get(f"{front}/bots/beta/api/v1/status", timeout=10)
    assert anonymous.status_code == 401


@pytest.mark.integration
def test_jwt_login_and_refresh_through_the_prefix(front):
    base = f"{front}/bots/beta/api/v1"
    login = requests.post(f"{base}/token/login", auth=CREDENTIALS["beta"], timeout=10)
    assert login.status_code == 200, login.text
    tokens = login.json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    status = requests.get(f"{base}/show_config", headers=bearer, timeout=10)
    assert status.status_code == 200 and status.json()["bot_name"] == "beta"
    refreshed = requests.post(
        f"{base}/token/refresh",
        headers={"Authorization": f"Bearer {tokens['refresh_token']}"},
        timeout=10,
    )
    assert refreshed.status_code == 200, refreshed.text
    access = refreshed.json()["access_token"]
    again = requests.get(f"{base}/count", headers={"Authorization": f"Bearer {access}"}, timeout=10)
    assert again.status_code == 200
    # Beta's token means nothing to alpha (its own JWT secret).
    foreign = requests.get(f"{front}/bots/alpha/api/v1/count", headers=bearer, timeout=10)
    assert foreign.status_code == 401


@pytest.mark.integration
def test_unknown_bot_dead_bot_and_bot_without_api(front):
    # Credentials alpha accepts learn that alpha knows no such bot.
    unknown = requests.get(
        f"{front}/bots/nobody/api/v1/ping", auth=CREDENTIALS["alpha"], timeout=10
    )
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "Unknown bot 'nobody'."}
    for name in ("ghost", "mute"):
        response = requests.get(f"{front}/bots/{name}/api/v1/status", timeout=10)
        assert response.status_code == 503, (name, response.text)
        assert response.headers["Content-Type"] == "application/json"
        detail = response.json()["detail"]
        assert f"'{name}'" in detail and "Traceback" not in detail


@pytest.mark.integration
@pytest.mark.parametrize(
    "path",
    [
        "/bots/beta/admin/",
        "/bots/beta/docs",
        "/bots/beta/api/v2/ping",
        "/bots/beta/api/v1/../../admin/",
        "/bots/beta/api/v1/%2e%2e/%2e%2e/admin/",
        "/bots/beta/metrics",
    ],
)
def test_only_api_v1_paths_are_served(front, path):
    # http.client: no client-side normalization of the dot segments.
    parts = urlsplit(front)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path, headers={"Authorization": basic_header(*CREDENTIALS["beta"])})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 404, (path, body[:200])
    assert json.loads(body) == {"detail": "Not Found"}


@pytest.mark.integration
def test_cors_of_this_process_applies_to_every_bot(front, prefixed_bot_processes):
    preflight_headers = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    # Beta itself allows no origin at all ...
    direct = requests.options(
        f"{prefixed_bot_processes['beta'].url}/api/v1/status", headers=preflight_headers
    )
    assert direct.status_code == 400
    # ... but through alpha, alpha's CORS_origins decide.
    for name in ("alpha", "beta"):
        url = f"{front}/bots/{name}/api/v1/status"
        preflight = requests.options(url, headers=preflight_headers, timeout=10)
        assert preflight.status_code == 200, (name, preflight.text)
        assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
        real = requests.get(url, headers={"Origin": ORIGIN}, auth=CREDENTIALS[name], timeout=10)
        assert real.status_code == 200, (name, real.text)
        assert real.headers["Access-Control-Allow-Origin"] == ORIGIN  # once, alpha's
        assert real.headers["X-Content-Type-Options"] == "nosniff"
        assert real.headers["X-Frame-Options"] == "DENY"
        assert "Set-Cookie" not in real.headers
        refused = requests.options(
            url, headers={**preflight_headers, "Origin": "http://evil.example"}, timeout=10
        )
        assert refused.status_code == 400
        other = requests.get(
            url, headers={"Origin": "http://evil.example"}, auth=CREDENTIALS[name], timeout=10
        )
        assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.integration
def test_the_client_address_reaches_the_upstream(front, prefixed_bot_processes):
    """Beta's login throttle counts the client's address, which alpha signs for it (each
    client here connects from a loopback address of its own); what a client claims itself,
    in X-Forwarded-For or a hop header, counts for nothing."""
    url = f"{front}/bots/beta/api/v1/token/login"
    wrong = (BETA_USER, "wrong")
    statuses = [session_from("127.0.0.21").post(url, auth=wrong).status_code for _ in range(10)]
    assert statuses == [401] * 9 + [429]
    blocked = session_from("127.0.0.21").post(url, auth=CREDENTIALS["beta"], timeout=10)
    assert blocked.status_code == 429, blocked.text
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Too many failed login attempts" in blocked.json()["detail"]
    # Other clients through the same proxy, and the proxy's own address, still log in.
    assert session_from("127.0.0.22").post(url, auth=CREDENTIALS["beta"]).status_code == 200
    assert requests.post(url, auth=CREDENTIALS["beta"], timeout=10).status_code == 200
    # Straight to beta from loopback, naming the blocked client, is not being it.
    claimed = {
        "X-Forwarded-For": "127.0.0.21",
        "X-Tradeplane-Client": f"127.0.0.21 {int(time.time())} {'0' * 64}",
    }
    direct = requests.post(
        f"{prefixed_bot_processes['beta'].url}/api/v1/token/login",
        auth=CREDENTIALS["beta"],
        headers=claimed,
        timeout=10,
    )
    assert direct.status_code == 200, direct.text


@pytest.mark.integration
def test_a_bot_name_is_not_revealed_to_clients_without_credentials(front):
    """An unknown name answers exactly as a known bot refusing the same request."""
    client = session_from("127.0.0.24")
    requests_to_try = [
        ("GET", "status", None),
        ("GET", "status", basic_header("someone", "guess")),
        ("GET", "status", "Bearer not-a-token"),
        ("GET", "ping", None),
        ("POST", "token/login", basic_header("someone", "guess")),
        ("POST", "token/login", None),
        ("POST", "token/refresh", None),
        ("GET", "nothing-here", None),
    ]
    for method, path, authorization in requests_to_try:
        headers = {"Authorization": authorization} if authorization else {}
        answers = [
            client.request(method, f"{front}/bots/{name}/api/v1/{path}", headers=headers)
            for name in ("beta", "nobody")
        ]
        known, unknown = (
            (a.status_code, a.json(), a.headers.get("WWW-Authenticate")) for a in answers
        )
        assert unknown == known, (method, path, authorization)


# the websocket through the prefix
def access_token(front: str, name: str) -> str:
    response = requests.post(
        f"{front}/bots/{name}/api/v1/token/login", auth=CREDENTIALS[name], timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.mark.integration
@pytest.mark.parametrize("name", ["alpha", "beta"])
def test_websocket_through_the_prefix(front, name):
    ws_base = front.replace("http://", "ws://") + f"/bots/{name}/api/v1/message/ws"
    token = access_token(front, name)

    async def talk() -> tuple[dict, dict]:
        async with connect(f"{ws_base}?token={token}", open_timeout=10) as ws:
            await ws.send(json.dumps({"type": "whitelist", "data": ""}))
            whitelist = json.loads(await asyncio.wait_for(ws.recv(), 10))
            await ws.send(json.dumps({"type": "subscribe", "data": ["new_candle", "entry"]}))
            await ws.send("not json")
            # Subscribed events may arrive first: read up to the answer to the bad request.
            while (message := json.loads(await asyncio.wait_for(ws.recv(), 10)))["type"] in {
                "new_candle",
                "entry",
            }:
                pass
            return whitelist, message

    whitelist, error = asyncio.run(talk())
    assert whitelist == {"type": "whitelist", "data": PAIRS[name]}
    assert error["type"] == "exception"


@pytest.mark.integration
def test_websocket_through_the_prefix_refuses_what_the_bot_refuses(front):
    ws = front.replace("http://", "ws://")
    alpha_token = access_token(front, "alpha")

    async def refused(url: str) -> int:
        with pytest.raises(InvalidStatus) as info:
            async with connect(url, open_timeout=10):
                pass
        return info.value.response.status_code

    async def check() -> list[int]:
        return [
            # Alpha's token is not valid for beta: beta refuses, so the relay refuses.
            await refused(f"{ws}/bots/beta/api/v1/message/ws?token={alpha_token}"),
            await refused(f"{ws}/bots/beta/api/v1/message/ws"),
            await refused(f"{ws}/bots/nobody/api/v1/message/ws?token={alpha_token}"),
            await refused(f"{ws}/bots/ghost/api/v1/message/ws?token={alpha_token}"),
        ]

    assert asyncio.run(check()) == [403, 403, 403, 403]


@pytest.mark.integration
def test_websocket_relay_copies_frames_and_the_close_code(front, prefixed_bot_processes):
    """A bot whose websocket echoes one frame, then closes with 4001: the client sees both."""
    seen: dict = {}

    async def upstream(ws) -> None:
        seen["path"] = ws.request.path
        seen["forwarded_for"] = ws.request.headers.get("X-Forwarded-For")
        seen["origin"] = ws.request.headers.get("Origin")
        message = await ws.recv()
        await ws.send(f"echo:{message}")
        await ws.close(code=4001, reason="bye")

    async def run() -> tuple[str, int | None]:
        port = free_port()
        async with serve(upstream, "127.0.0.1", port):
            register_bot(
                prefixed_bot_processes["db_url"], f"echo-{port}", f"http://127.0.0.1:{port}"
            )
            url = front.replace("http://", "ws://") + f"/bots/echo-{port}/api/v1/message/ws"
            async with connect(f"{url}?token=abc", open_timeout=10, origin=ORIGIN) as ws:
                await ws.send("hello")
                reply = await asyncio.wait_for(ws.recv(), 10)
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(ws.recv(), 10)
                return reply, ws.close_code

    assert asyncio.run(run()) == ("echo:hello", 4001)
    assert seen == {
        "path": "/api/v1/message/ws?token=abc",
        "forwarded_for": "127.0.0.1",
        "origin": None,
    }


@pytest.mark.integration
def test_closing_a_relayed_client_closes_cleanly(front):
    token = access_token(front, "beta")
    ws_url = front.replace("http://", "ws://") + f"/bots/beta/api/v1/message/ws?token={token}"

    async def close_code() -> int | None:
        async with connect(ws_url, open_timeout=10) as ws:
            await ws.send(json.dumps({"type": "whitelist"}))
            await asyncio.wait_for(ws.recv(), 10)
            await ws.close(code=1000)
            return ws.close_code

    assert asyncio.run(close_code()) == 1000
    assert client(front, "beta").ping() == {"status": "pong"}


# in-process (no runbot)
@pytest.fixture
def front_client(webserver) -> Client:
    return Client()


def test_own_bot_is_served_in_process_exactly_as_api_v1(front_client, webserver):
    name = webserver.bot_name
    for path in ("ping", "show_config", "status", "nothing-here"):
        plain = front_client.get(f"/api/v1/{path}", HTTP_AUTHORIZATION=basic_header())
        prefixed = front_client.get(
            f"/bots/{name}/api/v1/{path}", HTTP_AUTHORIZATION=basic_header()
        )
        assert prefixed.status_code == plain.status_code, path
        assert prefixed.json() == plain.json(), path
    assert front_client.get(f"/bots/{name}/api/v1/status").status_code == 401
    # FreqUI appends /api/v1 to the URL as typed: a trailing slash still works.
    assert front_client.get(f"/bots/{name}//api/v1/ping").json() == {"status": "pong"}


def test_locally_dispatched_session_views_keep_their_csrf_check(webserver):
    name = webserver.bot_name
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        f"/bots/{name}/api/v1/auth/login/", {"username": "x", "password": "y"}
    )
    assert response.status_code == 403


def test_unknown_and_unusable_registry_entries(front_client, webserver):
    dead_url = f"http://127.0.0.1:{free_port()}"
    Bot.objects.create(name="dead", api_url=dead_url, registered_api_url=dead_url)
    Bot.objects.create(name="mute", api_url="")
    Bot.objects.create(name="odd", api_url="file:///etc/passwd")
    response = front_client.get("/bots/nobody/api/v1/ping", HTTP_AUTHORIZATION=basic_header())
    assert (response.status_code, response.json()) == (404, {"detail": "Unknown bot 'nobody'."})
    for name in ("dead", "mute", "odd"):
        response = front_client.get(f"/bots/{name}/api/v1/ping")
        assert response.status_code == 503, name
        assert f"'{name}'" in response.json()["detail"]
    for path in ("admin/", "api/v2/ping", "api/v1/../../admin/", "api", ""):
        response = front_client.get(f"/bots/dead/{path}")
        assert response.status_code == 404, path


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        ("api/v1/ping", "api/v1/ping"),
        ("/api/v1/ping", "api/v1/ping"),
        ("api/v1", "api/v1"),
        ("api/v1/trade/1", "api/v1/trade/1"),
        ("api/v1/./ping", None),
        ("api/v1/../../admin/", None),
        ("api/v10/ping", None),
        ("admin/", None),
        ("docs", None),
    ],
)
def test_api_path(rest, expected):
    assert proxy.api_path(rest) == expected


@pytest.mark.parametrize(
    ("api_url", "expected"),
    [
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081"),
        ("http://[::1]:8081/", "http://[::1]:8081"),
        ("https://bots.example:443", "https://bots.example:443"),
        ("", None),
        ("ftp://127.0.0.1", None),
        ("127.0.0.1:8081", None),
        ("http://", None),
    ],
)
def test_usable_base(api_url, expected):
    assert proxy.usable_base(api_url) == expected


def test_a_silent_upstream_times_out_with_504(front_client, webserver, monkeypatch):
    monkeypatch.setattr(proxy, "UPSTREAM_TIMEOUT_SECS", 0.5)
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        Bot.objects.create(name="slow", api_url=url, registered_api_url=url)
        started = time.monotonic()
        response = front_client.get("/bots/slow/api/v1/ping")
    assert time.monotonic() - started < 5
    assert response.status_code == 504
    assert response.json() == {"detail": "Bot 'slow' did not answer in time."}


@pytest.mark.parametrize(
    ("code", "sent"),
    [(1000, 1000), (1001, 1001), (1008, 1008), (4001, 4001), (None, 1011), (1005, 1011),
     (1006, 1011), (1015, 1011), (2000, 1011), (999, 1011), (5000, 1011)],
)  # fmt: skip
def test_relayed_close_codes_are_sendable(code, sent):
    assert sendable_close_code(code) == sent


class _Recorder(http.server.BaseHTTPRequestHandler):
    """A listener someone pointed a registry entry at: records what reaches it."""

    seen: list[dict] = []

    def do_GET(self) -> None:
        self.seen.append(dict(self.headers))
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def recording_listener() -> Iterator[tuple[str, list[dict]]]:
    """A listener someone could point a registry entry at: its URL and the headers it got."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Recorder.seen = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    finally:
        server.shutdown()
        server.server_close()


def test_credentials_go_only_to_the_url_the_bot_registered_itself(front_client, webserver):
    with recording_listener() as (harvester, seen):
        registered = f"http://127.0.0.1:{free_port()}"
        # api_url edited by hand (the admin), away from what the bot's runbot registered.
        Bot.objects.create(name="beta", api_url=harvester, registered_api_url=registered)
        response = front_client.get(
            "/bots/beta/api/v1/status", HTTP_AUTHORIZATION=basic_header("beta-user", "pw")
        )
    assert response.status_code == 503
    assert "'beta'" in response.json()["detail"]
    assert seen == []  # nothing, credentials least of all, reached the listener


def test_a_superusers_admin_edit_of_api_url_is_trusted_by_the_proxy(front_client, webserver):
    # A bot on another host: the superuser points the registry at it in the admin, and the
    # proxy relays to it (the request's credentials included) until the bot registers itself.
    from django.contrib.auth import get_user_model

    with recording_listener() as (remote, seen):
        registered = f"http://127.0.0.1:{free_port()}"
        beta = Bot.objects.create(name="beta", api_url=registered, registered_api_url=registered)
        admin = Client()
        admin.force_login(get_user_model().objects.create_superuser("root", "r@x.example", "pw"))
        edited = admin.post(f"/admin/bot_engine/bot/{beta.pk}/change/", {"api_url": remote})
        assert edited.status_code == 302
        response = front_client.get(
            "/bots/beta/api/v1/status", HTTP_AUTHORIZATION=basic_header("beta-user", "pw")
        )
    assert response.status_code == 200
    assert [h.get("Authorization") for h in seen] == [basic_header("beta-user", "pw")]


def test_an_unknown_bot_refuses_as_a_bot_would_and_only_credentials_learn_more(
    front_client, webserver
):
    cases = [
        ("get", "status", None),
        ("get", "status", basic_header(API_USER, "guess")),
        ("get", "status", "Basic !!!"),
        ("get", "status", "Bearer not-a-token"),
        ("get", "status", "Token abc"),
        ("get", "ping", None),
        ("post", "token/login", None),
        ("post", "token/login", basic_header(API_USER, "guess")),
        ("post", "token/refresh", None),
        ("post", "token/logout", "Bearer not-a-token"),
    ]
    for method, path, authorization in cases:
        headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
        # What this process -- any bot -- answers to credentials it refuses.
        refused = getattr(front_client, method)(f"/api/v1/{path}", **headers)
        unknown = getattr(front_client, method)(f"/bots/nobody/api/v1/{path}", **headers)
        assert (unknown.status_code, unknown.json()) == (refused.status_code, refused.json())
        assert unknown.get("WWW-Authenticate") == refused.get("WWW-Authenticate"), path
    good = front_client.get("/bots/nobody/api/v1/status", HTTP_AUTHORIZATION=basic_header())
    assert (good.status_code, good.json()) == (404, {"detail": "Unknown bot 'nobody'."})
