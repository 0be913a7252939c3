"""Engine telemetry: thread-safe counters and timings that the API's ``/metrics`` reads."""

from __future__ import annotations

import bisect
import math
import threading
from collections import Counter
from dataclasses import dataclass

from bot_engine.exceptions import (
    ExchangeError,
    InsufficientFundsError,
    InvalidOrderError,
    TemporaryExchangeError,
)

# Seconds. One iteration on the replay exchange takes milliseconds; a live one waits on the
# exchange, so the buckets reach a minute.
LOOP_BUCKETS: tuple[float, ...] = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
)  # fmt: skip

# Most specific first: the kinds are the engine's exception classes, not ccxt's dozens.
_ERROR_KINDS: tuple[tuple[type[Exception], str], ...] = (
    (TemporaryExchangeError, "temporary"),
    (InsufficientFundsError, "insufficient_funds"),
    (InvalidOrderError, "invalid_order"),
    (ExchangeError, "other"),
)


@dataclass(frozen=True)
class HistogramSnapshot:
    """Cumulative bucket counts (the last bound is +inf), the count and the sum."""

    buckets: tuple[tuple[float, int], ...]
    count: int
    sum: float


class _Histogram:
    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # one per bound, and the +inf overflow
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.bounds, value)] += 1
        self.sum += value

    def snapshot(self) -> HistogramSnapshot:
        cumulative, total = [], 0
        for bound, count in zip((*self.bounds, math.inf), self.counts, strict=True):
            total += count
            cumulative.append((bound, total))
        return HistogramSnapshot(buckets=tuple(cumulative), count=total, sum=self.sum)


_lock = threading.Lock()
_exchange_errors: Counter[tuple[str, str]] = Counter()
_loop_durations: dict[str, _Histogram] = {}


def error_kind(error_class: type[Exception]) -> str:
    return next((kind for cls, kind in _ERROR_KINDS if issubclass(error_class, cls)), "other")


def record_exchange_error(error_class: type[Exception], *, operation: str) -> None:
    """One failed exchange call; ``operation`` is the call's name (``fetch_ticker``, ...)."""
    key = (error_kind(error_class), operation)
    with _lock:
        _exchange_errors[key] += 1


def observe_loop(*, bot: str, seconds: float) -> None:
    """The duration of one engine iteration of bot ``bot`` (its name)."""
    with _lock:
        histogram = _loop_durations.get(bot)
        if histogram is None:
            histogram = _loop_durations[bot] = _Histogram(LOOP_BUCKETS)
        histogram.observe(seconds)


def exchange_errors() -> dict[tuple[str, str], int]:
    """``{(kind, operation): count}`` since the process started."""
    with _lock:
        return dict(_exchange_errors)


def loop_durations() -> dict[str, HistogramSnapshot]:
    with _lock:
        return {bot: histogram.snapshot() for bot, histogram in _loop_durations.items()}


def reset() -> None:
    """Forget everything (tests)."""
    with _lock:
        _exchange_errors.clear()
        _loop_durations.clear()
