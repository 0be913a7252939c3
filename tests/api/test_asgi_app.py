"""The ASGI handler runbot serves: one thread per request in flight, reused afterwards."""

from __future__ import annotations

import asyncio
import threading

import pytest

from api.asgi_app import IDLE_REQUEST_THREADS, OneThreadASGIHandler

pytestmark = pytest.mark.django_db(transaction=True)


async def get(handler, path: str) -> tuple[int, bytes]:
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
        "headers": [(b"host", b"127.0.0.1")],
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
        return [await get(handler, "/api/v1/ping") for _ in range(3)]

    assert asyncio.run(three()) == [(200, b'{"status":"pong"}')] * 3
    assert len(handler._idle) == 1
    assert threading.active_count() <= before + 1


def test_requests_at_once_get_a_thread_each(running_bot):
    handler = OneThreadASGIHandler()
    count = IDLE_REQUEST_THREADS + 4

    async def at_once():
        return await asyncio.gather(*(get(handler, "/api/v1/ping") for _ in range(count)))

    assert asyncio.run(at_once()) == [(200, b'{"status":"pong"}')] * count
    assert len(handler._idle) == IDLE_REQUEST_THREADS  # the others ended with their request


def test_a_request_starts_and_finishes_on_its_own_thread(running_bot):
    """Django's request signals (database connection upkeep) run on the thread that used the
    connection, once per request, and not on the event loop's thread."""
    from django.core import signals

    seen = []

    def record(signal_name):
        return lambda **kwargs: seen.append((signal_name, threading.get_ident()))

    started, finished = record("started"), record("finished")
    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    handler = OneThreadASGIHandler()
    try:
        loop_thread = threading.get_ident()
        assert asyncio.run(get(handler, "/api/v1/ping"))[0] == 200
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert [name for name, _ in seen] == ["started", "finished"]
    assert seen[0][1] == seen[1][1] != loop_thread
