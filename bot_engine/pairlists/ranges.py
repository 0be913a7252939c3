"""Filters on a pair's recent price range: RangeStabilityFilter and VolatilityFilter.

Both read ``lookback_period`` closed candles of ``lookback_timeframe`` (or ``lookback_days``
daily ones), keep each pair's value ``refresh_period`` seconds, and may sort by it.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod

import numpy as np

from bot_engine.pairlists.base import PairlistHandler, lookback
from bot_engine.pairlists.params import _number, lookback_params, sort_direction

logger = logging.getLogger(__name__)

_REFRESH = _number(1800, "Refresh period", "Refresh period in seconds", minimum=0)


class _RangeFilter(PairlistHandler, ABC):
    """Keeps pairs whose value lies in ``[low, high]``; sorts by it when asked."""

    def filter(self, pairs: list[str]) -> list[str]:
        period = float(self.option("refresh_period"))
        values = {}
        for pair in pairs:
            value = self.cached(("value", pair), period, lambda p=pair: self.value(p))
            if value is None:
                logger.info("Removed %s from whitelist, no candles found.", pair)
            elif self.in_range(value):
                values[pair] = value
            else:
                logger.info(
                    "Removed %s from whitelist: %s %.3f out of range", pair, self.name, value
                )
        kept = list(values)
        direction = self.option("sort_direction")
        if direction:
            kept.sort(key=lambda p: values[p], reverse=direction == "desc")
        return kept

    def candles(self, pair: str):
        """The last ``period + 1`` closed candles: a change over N candles needs N + 1 (what
        Freqtrade fetches for a lookback)."""
        timeframe, count = lookback(self.entry, self.params)
        frame = self.context.candles(pair, timeframe, count + 1)
        return None if frame.empty else frame

    @abstractmethod
    def value(self, pair: str) -> float | None:
        """The figure pairs are ranked or filtered by; None when there is none."""

    @abstractmethod
    def in_range(self, value: float) -> bool:
        """Whether a pair with ``value`` is kept."""


class RangeStabilityFilter(_RangeFilter):
    name = "RangeStabilityFilter"
    description = "Filters pairs by their rate of change."
    params = {
        "min_rate_of_change": _number(
            0.01, "Minimum Rate of Change", "Minimum rate of change to filter pairs.", minimum=0
        ),
        "max_rate_of_change": _number(
            None, "Maximum Rate of Change", "Maximum rate of change to filter pairs.", minimum=0
        ),
        "sort_direction": sort_direction(None, "rate of change"),
        "refresh_period": _REFRESH,
        **lookback_params(10),
    }

    def value(self, pair: str) -> float | None:
        """(highest high - lowest low) / lowest low over the lookback."""
        frame = self.candles(pair)
        if frame is None:
            return None
        high, low = float(frame["high"].max()), float(frame["low"].min())
        return (high - low) / low if low > 0 else 0.0

    def in_range(self, value: float) -> bool:
        high = self.entry.get("max_rate_of_change")
        return value >= self.option("min_rate_of_change") and not (high and value > high)


class VolatilityFilter(_RangeFilter):
    name = "VolatilityFilter"
    description = "Filter pairs by their recent volatility."
    params = {
        "min_volatility": _number(
            0, "Minimum Volatility", "Minimum volatility a pair must have to be considered."
        ),
        "max_volatility": _number(
            None, "Maximum Volatility", "Maximum volatility a pair must have to be considered."
        ),
        "sort_direction": sort_direction(None, "volatility"),
        "refresh_period": _REFRESH,
        **lookback_params(10),
    }

    def value(self, pair: str) -> float | None:
        """The mean of the rolling standard deviation of log returns, scaled to the period."""
        frame = self.candles(pair)
        if frame is None:
            return None
        _timeframe, period = lookback(self.entry, self.params)
        close = frame["close"]
        returns = np.log(close.shift(1) / close).fillna(0)
        mean = (returns.rolling(window=period).std() * np.sqrt(period)).mean()
        return 0.0 if np.isnan(mean) else float(mean)

    def in_range(self, value: float) -> bool:
        high = self.entry.get("max_volatility")
        return self.option("min_volatility") <= value and (high is None or value <= high)
