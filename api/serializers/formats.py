"""Freqtrade's wire forms of values the engine keeps as datetimes and floats (contract §2.9):
"YYYY-MM-DD HH:MM:SS" dates, epoch-millisecond timestamps, humanize's "5 minutes ago", null for
NaN and infinity."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from bot_engine.selectors.columns import us_to_datetime

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


def format_us(us: int) -> str:
    """ "YYYY-MM-DD HH:MM:SS" of microseconds since the epoch (the engine's numpy columns)."""
    return us_to_datetime(us).strftime(DATETIME_PRINT_FORMAT)


def us_to_ms(us: int) -> int:
    """Freqtrade's ``int(dt.timestamp() * 1000)``, float steps included, for microseconds."""
    return int((int(us) / 1e6) * 1000)


def finite_or_none(value: float | None) -> float | None:
    """NaN and ±inf have no JSON form; the contract writes them as null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def naturaltime(delta: timedelta) -> str:
    """How long ago (or ahead) ``delta`` is, in humanize's words: "5 minutes ago", "9 years ago"."""
    past = delta >= timedelta(0)
    words = _naturaldelta(abs(delta))
    if words == "a moment":
        return "now"
    return f"{words} ago" if past else f"{words} from now"


def _naturaldelta(delta: timedelta) -> str:
    seconds = delta.seconds
    days = delta.days
    years, days = divmod(days, 365)
    months = int(days // 30.5)
    if not years and days < 1:
        if seconds == 0:
            return "a moment"
        if seconds == 1:
            return "a second"
        if seconds < 60:
            return f"{seconds} seconds"
        if seconds < 120:
            return "a minute"
        if seconds < 3600:
            return f"{seconds // 60} minutes"
        if seconds < 7200:
            return "an hour"
        return f"{seconds // 3600} hours"
    if years == 0:
        if days == 1:
            return "a day"
        if not months:
            return f"{days} days"
        return "a month" if months == 1 else f"{months} months"
    if years == 1:
        if not months and not days:
            return "a year"
        if not months:
            return "1 year, a day" if days == 1 else f"1 year, {days} days"
        return "1 year, 1 month" if months == 1 else f"1 year, {months} months"
    return f"{years:,} years"
