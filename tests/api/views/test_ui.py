"""FreqUI served by the bot's ASGI application (a real uvicorn process): a how-to page before
``install_ui``, then the UI at ``/`` and every non-API path, with the API, admin and static
files where they were."""

from __future__ import annotations

import base64
import hashlib
import http.client
from io import StringIO
from urllib.parse import urlsplit

import pytest
import requests
from django.core.management import call_command

from tests.fixtures.frequi import INLINE_SCRIPT, fake_frequi, fake_frequi_zip
from tests.fixtures.runbot import asgi_process, write_runbot_config

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ui")
    user_data = tmp / "user_data"
    user_data.mkdir()
    config = write_runbot_config(tmp, user_data_dir=str(user_data))
    with asgi_process(config, tmp / "asgi.log") as running:
        running.user_data = user_data
        running.tmp = tmp
        yield running


def install_ui(server, *args: str) -> None:
    """``manage.py install_ui`` in this process (the server reads the files from disk)."""
    call_command("install_ui", "--userdir", str(server.user_data), *args, stdout=StringIO())


def raw_get(server, path: str) -> str:
    """GET ``path`` as written: http.client does not resolve dot segments as requests does."""
    connection = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode(errors="replace")
    finally:
        connection.close()


def get(server, path: str, **kwargs) -> requests.Response:
    return requests.get(server.url + path, timeout=10, allow_redirects=False, **kwargs)


def test_without_ui_the_root_page_says_how_to_install_it(server):
    install_ui(server, "--erase")
    page = get(server, "/")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "manage.py install_ui" in page.text
    assert get(server, "/trade").status_code == 200  # a deep link too, never a 500
    assert get(server, "/ui_version").json() == {"version": "not_installed"}


def test_installed_ui_is_served_at_root_and_for_its_routes(server):
    install_ui(
        server,
        "--from",
        str(fake_frequi_zip(server.tmp / "frequi.zip", "v1")),
        "--version",
        "2.1.0",
    )
    assert get(server, "/ui_version").json() == {"version": "2.1.0"}
    for path in ("/", "/trade", "/backtest", "/settings/deep/link", "/assets/missing.js"):
        page = get(server, path)
        assert page.status_code == 200, path
        assert 'data-build="v1"' in page.text, path
        assert page.headers["Cache-Control"] == "no-cache"

    script = get(server, "/assets/index-v1.js")
    assert script.text == "console.log('v1');"
    assert script.headers["Content-Type"].split(";")[0] == "text/javascript"  # module script
    assert "immutable" in script.headers["Cache-Control"]
    style = get(server, "/assets/index-v1.css")
    assert style.headers["Content-Type"].startswith("text/css")
    assert get(server, "/favicon.ico").content == b"\x00\x00\x01\x00"


def test_ui_page_policy_allows_its_scripts_styles_and_websocket(server):
    install_ui(server, "--from", str(fake_frequi(server.tmp / "dist", "v2")))
    policy = dict(
        part.strip().split(" ", 1)
        for part in get(server, "/").headers["Content-Security-Policy"].split(";")
    )
    digest = base64.b64encode(hashlib.sha256(INLINE_SCRIPT.encode()).digest()).decode()
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"  # its inline script, no other
    assert "'unsafe-inline'" in policy["style-src"]
    host = server.url.removeprefix("http://")
    connect = policy["connect-src"].split()
    assert connect[:3] == ["'self'", f"ws://{host}", f"wss://{host}"]
    assert "https://api.iconify.design" in connect  # FreqUI's icons not in its bundle
    assert not any("*" in source or source in ("http:", "https:") for source in connect)
    assert policy["frame-ancestors"] == "'none'"


def test_api_admin_static_and_hidden_files_are_not_the_ui(server):
    install_ui(server, "--from", str(fake_frequi(server.tmp / "dist3", "v3")))
    assert get(server, "/api/v1/ping").json() == {"status": "pong"}
    missing = get(server, "/api/v1/nope")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}
    assert get(server, "/api").json() == {"detail": "Not Found"}
    assert get(server, "/admin/").status_code == 302  # the admin's login, not FreqUI
    assert get(server, "/static/admin/css/base.css").headers["Content-Type"].startswith("text/css")
    hidden = get(server, "/.uiversion")
    assert hidden.status_code == 404 and hidden.json() == {"detail": "Not Found"}
    # A traversal is answered with the UI's page, never with a file outside its folder.
    (server.user_data / "ui" / "secret.txt").write_text("not for the web")
    for path in ("/../secret.txt", "/assets/../../secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt"):
        assert "not for the web" not in raw_get(server, path), path
    refused = requests.post(server.url + "/", timeout=10)
    assert refused.status_code == 405 and refused.json() == {"detail": "Method Not Allowed"}
