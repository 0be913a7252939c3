"""Freqtrade's date and number forms on the wire: "YYYY-MM-DD HH:MM:SS", epoch ms, NaN as null.

What is left here is wire formatting, on its way to ``api/serializers`` (issue 15, item 1); the
columns are in ``columns``, the closed-trade cache in ``closed_cache``, the sums in
``bot_engine.trade_stats``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np

from bot_engine.selectors.columns import NAT

DATETIME_PRINT_FORMAT = "%Y-%m-%d %H:%M:%S"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def us_to_datetime(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(us))


def us_to_ms(us: np.ndarray | int) -> np.ndarray | int:
    """Freqtrade's ``int(dt.timestamp() * 1000)``, float steps included, for microseconds."""
    if isinstance(us, np.ndarray):
        return np.trunc((us / 1e6) * 1000).astype(np.int64)
    return int((int(us) / 1e6) * 1000)


def format_us(us: int | None) -> str:
    """ "YYYY-MM-DD HH:MM:SS" of a microsecond timestamp, "" when missing."""
    if us is None or us == NAT:
        return ""
    return us_to_datetime(us).strftime(DATETIME_PRINT_FORMAT)


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
