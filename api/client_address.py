"""The client address of a request: what the login throttle and the audit trail count.

It is the connection's peer (``REMOTE_ADDR``), except where someone trusted says who the
client is:

- a reverse proxy named in ``api_server.trusted_proxies`` (IPs or networks, none by default):
  runbot's uvicorn believes its ``X-Forwarded-For``/``-Proto`` (``forwarded_allow_ips``), and
  only then. Any other client's forwarded headers are ignored, so a local client (SSH tunnel,
  another user of the host) cannot pick its own address to dodge the throttle or forge audit
  rows.
- another bot of the registry relaying ``/bots/<name>/api/v1/...`` (``api/proxy.py``). It sends
  ``X-Tradeplane-Client: <address> <unix time> <signature>``, an HMAC-SHA256 of the address,
  time, method and path under the receiving bot's registry secret (``Bot.proxy_secret``, a new
  random one written by runbot at each start, read by the relaying process from the same
  registry row as the bot's URL). ``ClientAddressMiddleware`` makes a verified address the
  request's ``REMOTE_ADDR``; an unsigned, wrongly signed or stale header is dropped, so
  clients cannot forge it.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import time

from api.context import webserver_config
from bot_engine.models import Bot
from bot_engine.runtime import get_running_bot

logger = logging.getLogger(__name__)

HOP_HEADER = "X-Tradeplane-Client"
HOP_META = "HTTP_X_TRADEPLANE_CLIENT"
# A relayed request reaches its bot within milliseconds; the margin is for clock differences
# between hosts. Within it, a captured header only works for the same method and path.
HOP_MAX_AGE_SECS = 60
PEER_META = "TRADEPLANE_PEER_ADDR"  # the relaying bot's own address, kept for the log


def client_address(request) -> str | None:
    """The address a request came from (a Django or a DRF request); None if the server gave
    none."""
    raw = getattr(request, "_request", request)
    return raw.META.get("REMOTE_ADDR") or None


def hop_signature(secret: str, address: str, timestamp: int, method: str, path: str) -> str:
    message = f"{address}\n{timestamp}\n{method.upper()}\n{path}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def hop_header(secret: str, address: str, method: str, path: str, *, now: float | None = None):
    """The ``X-Tradeplane-Client`` value for a request relayed to the bot owning ``secret``."""
    timestamp = int(time.time() if now is None else now)
    return f"{address} {timestamp} {hop_signature(secret, address, timestamp, method, path)}"


def verified_hop_address(
    value: str, secret: str, method: str, path: str, *, now: float | None = None
) -> str | None:
    """The client address of a hop header signed with ``secret`` for this request, else None."""
    parts = value.split()
    if len(parts) != 3 or not secret:
        return None
    address, timestamp_text, signature = parts
    try:
        timestamp = int(timestamp_text)
        ipaddress.ip_address(address)
    except ValueError:
        return None
    if abs((time.time() if now is None else now) - timestamp) > HOP_MAX_AGE_SECS:
        return None
    expected = hop_signature(secret, address, timestamp, method, path)
    return address if hmac.compare_digest(expected, signature) else None


def own_proxy_secret() -> str:
    """This bot's registry secret: in memory in runbot, from its row in an API worker."""
    running = get_running_bot()
    if running is not None:
        return running.proxy_secret
    name = webserver_config().bot_name
    return Bot.objects.filter(name=name).values_list("proxy_secret", flat=True).first() or ""


def relayed_client_address(value: str, method: str, path: str) -> str | None:
    """The client address a hop header to this bot vouches for, else None (see above)."""
    return verified_hop_address(value, own_proxy_secret(), method, path)


class ClientAddressMiddleware:
    """Takes the client address of a request relayed by another bot from its signed header.

    Requests without the header (all but relayed ones) cost one dictionary lookup.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        value = request.META.pop(HOP_META, None)
        if value is not None:
            peer = request.META.get("REMOTE_ADDR")
            address = relayed_client_address(value, request.method, request.path)
            if address is None:
                logger.warning("Ignored an invalid %s header from %s", HOP_HEADER, peer)
            else:
                request.META[PEER_META] = peer
                request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
