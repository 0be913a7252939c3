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

Credentials go only where the bot itself said it listens (issue 14): runbot writes both
``api_url`` and ``registered_api_url`` at each start, and only ``api_url`` can be edited (by a
superuser, in the admin). While the two differ the bot is not forwarded to at all (503 naming
it): a registry entry pointed at someone else's listener cannot harvest the Basic credentials
and tokens clients send through the proxy.

The client's address travels signed (``api.client_address``): ``X-Tradeplane-Client`` carries
the address this process resolved, the time, and an HMAC of both with the method and path under
the upstream's registry secret (``Bot.proxy_secret``, read with its URL: no extra query); the
upstream verifies it with its own copy, so its login throttle and audit trail count the real
client, and no client can forge the header.

A name that is not in the registry answers like a bot that refuses the request's credentials
(the same 401, 429 or public answer, e.g. ``ping``), so bot names cannot be probed without
credentials; with credentials valid on this process, it is ``404 Unknown bot``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import aiohttp
import yarl
from asgiref.sync import iscoroutinefunction, sync_to_async
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, resolve
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework_simplejwt.exceptions import TokenError

from api.auth.authentication import (
    BasicIncorrect,
    BearerAuthentication,
    BearerInvalid,
    ConfigBasicAuthentication,
    authorization_header,
    basic_login,
)
from api.auth.tokens import FreqtradeAccessToken, FreqtradeRefreshToken
from api.client_address import HOP_HEADER, client_address, hop_header
from api.context import served_config
from api.exceptions import BODY_TOO_LARGE, NOT_FOUND, exception_handler
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


@dataclass(frozen=True)
class RegistryEntry:
    api_url: str
    registered_api_url: str  # what runbot itself wrote
    proxy_secret: str

    @property
    def registered(self) -> bool:
        """``api_url`` is the address the bot registered itself (not edited since)."""
        return bool(self.api_url.strip()) and self.api_url.strip() == self.registered_api_url


def registry_entry(name: str) -> RegistryEntry | None:
    """The registry row of bot ``name``, None for no such bot."""
    row = (
        Bot.objects.filter(name=name)
        .values_list("api_url", "registered_api_url", "proxy_secret")
        .first()
    )
    return RegistryEntry(*row) if row else None


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


def unregistered_detail(name: str) -> dict:
    return {
        "detail": f"Bot '{name}': the registry's API URL is not the one the bot registered "
        "itself, so no request is sent there; restart the bot to register its address."
    }


def unreachable_detail(name: str) -> dict:
    return {"detail": f"Bot '{name}' is not reachable."}


@csrf_exempt  # credentials travel in Authorization; a locally dispatched view keeps its own CSRF
async def bot_api(request: HttpRequest, name: str, rest: str) -> HttpResponse:
    path = api_path(rest)
    if path is None:
        return json_response({"detail": NOT_FOUND}, 404)
    if name == served_bot_name():
        return await dispatch_locally(request, path)
    entry = await sync_to_async(registry_entry)(name)
    if entry is None:
        return await unknown_bot(request, name, path)
    base = usable_base(entry.api_url)
    if base is None:
        return json_response(no_api_detail(name), 503)
    if not entry.registered:
        return json_response(unregistered_detail(name), 503)
    return await forward(request, name, base, path, entry.proxy_secret)


# Routes that check credentials themselves instead of through the API's authentication.
TOKEN_ROUTES = ("token_login", "token_refresh", "token_logout")


async def unknown_bot(request: HttpRequest, name: str, path: str) -> HttpResponse:
    """Bot ``name`` is not in the registry: answer as a bot refusing these credentials would,
    unless they are good here (then say so: 404 naming it)."""
    try:
        match = resolve("/" + path)
    except Resolver404:
        return json_response({"detail": NOT_FOUND}, 404)
    refusal = await sync_to_async(refusal_here)(request, match)
    if refusal is None:
        return json_response(not_found_detail(name), 404)
    if is_public(match):
        # Any bot answers these to anyone (ping, the schema, the session login form) or refuses
        # the credentials itself (token refresh and logout); none were good here, so nothing
        # is done for anybody.
        return await dispatch_locally(request, path)
    return refusal


def is_public(match: ResolverMatch) -> bool:
    """A route anyone may call without credentials (its view refuses bad ones itself).

    Not ``token/login``: its refusal is ``refusal_here``'s own, and dispatching it would judge
    the password a second time."""
    if match.url_name == "token_login":
        return False
    view = getattr(match.func, "cls", None)
    if view is None:
        return True  # not a DRF view: the session login form, the JSON 404
    initkwargs = getattr(match.func, "initkwargs", {})
    permissions = initkwargs.get("permission_classes", view.permission_classes)
    return any(isinstance(p, type) and issubclass(p, AllowAny) for p in permissions)


def refusal_here(request: HttpRequest, match: ResolverMatch) -> HttpResponse | None:
    """None when the request's credentials are good for this process; else the 401 (or 429)
    any bot answers them with on this route (throttled like every login)."""
    try:
        check_credentials_here(request, match.url_name)
    except exceptions.APIException as exc:  # LoginThrottled (429) included
        answer = exception_handler(exc, {"request": None})
        if answer is None:
            raise
        response = json_response(answer.data, answer.status_code)
        for header, value in answer.headers.items():
            if header in ("WWW-Authenticate", "Retry-After"):
                response[header] = value
        return response
    return None


TOKEN_KINDS = (FreqtradeAccessToken, FreqtradeRefreshToken)


def _valid_token(kind: type, value: str) -> bool:
    try:
        kind(value)
    except TokenError:
        return False
    return True


def check_credentials_here(request: HttpRequest, url_name: str | None) -> None:
    """Return when this process accepts the request's credentials; else raise the refusal."""
    scheme, value = authorization_header(request)
    if url_name == "token_login":
        basic_login(request, scheme, value, incorrect=BasicIncorrect)
        return
    if url_name in TOKEN_ROUTES:
        if scheme == "bearer" and any(_valid_token(kind, value) for kind in TOKEN_KINDS):
            return
        raise BearerInvalid()
    if not scheme:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return  # a session of this origin
        raise exceptions.NotAuthenticated()
    for authenticator in (BearerAuthentication(), ConfigBasicAuthentication()):
        if authenticator.authenticate(request) is not None:
            return
    raise exceptions.NotAuthenticated()


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


async def forward(
    request: HttpRequest, name: str, base: str, path: str, secret: str
) -> HttpResponse:
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
    # The client as this process resolved it, signed for the upstream (its throttle and audit
    # count it); X-Forwarded-* replace whatever chain the client sent, for upstreams that trust
    # this host as a proxy (api_server.trusted_proxies).
    address = client_address(request)
    if address:
        if secret:
            headers[HOP_HEADER] = hop_header(secret, address, request.method, "/" + path)
        headers["X-Forwarded-For"] = address
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
