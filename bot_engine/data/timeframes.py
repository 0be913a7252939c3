"""Timeframe strings ("5m", "1h", ...) as durations."""

from __future__ import annotations

from datetime import datetime, timedelta

_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000}


def timeframe_to_seconds(timeframe: str) -> int:
    return int(timeframe[:-1]) * _UNITS[timeframe[-1]]


def timeframe_to_minutes(timeframe: str) -> int:
    return timeframe_to_seconds(timeframe) // 60


def timeframe_to_delta(timeframe: str) -> timedelta:
    return timedelta(seconds=timeframe_to_seconds(timeframe))


def next_candle_boundary(when: datetime, timeframe: str) -> datetime:
    """The first candle boundary strictly after ``when`` (rounding *up*, for locks)."""
    seconds = timeframe_to_seconds(timeframe)
    epoch = int(when.timestamp())
    return datetime.fromtimestamp((epoch // seconds + 1) * seconds, tz=when.tzinfo)
