"""Freqtrade 2026.9's timerange syntax, answers recorded from its ``TimeRange.parse_timerange``
(``/tmp/ftvenv/bin/python -c "from freqtrade.configuration.timerange import TimeRange; ..."``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot_engine.data.timerange import TimeRangeError, parse_timerange

# text -> (startts, stopts) in epoch seconds as Freqtrade 2026.9 parsed them (0: open side)
FREQTRADE = {
    "20240101T0930-": (1704101400, 0),
    "20240101T093015-1704103200": (1704101415, 1704103200),
    "1704103200000-": (1704103200, 0),
    "20180110-20180111": (1515542400, 1515628800),
    "-20180111T1200": (0, 1515672000),
}
# text -> Freqtrade's message
REFUSED = {
    "20240101 0930-": 'Incorrect syntax for timerange "20240101 0930-"',
    "-": 'Incorrect syntax for timerange "-"',
    "20240102-20240101": 'Start date is after stop date for timerange "20240102-20240101"',
    "20241301-": 'Incorrect syntax for timerange "20241301-"',
    "20240101-20240102-": 'Incorrect syntax for timerange "20240101-20240102-"',
    "20240101": 'Incorrect syntax for timerange "20240101"',
}


def seconds(value: datetime | None) -> int:
    return int(value.timestamp()) if value else 0


@pytest.mark.parametrize(("text", "expected"), FREQTRADE.items())
def test_parses_as_freqtrade(text, expected):
    assert tuple(map(seconds, parse_timerange(text))) == expected
    assert all(v is None or v.tzinfo == UTC for v in parse_timerange(text))


@pytest.mark.parametrize(("text", "message"), REFUSED.items())
def test_refuses_as_freqtrade(text, message):
    with pytest.raises(TimeRangeError) as refused:
        parse_timerange(text)
    assert str(refused.value) == message


def test_no_text_is_everything():
    assert parse_timerange(None) == parse_timerange("") == (None, None)
