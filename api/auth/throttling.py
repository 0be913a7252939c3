"""Failed-login throttling: every way to present a password goes through ``LoginAttempt``.

That is HTTP Basic on any endpoint, ``/token/login``, API keys (``api.auth.authentication``),
and the admin's and the browsable API's login forms (``api.auth.backends``). The counts live in
Django's cache (``CACHES``: Redis when ``api_server.redis_url`` is set, so every API worker of
the bot shares them), per client address (``api.client_address``: the connection's peer unless
a trusted proxy or a signed ``/bots/`` hop says otherwise):

- a failed login counts against its address and against (address, username);
- ``BLOCK_AFTER`` failures from an address within ``WINDOW_SECS`` block it for ``BLOCK_SECS``:
  429 with ``Retry-After`` for every login from there, the right password included. Past
  ``SLOW_AFTER`` failures each further one is answered more slowly;
- a successful login forgives only the failures of that same username from that address (its
  owner mistyped); another account's success forgives nothing, so holding one account buys no
  guesses at another;
- check-and-count is atomic: an attempt takes its place in the address's count (an atomic
  ``cache.incr``) *before* its password is judged, and one past the limit is refused unjudged,
  so however many requests run in parallel, at most ``BLOCK_AFTER`` passwords are judged per
  address and window. A success gives its place back.

Credentials this process verified for the same address in the last ``KNOWN_GOOD_SECS`` are not
judged again (Basic clients send the password with every request, and a Django password hash
takes ~0.3 s by design): such a request costs one cache read, whether the address is blocked.

Failures are not also limited per username across addresses: such a limit would let anyone lock
the owner out of their own bot by failing a few times from a few addresses. A bot that listens
beyond loopback must have a strong password instead (``bot_engine.config.policy``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import TypeVar

from django.core.cache import cache
from rest_framework import exceptions, status

from api.client_address import client_address

logger = logging.getLogger(__name__)
T = TypeVar("T")

SLOW_AFTER = 5  # failures in a window before each further failure is answered slowly
BLOCK_AFTER = 10  # failures in a window before the address gets 429 for BLOCK_SECS
WINDOW_SECS = 15 * 60
BLOCK_SECS = 5 * 60
SLOWDOWN_STEP_SECS = 0.25  # per failure beyond SLOW_AFTER, capped at MAX_SLOWDOWN_SECS
MAX_SLOWDOWN_SECS = 2.0
KNOWN_GOOD_SECS = 300.0
KNOWN_GOOD_MAX = 10_000
TOO_MANY_FAILED_LOGINS = "Too many failed login attempts; try again in {seconds} seconds."

# Credentials verified per address, in this process only: keyed by an HMAC under a per-process
# key of (address, who, the stored secret, the password), so a changed password misses.
_KNOWN_GOOD: dict[bytes, float] = {}
_KNOWN_GOOD_KEY = secrets.token_bytes(32)


class LoginThrottled(exceptions.APIException):
    """429 ``{"detail": ...}`` with ``Retry-After`` (see ``api.exceptions``)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, wait: int) -> None:
        super().__init__(TOO_MANY_FAILED_LOGINS.format(seconds=wait))
        self.wait = wait


def forget_known_good() -> None:
    """Judge every password again from now on (tests)."""
    _KNOWN_GOOD.clear()


def _address_key(address: str) -> str:
    return f"login-failures:{address}"


def _user_key(address: str, username: str) -> str:
    # Hashed: a username may hold characters a cache key must not.
    digest = hashlib.sha256(username.encode("utf-8", "replace")).hexdigest()[:32]
    return f"login-failures:{address}:{digest}"


def _blocked_key(address: str) -> str:
    return f"login-blocked:{address}"


def _incr(key: str, timeout: int) -> int:
    """Atomic +1 of a count that expires ``timeout`` seconds after its first increment."""
    try:
        return cache.incr(key)
    except ValueError:  # no such count yet (or it just expired)
        if cache.add(key, 1, timeout):
            return 1
        return cache.incr(key)  # another request created it in between


def _decr(key: str, delta: int) -> None:
    if delta > 0:
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to give back
            cache.decr(key, delta)


class LoginAttempt:
    """One presentation of a username and password (or key) from one client address."""

    def __init__(self, request, username: str, *, sleep: Callable[[float], None] = time.sleep):
        self.address = client_address(request) or "unknown"
        self.username = username
        self.sleep = sleep

    @classmethod
    def from_address(cls, address: str | None, username: str) -> LoginAttempt:
        """An attempt from ``address`` where there is no Django request (a websocket
        handshake)."""
        return cls(SimpleNamespace(META={"REMOTE_ADDR": address}), username)

    # credentials this process verified for this address lately
    def _memo_key(self, material: str) -> bytes:
        message = f"{self.address}\0{material}".encode("utf-8", "replace")
        return hmac.new(_KNOWN_GOOD_KEY, message, hashlib.sha256).digest()

    def is_known_good(self, material: str) -> bool:
        """``material`` (who, stored secret, password) verified from this address lately."""
        return _KNOWN_GOOD.get(self._memo_key(material), 0.0) > time.monotonic()

    def remember_good(self, material: str) -> None:
        if len(_KNOWN_GOOD) >= KNOWN_GOOD_MAX:
            _KNOWN_GOOD.clear()
        _KNOWN_GOOD[self._memo_key(material)] = time.monotonic() + KNOWN_GOOD_SECS

    def accept_known_good(self) -> None:
        """Let known-good credentials in, unless the address is blocked (one cache read)."""
        user_key = _user_key(self.address, self.username)
        found = cache.get_many([_blocked_key(self.address), user_key])
        until = found.get(_blocked_key(self.address))
        if until is not None:
            raise LoginThrottled(_seconds_left(until))
        mistakes = found.get(user_key) or 0
        if mistakes:  # rare: the owner mistyped from here since the last verification
            cache.delete(user_key)
            _decr(_address_key(self.address), mistakes)

    # judging a password
    def judge(self, check: Callable[[], T | None]) -> T | None:
        """``reserve``, run ``check`` (the password's judgement; None: wrong credentials), then
        count the failure (``failed``) or give the place back (``succeeded``)."""
        place = self.reserve()
        try:
            result = check()
        except BaseException:
            self.release()  # not judged after all (e.g. the database is away)
            raise
        if result is None:
            self.failed(place)
        else:
            self.succeeded(place)
        return result

    def reserve(self) -> int:
        """Take a place in the address's count before a password is judged; its number.

        Raises ``LoginThrottled`` instead when the address is past its limit (blocked, or as
        many attempts as the limit allows are being judged right now).
        """
        key = _address_key(self.address)
        place = _incr(key, WINDOW_SECS)
        if place > BLOCK_AFTER:
            _decr(key, 1)
            raise LoginThrottled(self._wait())
        return place

    def release(self) -> None:
        """Give back a place whose password was not judged."""
        _decr(_address_key(self.address), 1)

    def failed(self, place: int) -> None:
        """Count a wrong password; slow the answer, or block the address (``LoginThrottled``),
        past the thresholds."""
        _incr(_user_key(self.address, self.username), WINDOW_SECS)
        if place >= BLOCK_AFTER:
            # The count stays at the limit while the block lasts, so every attempt meanwhile
            # is refused by reserve() itself; both expire together.
            cache.set_many(
                {
                    _blocked_key(self.address): time.time() + BLOCK_SECS,
                    _address_key(self.address): BLOCK_AFTER,
                },
                BLOCK_SECS,
            )
            logger.warning(
                "API login: %d failed attempts from %s; refusing its logins for %d s",
                place,
                self.address,
                BLOCK_SECS,
            )
            raise LoginThrottled(BLOCK_SECS)
        logger.warning("API login failed from %s (%d failures from there)", self.address, place)
        if place > SLOW_AFTER:
            self.sleep(min(MAX_SLOWDOWN_SECS, SLOWDOWN_STEP_SECS * (place - SLOW_AFTER)))

    def succeeded(self, place: int) -> None:
        """The right credentials: give the place back, and forgive this account's failures
        from this address (never more than were counted before this attempt: counts that
        expired apart must not give an address extra guesses)."""
        user_key = _user_key(self.address, self.username)
        mistakes = cache.get(user_key) or 0
        if mistakes:
            cache.delete(user_key)
        _decr(_address_key(self.address), 1 + min(mistakes, max(place - 1, 0)))

    def _wait(self) -> int:
        until = cache.get(_blocked_key(self.address))
        return _seconds_left(until) if until is not None else BLOCK_SECS


def _seconds_left(until: float) -> int:
    return max(1, int(until - time.time()) + 1)
