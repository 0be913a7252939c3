"""The Content-Security-Policy of the pages a browser renders — the admin, ``/docs`` (Swagger UI)
and the browsable API — and that those pages need nothing the policy refuses (issue 14)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
import requests

from tests.fixtures.runbot import runbot_process

JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
PAGES = [
    "/admin/",
    "/admin/bot_engine/trade/",
    "/admin/bot_engine/bot/{bot_id}/change/",
    "/api/v1/",
    "/api/v1/status",
]
ANONYMOUS_PAGES = ["/admin/login/", "/api/v1/auth/login/"]


class PageParts(HTMLParser):
    """What in a page a CSP without 'unsafe-inline' for scripts would block, and its URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[str] = []
        self.event_handlers: list[str] = []
        self.resources: list[str] = []  # what the page loads: scripts, styles, images
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        self.event_handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        resource = {"script": "src", "img": "src", "link": "href"}.get(tag)
        if resource and attributes.get(resource):
            self.resources.append(attributes[resource])
        if tag == "script" and "src" not in attributes:
            self._in_inline_script = (attributes.get("type") or "").lower() in JS_TYPES

    def handle_data(self, data) -> None:
        if self._in_inline_script and data.strip():
            self.inline_scripts.append(data.strip()[:80])

    def handle_endtag(self, tag) -> None:
        if tag == "script":
            self._in_inline_script = False


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_works_under_the_policy(response) -> PageParts:
    """``response``: a Django test client's or a ``requests`` answer (both have these fields)."""
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval, no other origin
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    page = PageParts()
    page.feed(response.content.decode())
    assert page.inline_scripts == []
    assert page.event_handlers == []
    off_site = [url for url in page.resources if url.startswith(("http:", "https:", "//"))]
    assert off_site == []  # Swagger UI and the admin's files are served from here (offline)
    return page


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_a_strict_policy_and_need_no_inline_script(browser_client, running_bot, path):
    page = path.format(bot_id=running_bot.bot_id)
    assert_works_under_the_policy(browser_client.get(page, HTTP_ACCEPT="text/html"))


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_login_pages_too(client, running_bot, path):
    assert_works_under_the_policy(client.get(path, HTTP_ACCEPT="text/html"))


@pytest.mark.integration
def test_swagger_ui_runs_its_start_script_from_a_file(tmp_path):
    """/docs exists when the config enables it (settings at start): a real runbot serves it."""
    with runbot_process(tmp_path, initial_state="stopped") as bot:
        page = assert_works_under_the_policy(requests.get(f"{bot.url}/docs", timeout=10))
        script_url = next(url for url in page.resources if "script=" in url)
        script = requests.get(f"{bot.url}{script_url}", timeout=10)
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.text and "/api/v1/openapi.json" in script.text


def test_json_answers_carry_the_policy_too(anon_client):
    response = anon_client.get("/api/v1/ping")
    assert response.json() == {"status": "pong"}
    assert directives(response)["script-src"] == ["'self'"]


def test_browsable_api_logout_is_a_plain_form(browser_client):
    """DRF's own "Log out" link needs an inline onclick; here it is a form's submit button."""
    page = browser_client.get("/api/v1/status", HTTP_ACCEPT="text/html").content.decode()
    form = re.search(r'<form method="post" action="([^"]*logout[^"]*)">(.*?)</form>', page, re.S)
    assert form is not None
    assert '<button type="submit"' in form.group(2) and "Log out" in form.group(2)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(2)).group(1)
    logged_out = browser_client.post(html.unescape(form.group(1)), {"csrfmiddlewaretoken": token})
    assert logged_out.status_code == 302
    assert browser_client.get("/api/v1/status").status_code == 401
