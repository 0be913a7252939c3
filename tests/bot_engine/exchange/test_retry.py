"""The retry-with-backoff helper: only temporary exchange errors are retried, with growing waits."""

import logging

import pytest

from bot_engine.exceptions import ExchangeError, InvalidOrderError, TemporaryExchangeError
from bot_engine.exchange.retry import backoff_delay, retrying


class Flaky:
    """Fails with the given errors in order, then returns ``"ok"``; counts its calls."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_success_on_first_attempt_never_sleeps():
    sleeps: list[float] = []
    assert retrying(Flaky(), sleep=sleeps.append) == "ok"
    assert sleeps == []


def test_retries_temporary_errors_then_returns_with_exponential_waits():
    fn = Flaky(TemporaryExchangeError("timeout"), TemporaryExchangeError("rate limit"))
    sleeps: list[float] = []
    assert retrying(fn, sleep=sleeps.append) == "ok"
    assert fn.calls == 3
    assert sleeps == [0.5, 1.0]


def test_exhausted_attempts_reraise_the_last_temporary_error():
    fn = Flaky(*(TemporaryExchangeError(f"down {i}") for i in range(1, 5)))
    sleeps: list[float] = []
    with pytest.raises(TemporaryExchangeError, match="down 4"):
        retrying(fn, attempts=4, sleep=sleeps.append)
    assert fn.calls == 4
    assert sleeps == [0.5, 1.0, 2.0]  # no wait after the last attempt


@pytest.mark.parametrize(
    "error", [InvalidOrderError("too small"), ExchangeError("bad"), ValueError("bug")]
)
def test_other_errors_propagate_at_once(error):
    fn = Flaky(error)
    sleeps: list[float] = []
    with pytest.raises(type(error)):
        retrying(fn, sleep=sleeps.append)
    assert fn.calls == 1
    assert sleeps == []


def test_waits_are_capped_at_max_delay():
    delays = [backoff_delay(n, base_delay=0.5, max_delay=8) for n in range(1, 8)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8, 8, 8]
    fn = Flaky(*(TemporaryExchangeError("x") for _ in range(5)))
    sleeps: list[float] = []
    retrying(fn, attempts=6, base_delay=1, max_delay=3, sleep=sleeps.append)
    assert sleeps == [1, 2, 3, 3, 3]


def test_each_retry_is_logged_with_its_attempt_number(caplog):
    log = logging.getLogger("tests.retry")
    fn = Flaky(TemporaryExchangeError("timeout"), TemporaryExchangeError("timeout"))
    with caplog.at_level(logging.WARNING, logger="tests.retry"):
        retrying(fn, sleep=lambda _: None, logger=log, label="fetch_ticker ETH/BTC")
    messages = [r.getMessage() for r in caplog.records if r.name == "tests.retry"]
    assert len(messages) == 2
    assert "fetch_ticker ETH/BTC failed (attempt 1 of 4)" in messages[0]
    assert "attempt 2 of 4" in messages[1]
    assert "timeout" in messages[1]


def test_giving_up_is_logged(caplog):
    log = logging.getLogger("tests.retry")
    fn = Flaky(TemporaryExchangeError("a"), TemporaryExchangeError("b"))
    with (
        caplog.at_level(logging.WARNING, logger="tests.retry"),
        pytest.raises(TemporaryExchangeError),
    ):
        retrying(fn, attempts=2, sleep=lambda _: None, logger=log)
    assert "attempt 2 of 2), giving up" in caplog.records[-1].getMessage()


def test_attempts_must_be_positive():
    with pytest.raises(ValueError, match="attempts"):
        retrying(Flaky(), attempts=0)
