"""The engine's in-process telemetry: exchange errors by kind, loop-duration histograms."""

from __future__ import annotations

import math
import threading

from bot_engine import telemetry
from bot_engine.exceptions import (
    ExchangeError,
    InsufficientFundsError,
    InvalidOrderError,
    TemporaryExchangeError,
)


def test_error_kinds_follow_the_engine_exceptions():
    assert telemetry.error_kind(TemporaryExchangeError) == "temporary"
    assert telemetry.error_kind(InsufficientFundsError) == "insufficient_funds"
    assert telemetry.error_kind(InvalidOrderError) == "invalid_order"
    assert telemetry.error_kind(ExchangeError) == "other"


def test_histogram_buckets_are_cumulative_and_inclusive():
    telemetry.observe_loop(bot="telemetry-test", seconds=0.005)  # on a bound: inside it
    telemetry.observe_loop(bot="telemetry-test", seconds=0.3)
    telemetry.observe_loop(bot="telemetry-test", seconds=1000.0)
    snapshot = telemetry.loop_durations()["telemetry-test"]
    buckets = dict(snapshot.buckets)
    assert buckets[0.005] == 1 and buckets[0.25] == 1 and buckets[0.5] == 2
    assert buckets[60.0] == 2 and snapshot.buckets[-1] == (math.inf, 3)
    assert snapshot.count == 3 and snapshot.sum == 1000.305


def test_counters_are_thread_safe():
    before = telemetry.exchange_errors().get(("temporary", "threads"), 0)

    def hammer():
        for _ in range(2000):
            telemetry.record_exchange_error(TemporaryExchangeError, operation="threads")

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert telemetry.exchange_errors()[("temporary", "threads")] == before + 8000
