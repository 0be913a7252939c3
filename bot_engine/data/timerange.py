"""Freqtrade's ``--timerange`` syntax (2026.9, API 2.50), parsed in one place for every caller
(``/pair_history``, backtesting, downloads).

``START-STOP``; either side may be empty, not both. Each side is ``YYYYMMDD``,
``YYYYMMDDTHHMM``, ``YYYYMMDDTHHMMSS`` (UTC) or epoch seconds (10 digits) / milliseconds (13,
floored to the second, as Freqtrade does). A start after the stop is refused.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

SIDE_FORMATS: tuple[tuple[str, str | None], ...] = (
    (r"\d{8}", "%Y%m%d"),
    (r"\d{8}T\d{4}", "%Y%m%dT%H%M"),
    (r"\d{8}T\d{6}", "%Y%m%dT%H%M%S"),
    (r"\d{10}", None),  # epoch seconds
    (r"\d{13}", None),  # epoch milliseconds
)
# Freqtrade's messages, word for word.
BAD_SYNTAX = 'Incorrect syntax for timerange "{text}"'
START_AFTER_STOP = 'Start date is after stop date for timerange "{text}"'


class TimeRangeError(ValueError):
    """The text is not a timerange Freqtrade would accept; the message is Freqtrade's."""


def parse_timerange(text: str | None) -> tuple[datetime | None, datetime | None]:
    """``(start, stop)`` as UTC datetimes, None for an open side; ``(None, None)`` for no text."""
    if not text:
        return None, None
    parts = text.split("-")
    if len(parts) != 2 or not any(parts):
        raise TimeRangeError(BAD_SYNTAX.format(text=text))
    start, stop = (_side(part, text) for part in parts)
    if start is not None and stop is not None and start > stop:
        raise TimeRangeError(START_AFTER_STOP.format(text=text))
    return start, stop


def _side(part: str, text: str) -> datetime | None:
    if not part:
        return None
    for pattern, fmt in SIDE_FORMATS:
        if not re.fullmatch(pattern, part):
            continue
        try:
            if fmt is None:
                seconds = int(part) // 1000 if len(part) == 13 else int(part)
                return datetime.fromtimestamp(seconds, tz=UTC)
            return datetime.strptime(part, fmt).replace(tzinfo=UTC)
        except (ValueError, OverflowError, OSError):
            break  # e.g. 20241301: the right shape, not a date
    raise TimeRangeError(BAD_SYNTAX.format(text=text))
