"""The ASGI handler runbot serves: one thread per request in flight, reused afterwards."""

from __future__ import annotations

import asyncio
import threading

import pytest

from api.asgi_app import IDLE_REQUEST_THREADS, OneThreadASGIHandler
from bot_engine.selectors.system import TRADEPLANE_VERSION
from tests.fixtures.api import basic_header

pytestmark = pytest.mark.django_db(transaction=True)
VERSION_BODY = b'{"version":"%s"}' % TRADEPLANE_VERSION.encode()


async def get(
    handler, path: str, *, basic: bool = False, cookie: bool = False
) -> tuple[int, bytes]:
    headers = [(b"host", b"127.0.0.1")]
    if cookie:
        headers.append((b"cookie", b"sessionid=not-a-session"))
    if basic:
        headers.append((b"authorization", basic_header().encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }
    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # no disconnect while the answer is made

    sent = []

    async def send(message):
        sent.append(message)

    await handler(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_requests_in_turn_share_one_thread(running_bot):
    handler = OneThreadASGIHandler()
    before = threading.active_count()

    async def three():
        return [await get(handler, "/api/v1/version", basic=True) for _ in range(3)]

    assert asyncio.run(three()) == [(200, VERSION_BODY)] * 3
    assert len(handler._idle) == 1
    assert threading.active_count() <= before + 1


def test_requests_at_once_get_a_thread_each(running_bot):
    handler = OneThreadASGIHandler()
    count = IDLE_REQUEST_THREADS + 4

    async def at_once():
        calls = (get(handler, "/api/v1/version", basic=True) for _ in range(count))
        return await asyncio.gather(*calls)

    assert asyncio.run(at_once()) == [(200, VERSION_BODY)] * count
    assert len(handler._idle) == IDLE_REQUEST_THREADS  # the others ended with their request


def recorded_request_threads(handler, path: str, **kwargs) -> tuple[list, int]:
    """(the request signals sent, with their thread), and the event loop's thread."""
    from django.core import signals

    seen = []

    def record(signal_name):
        return lambda **kwargs: seen.append((signal_name, threading.get_ident()))

    started, finished = record("started"), record("finished")
    signals.request_started.connect(started)
    signals.request_finished.connect(finished)

    async def call():
        return threading.get_ident(), await get(handler, path, **kwargs)

    try:
        loop_thread, (status, _) = asyncio.run(call())
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert status == 200
    return seen, loop_thread


def test_a_request_starts_and_finishes_on_its_own_thread(running_bot):
    """Django's request signals (database connection upkeep) run on the thread that used the
    connection, once per request, and not on the event loop's thread."""
    seen, loop_thread = recorded_request_threads(
        OneThreadASGIHandler(), "/api/v1/version", basic=True
    )
    assert [name for name, _ in seen] == ["started", "finished"]
    assert seen[0][1] == seen[1][1] != loop_thread


def test_ping_is_answered_on_the_event_loop(running_bot):
    """/ping (no database, no file) skips the trip to a thread; its answer is the same."""
    handler = OneThreadASGIHandler()
    seen, loop_thread = recorded_request_threads(handler, "/api/v1/ping")
    assert [thread for _, thread in seen] == [loop_thread, loop_thread]
    assert asyncio.run(get(handler, "/api/v1/ping")) == (200, b'{"status":"pong"}')
    assert handler._idle == []  # no request thread was needed
    with_cookie, _ = recorded_request_threads(handler, "/api/v1/ping", cookie=True)
    assert with_cookie[0][1] != loop_thread  # a browser session may read the database
