"""The ASGI application runbot serves: HTTP (API, admin, static files) and the websocket.

Building it also connects the engine's events to the channel layer (``install_publisher``), so
whichever process serves this application pushes what its engine does to websocket clients.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse
from django.urls import set_script_prefix

# Idle request threads kept for the next requests; a burst beyond this many at once gets
# threads that end with their request.
IDLE_REQUEST_THREADS = 16
# Answers that read no database, file or socket, made on the event loop without the trip to a
# thread: /ping is what FreqUI and health checks call most. Django refuses a database query
# from the loop's thread (SynchronousOnlyOperation), so a view that grew one would fail loudly.
# A call with a cookie takes the thread: the browser-session middleware may read the database.
ON_THE_LOOP = frozenset({"/api/v1/ping"})


def _has_cookie(scope) -> bool:
    return any(name == b"cookie" for name, _ in scope["headers"])


class RequestThread(ThreadPoolExecutor):
    """The one thread a request's sync code runs on, handed to the next request afterwards.

    ``pending`` counts work not finished yet: a request that ended while its view still ran
    (the client went away) leaves a busy thread, which is not reused.
    """

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="api-request")
        self._lock = threading.Lock()
        self.pending = 0

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with self._lock:
            self.pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future) -> None:
        with self._lock:
            self.pending -= 1


class OneThreadASGIHandler(ASGIHandler):
    """Django's ASGI handler with the whole request on one thread, entered once.

    Django's own handler sends ``request_started`` through a thread, runs an all-sync
    middleware chain in a thread, comes back to the event loop for the view and goes to a
    thread again for it (DRF views are sync), then closes the response through a thread: four
    trips, and two threads started per request. Here the request enters its thread once —
    ``request_started``, the request object, middleware, view and ``response.close()`` as
    Django does them — on a thread reused from an earlier request. Each request in flight
    still has a thread of its own, and database connections are per thread as Django keeps
    them (``CONN_MAX_AGE``).
    """

    def __init__(self) -> None:
        super().__init__()
        self._idle: list[RequestThread] = []

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    def _respond(self, scope, body_file):
        """On the request's thread: the response, closed already when its body is in memory."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
        if not response.streaming:
            response.close()  # request_finished (connection cleanup) on the request's thread
        return response

    async def handle(self, scope, receive, send) -> None:
        """The answer in one trip to the request's thread.

        Django's waits on a second task listening for a disconnect so that it can cancel an
        *async* view; every view here is sync and runs to its end on its thread whatever the
        client does (uvicorn drops what is sent after a disconnect), so the answer goes out
        straight. Streaming responses (files, the UI) are sent and closed as Django does.
        """
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        if scope["path"] in ON_THE_LOOP and scope["method"] == "GET" and not _has_cookie(scope):
            try:
                response = contextvars.copy_context().run(self._respond, scope, body_file)
            finally:
                body_file.close()
            await self.send_response(response, send)
            return
        thread = self._idle.pop() if self._idle else RequestThread()
        try:
            context = contextvars.copy_context()
            response = await asyncio.wrap_future(
                thread.submit(context.run, self._respond, scope, body_file)
            )
            if not response.streaming:
                await self.send_response(response, send)
                return
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
            # A sync iterator is read by sync_to_async: on this request's thread, as Django.
            async with ThreadSensitiveContext(executor=thread):
                await self.send_response(response, send)
                await sync_to_async(response.close)()
        finally:
            body_file.close()
            self._release(thread)

    def _release(self, thread: RequestThread) -> None:
        if thread.pending or len(self._idle) >= IDLE_REQUEST_THREADS:
            thread.shutdown(wait=False)
        else:
            self._idle.append(thread)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)


def build_application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
    import django
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    django.setup(set_prefix=False)  # what get_asgi_application() does; imports after it
    http = ASGIStaticFilesHandler(OneThreadASGIHandler())

    from channels.routing import ProtocolTypeRouter, URLRouter

    from api.ws.publisher import install_publisher
    from api.ws.routing import websocket_urlpatterns

    install_publisher()
    return ProtocolTypeRouter({"http": http, "websocket": URLRouter(websocket_urlpatterns)})
