"""Failed-login throttling per client address: slowed after a few failures, then 429.

Counts live in Django's cache (``CACHES``). Only failures count, and only for the address they
came from, so the right credentials from another address keep working while one address is
blocked. The address is ``REMOTE_ADDR``: a forwarded-for header is the client's to forge.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from rest_framework import exceptions, status

logger = logging.getLogger(__name__)

SLOW_AFTER = 5  # failures in a window before each further failure is answered slowly
BLOCK_AFTER = 10  # failures in a window before the address gets 429 for BLOCK_SECS
WINDOW_SECS = 15 * 60
BLOCK_SECS = 5 * 60
SLOWDOWN_STEP_SECS = 0.25  # per failure beyond SLOW_AFTER, capped at MAX_SLOWDOWN_SECS
MAX_SLOWDOWN_SECS = 2.0
TOO_MANY_FAILED_LOGINS = "Too many failed login attempts; try again in {seconds} seconds."


class LoginThrottled(exceptions.APIException):
    """429 ``{"detail": ...}`` with ``Retry-After`` (see ``api.exceptions``)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, wait: int) -> None:
        super().__init__(TOO_MANY_FAILED_LOGINS.format(seconds=wait))
        self.wait = wait


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _failures_key(address: str) -> str:
    return f"login-failures:{address}"


def _blocked_key(address: str) -> str:
    return f"login-blocked:{address}"


def check_not_blocked(request) -> None:
    """Raise ``LoginThrottled`` while the request's address is blocked."""
    until = cache.get(_blocked_key(client_address(request)))
    if until is not None:
        raise LoginThrottled(max(1, int(until - time.time()) + 1))


def record_failure(request, *, sleep=time.sleep) -> None:
    """Count a failed login; slow the answer, or block the address, past the thresholds."""
    address = client_address(request)
    key = _failures_key(address)
    cache.add(key, 0, WINDOW_SECS)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECS)
        failures = 1
    if failures >= BLOCK_AFTER:
        cache.set(_blocked_key(address), time.time() + BLOCK_SECS, BLOCK_SECS)
        cache.delete(key)
        logger.warning(
            "API login: %d failed attempts from %s; refusing its logins for %d s",
            failures,
            address,
            BLOCK_SECS,
        )
        raise LoginThrottled(BLOCK_SECS)
    logger.warning("API login failed from %s (%d in a row)", address, failures)
    if failures > SLOW_AFTER:
        sleep(min(MAX_SLOWDOWN_SECS, SLOWDOWN_STEP_SECS * (failures - SLOW_AFTER)))


def record_success(request) -> None:
    """The right credentials from this address: its failure count starts again."""
    cache.delete(_failures_key(client_address(request)))
