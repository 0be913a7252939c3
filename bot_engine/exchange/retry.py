"""Retry with exponential backoff for exchange calls that failed for a temporary reason."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from bot_engine.exceptions import TemporaryExchangeError

T = TypeVar("T")

_log = logging.getLogger(__name__)


def backoff_delay(attempt: int, *, base_delay: float, max_delay: float) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): base, 2x, 4x, ... capped."""
    return min(max_delay, base_delay * 2 ** (attempt - 1))


def retrying(
    fn: Callable[[], T],
    *,
    attempts: int = 4,
    base_delay: float = 0.5,
    max_delay: float = 8.0,
    sleep: Callable[[float], None] = time.sleep,
    logger: logging.Logger | None = None,
    label: str | None = None,
) -> T:
    """Call ``fn`` up to ``attempts`` times in all, retrying only ``TemporaryExchangeError``.

    Every other exception propagates at once: a refused order or a bad symbol will not get
    better by asking again. When the last attempt fails its error is re-raised unchanged.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")
    log = logger or _log
    what = label or getattr(fn, "__name__", "exchange call")
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except TemporaryExchangeError as exc:
            if attempt == attempts:
                log.warning(
                    "%s failed (attempt %d of %d), giving up: %s", what, attempt, attempts, exc
                )
                raise
            delay = backoff_delay(attempt, base_delay=base_delay, max_delay=max_delay)
            log.warning(
                "%s failed (attempt %d of %d), retrying in %.2fs: %s",
                what,
                attempt,
                attempts,
                delay,
                exc,
            )
            sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")  # keeps type checkers calm
