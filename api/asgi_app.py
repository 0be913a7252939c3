"""The ASGI application runbot serves: HTTP (API, admin, static files) and the websocket.

Building it also connects the engine's events to the channel layer (``install_publisher``), so
whichever process serves this application pushes what its engine does to websocket clients.
"""

from __future__ import annotations

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
    """Django's ASGI handler with the whole middleware chain and the view on one thread.

    Django's own handler runs an all-sync middleware chain in a thread, comes back to the event
    loop for the view, and goes to a thread again for it (DRF views are sync); and it starts two
    threads per request (the request's thread and one that joins it). Here a request enters
    its thread once — middleware, view, then ``response.close()`` as Django does — on a thread
    reused from an earlier request. Each request in flight still has a thread of its own, as
    before, and database connections are per thread as Django keeps them (``CONN_MAX_AGE``).
    """

    def __init__(self) -> None:
        super().__init__()
        self._idle: list[RequestThread] = []

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    def _respond(self, request):
        """On the request's thread: the response, closed already when its body is in memory."""
        response = self.get_response(request)
        response._handler_class = self.__class__
        if not response.streaming:
            response.close()  # request_finished (connection cleanup) here: one thread hop less
        return response

    async def handle(self, scope, receive, send) -> None:
        """Django's ``handle`` with one trip to the request's thread for a whole answer.

        Django's waits on a second task listening for a disconnect so that it can cancel an
        *async* view; every view here is sync and runs to its end on its thread whatever the
        client does (uvicorn drops what is sent after a disconnect), so the answer goes out
        straight. Streaming responses (files, the UI) keep Django's own path.
        """
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        await signals.request_started.asend(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        try:
            if request is None:
                await self.send_response(error_response, send)
                await sync_to_async(error_response.close)()
                return
            response = await sync_to_async(self._respond, thread_sensitive=True)(request)
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
            await self.send_response(response, send)
            if response.streaming:
                await sync_to_async(response.close)()
        finally:
            body_file.close()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        thread = self._idle.pop() if self._idle else RequestThread()
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            if thread.pending or len(self._idle) >= IDLE_REQUEST_THREADS:
                thread.shutdown(wait=False)
            else:
                self._idle.append(thread)


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
