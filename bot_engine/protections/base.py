"""What every protection shares: its lookback and lock duration, and the facts it reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot_engine.data.timeframes import timeframe_to_minutes

STOP_EXITS = frozenset({"stop_loss", "trailing_stop_loss", "stoploss_on_exchange", "liquidation"})


class ClosedTrade(Protocol):
    """The facts of a closed trade a protection reads (backtest trades and trade rows alike)."""

    pair: str
    close_date: datetime | None
    close_profit: float | None
    close_profit_abs: float | None
    exit_reason: str | None
    is_short: bool


@dataclass(frozen=True)
class LockRequest:
    """Lock ``pair`` ('*': every pair) until ``until`` (rounded up to a candle by the locker)."""

    pair: str
    until: datetime
    reason: str
    side: str = "*"


def plural(count: float, singular: str, many: str) -> str:
    return singular if count == 1 or count == -1 else many


class Protection:
    """A protection's settings; subclasses say whether they lock one pair, all, or both."""

    has_global_stop = False
    has_local_stop = False

    def __init__(self, settings: Mapping[str, Any], timeframe: str) -> None:
        minutes = timeframe_to_minutes(timeframe)
        self.settings = dict(settings)
        self.stop_candles: int | None = None
        self.unlock_at: str | None = settings.get("unlock_at")
        if "stop_duration_candles" in settings:
            self.stop_candles = int(settings["stop_duration_candles"])
            self.stop_minutes = minutes * self.stop_candles
        else:
            self.stop_minutes = int(settings.get("stop_duration", 60))
        if "lookback_period_candles" in settings:
            self.lookback_candles: int | None = int(settings["lookback_period_candles"])
            self.lookback_minutes = minutes * self.lookback_candles
        else:
            self.lookback_candles = None
            self.lookback_minutes = int(settings.get("lookback_period", 60))

    @property
    def name(self) -> str:
        return type(self).__name__

    def stop_duration_str(self) -> str:
        if self.stop_candles:
            unit = plural(self.stop_candles, "candle", "candles")
            return f"{self.stop_candles} {unit}"
        return f"{self.stop_minutes} {plural(self.stop_minutes, 'minute', 'minutes')}"

    def lookback_str(self) -> str:
        if self.lookback_candles:
            unit = plural(self.lookback_candles, "candle", "candles")
            return f"{self.lookback_candles} {unit}"
        return f"{self.lookback_minutes} {plural(self.lookback_minutes, 'minute', 'minutes')}"

    def unlock_str(self) -> str:
        return f"until {self.unlock_at}" if self.unlock_at else f"for {self.stop_duration_str()}"

    def recent(
        self, trades: Sequence[ClosedTrade], now: datetime, pair: str | None = None
    ) -> list[ClosedTrade]:
        """Closed trades (of ``pair``) that closed after the lookback window began."""
        since = now - timedelta(minutes=self.lookback_minutes)
        return [
            t
            for t in trades
            if t.close_date is not None and t.close_date > since and (not pair or t.pair == pair)
        ]

    def lock_end(self, trades: Sequence[ClosedTrade]) -> datetime:
        """The latest close among ``trades`` plus the stop duration (or the next unlock_at)."""
        latest = max(t.close_date for t in trades if t.close_date)
        if self.unlock_at:
            hour, minute = (int(x) for x in self.unlock_at.split(":"))
            until = latest.replace(hour=hour, minute=minute)
            return until + timedelta(days=1) if until < latest else until
        return latest + timedelta(minutes=self.stop_minutes)

    def global_stop(
        self, trades: Sequence[ClosedTrade], now: datetime, side: str, starting_balance: float
    ) -> LockRequest | None:
        return None

    def stop_per_pair(
        self,
        trades: Sequence[ClosedTrade],
        pair: str,
        now: datetime,
        side: str,
        starting_balance: float,
    ) -> LockRequest | None:
        return None
