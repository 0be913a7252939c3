"""``/bots/<name>/api/v1/...``: every bot of the registry under this process's origin (issue 8).

``/api/v1/...`` keeps serving this process's own bot. ``/bots/<name>/api/v1/...`` serves the
bot named ``<name>``:

- this process's own bot: dispatched in-process (the path after the prefix is resolved against
  the URLconf and its view called), so ``/bots/<own>/api/v1/x`` answers exactly as ``/api/v1/x``
  without an HTTP hop;
- any other bot: forwarded to the ``api_url`` the registry (``Bot.api_url``, written by runbot at
  each start) holds for it, and the answer relayed back (buffered).

Only ``api/v1/`` paths are served (never another bot's admin or docs), and the only hosts this
view ever connects to are registry URLs: the bot name selects a row, the client never supplies a
host, dot segments are refused and redirects are not followed. The view authenticates nobody:
the upstream bot checks the credentials it is sent. This process's middleware applies to every
answer (CORS from its own ``CORS_origins``, security headers); the upstream's CORS headers and
cookies are dropped.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

import aiohttp
import yarl
from asgiref.sync import iscoroutinefunction, sync_to_async
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from api.context import served_config
from api.exceptions import BODY_TOO_LARGE, NOT_FOUND
from api.views.errors import json_response
from bot_engine.models import Bot

logger = logging.getLogger(__name__)

API_PREFIX = ("api", "v1")
CONNECT_TIMEOUT_SECS = 5.0
UPSTREAM_TIMEOUT_SECS = 30.0  # the whole upstream exchange: connect, send, read the answer
# What goes upstream: the credentials and the body's description. Never Origin (CORS is this
# process's business), cookies (this origin's session is not the upstream's) or hop-by-hop.
REQUEST_HEADERS = ("Authorization", "Content-Type", "Accept", "User-Agent")
# What comes back besides status and body; no Access-Control-*, Set-Cookie or security headers
# (this process's middleware sets its own).
RESPONSE_HEADERS = ("WWW-Authenticate", "Retry-After", "Content-Disposition", "Cache-Control")
# Percent-encoding of the (decoded) path: keep what a path segment may hold literally.
PATH_SAFE = "/:@!$&'()*+,;="


def served_bot_name() -> str:
    """The bot ``/api/v1`` of this process serves."""
    return served_config().bot_name


def api_path(rest: str) -> str | None:
    """``rest`` (the path after ``/bots/<name>/``) when it is under ``api/v1``, else None.

    Leading slashes are dropped (FreqUI appends ``/api/v1`` to the URL as typed, so a bot URL
    with a trailing slash gives ``//api/v1``). Dot segments are refused: they could climb out of
    ``api/v1`` once an HTTP client normalizes the URL.
    """
    rest = rest.lstrip("/")
    segments = rest.split("/")
    if tuple(segments[:2]) != API_PREFIX or any(s in (".", "..") for s in segments):
        return None
    return rest


def registry_api_url(name: str) -> str | None:
    """The registry's ``api_url`` of bot ``name`` ("" when it has none), None for no such bot."""
    return Bot.objects.filter(name=name).values_list("api_url", flat=True).first()


def usable_base(api_url: str) -> str | None:
    """``api_url`` without a trailing slash when it is an http(s) URL with a host, else None."""
    try:
        parts = urlsplit(api_url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return api_url.strip().rstrip("/")


def not_found_detail(name: str) -> dict:
    return {"detail": f"Unknown bot '{name}'."}


def no_api_detail(name: str) -> dict:
    return {"detail": f"Bot '{name}' has no reachable API URL in the registry."}


def unreachable_detail(name: str) -> dict:
    return {"detail": f"Bot '{name}' is not reachable."}


@csrf_exempt  # credentials travel in Authorization; a locally dispatched view keeps its own CSRF
async def bot_api(request: HttpRequest, name: str, rest: str) -> HttpResponse:
    path = api_path(rest)
    if path is None:
        return json_response({"detail": NOT_FOUND}, 404)
    if name == served_bot_name():
        return await dispatch_locally(request, path)
    api_url = await sync_to_async(registry_api_url)(name)
    if api_url is None:
        return json_response(not_found_detail(name), 404)
    base = usable_base(api_url)
    if base is None:
        return json_response(no_api_detail(name), 503)
    return await forward(request, name, base, path)


async def dispatch_locally(request: HttpRequest, path: str) -> HttpResponse:
    """Serve ``/<path>`` of this process as if it had been requested without the prefix."""
    try:
        match = resolve("/" + path)
    except Resolver404:
        return json_response({"detail": NOT_FOUND}, 404)
    request.path_info = "/" + path
    request.resolver_match = match
    view = match.func
    if not getattr(view, "csrf_exempt", False):
        # The middleware checked CSRF for this (exempt) view, not for the one it stands for.
        view = csrf_protect(view)
    if not iscoroutinefunction(view):
        view = sync_to_async(view)
    return await view(request, *match.args, **match.kwargs)


async def forward(request: HttpRequest, name: str, base: str, path: str) -> HttpResponse:
    """Send the request to ``base/path`` and relay the answer (status, body, a few headers)."""
    try:
        body = request.body
    except RequestDataTooBig:
        return json_response({"detail": BODY_TOO_LARGE}, 413)
    url = f"{base}/{quote(path, safe=PATH_SAFE)}"
    query = request.META.get("QUERY_STRING", "")
    if query:
        url += f"?{query}"
    headers = {h: request.headers[h] for h in REQUEST_HEADERS if h in request.headers}
    # The client as this process's server resolved it (uvicorn trusts X-Forwarded-For from
    # loopback only), replacing whatever chain the client sent: the upstream's uvicorn trusts
    # loopback too, so its REMOTE_ADDR -- login throttling, audit -- is the real client.
    headers["X-Forwarded-For"] = request.META.get("REMOTE_ADDR") or ""
    headers["X-Forwarded-Proto"] = request.scheme
    timeout = aiohttp.ClientTimeout(total=UPSTREAM_TIMEOUT_SECS, connect=CONNECT_TIMEOUT_SECS)
    try:
        # A session per request: nothing outlives the request (no pool to close at shutdown);
        # on loopback a connection costs far less than the request itself.
        async with (
            aiohttp.ClientSession(timeout=timeout, trust_env=False) as session,
            session.request(
                request.method,
                yarl.URL(url, encoded=True),
                headers=headers,
                data=body or None,
                allow_redirects=False,
                skip_auto_headers=("User-Agent",),
            ) as upstream,
        ):
            content = await upstream.read()
    except TimeoutError:
        logger.warning(
            "Bot %s (%s): no answer to %s within %.0f s", name, base, path, UPSTREAM_TIMEOUT_SECS
        )
        return json_response({"detail": f"Bot '{name}' did not answer in time."}, 504)
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        logger.warning("Bot %s (%s) unreachable: %s", name, base, str(exc) or type(exc).__name__)
        return json_response(unreachable_detail(name), 503)
    response = HttpResponse(
        content,
        status=upstream.status,
        content_type=upstream.headers.get("Content-Type") or "application/octet-stream",
    )
    for header in RESPONSE_HEADERS:
        if header in upstream.headers:
            response[header] = upstream.headers[header]
    return response
