"""``freqtrade.exchange``: the timeframe arithmetic strategy files import from here."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# Seconds per unit, as ccxt's parse_timeframe counts them (a month is 30 days).
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000, "y": 31536000}
_TIMEFRAME = re.compile(r"^(\d+)([smhdwMy])$")


def timeframe_to_seconds(timeframe: str) -> int:
    """``"5m"`` -> 300."""
    match = _TIMEFRAME.match(timeframe or "")
    if match is None:
        raise ValueError(f"Invalid timeframe: {timeframe!r}")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def timeframe_to_minutes(timeframe: str) -> int:
    """``"1h"`` -> 60."""
    return timeframe_to_seconds(timeframe) // 60


def timeframe_to_msecs(timeframe: str) -> int:
    """``"1m"`` -> 60000."""
    return timeframe_to_seconds(timeframe) * 1000


def timeframe_to_prev_date(timeframe: str, date: datetime | None = None) -> datetime:
    """Open time of the candle containing ``date`` (now when omitted), UTC."""
    date = date or datetime.now(UTC)
    seconds = timeframe_to_seconds(timeframe)
    stamp = int(date.timestamp()) // seconds * seconds
    return datetime.fromtimestamp(stamp, tz=UTC)


def timeframe_to_next_date(timeframe: str, date: datetime | None = None) -> datetime:
    """Open time of the candle after the one containing ``date``, UTC."""
    date = date or datetime.now(UTC)
    seconds = timeframe_to_seconds(timeframe)
    stamp = (int(date.timestamp()) // seconds + 1) * seconds
    return datetime.fromtimestamp(stamp, tz=UTC)


def date_minus_candles(timeframe: str, candle_count: int, date: datetime | None = None) -> datetime:
    """Open time of the candle ``candle_count`` candles before the one containing ``date``."""
    start = timeframe_to_prev_date(timeframe, date)
    return start - timedelta(seconds=timeframe_to_seconds(timeframe) * candle_count)


__all__ = [
    "date_minus_candles",
    "timeframe_to_minutes",
    "timeframe_to_msecs",
    "timeframe_to_next_date",
    "timeframe_to_prev_date",
    "timeframe_to_seconds",
]
