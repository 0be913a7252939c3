"""Freqtrade's wire forms of values the engine keeps as datetimes and floats (contract §2.9):
"YYYY-MM-DD HH:MM:SS" dates, epoch-millisecond timestamps, null for NaN and infinity."""

from __future__ import annotations

import math
from datetime import UTC, datetime

DATETIME_PRINT_FORMAT = "%Y-%m-%d %H:%M:%S"


def format_date(value: datetime | None) -> str | None:
    """ "YYYY-MM-DD HH:MM:SS" in UTC (``isoformat`` is twice as fast as ``strftime``, and the
    same text for four-digit years)."""
    if not value:
        return None
    value = value.astimezone(UTC)
    if value.year < 1000:
        return value.strftime(DATETIME_PRINT_FORMAT)
    return value.isoformat(" ", "seconds")[:19]


def timestamp_ms(value: datetime | None) -> int | None:
    """Epoch milliseconds the way Freqtrade computes them (float seconds x 1000, truncated)."""
    return int(value.timestamp() * 1000) if value else None


def finite_or_none(value: float | None) -> float | None:
    """NaN and ±inf have no JSON form; the contract writes them as null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)
