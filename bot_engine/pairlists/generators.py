"""Handlers that build a pairlist: StaticPairList, VolumePairList, PercentChangePairList.

Each also works later in a chain as Freqtrade's do: StaticPairList appends its pairs, the
other two sort and cut the pairs they are given.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod

from bot_engine.pairlists.base import PairlistHandler, lookback, typical_price
from bot_engine.pairlists.params import NUMBER_ASSETS, REFRESH_PERIOD, Param, lookback_params

logger = logging.getLogger(__name__)


class StaticPairList(PairlistHandler):
    name = "StaticPairList"
    description = "Use pairlist as configured in config."
    is_pairlist_generator = True
    params = {
        "allow_inactive": Param(
            "boolean",
            False,
            "Allow inactive pairs",
            "Allow inactive pairs to be in the whitelist.",
        )
    }

    def generate(self) -> list[str]:
        return self.tradable(
            self.context.whitelist, allow_inactive=bool(self.option("allow_inactive"))
        )

    def filter(self, pairs: list[str]) -> list[str]:
        return [*pairs, *(p for p in self.generate() if p not in pairs)]


class _RankedPairList(PairlistHandler, ABC):
    """A generator ranking the stake currency's markets by one number per pair."""

    is_pairlist_generator = True
    descending_default = True

    def generate(self) -> list[str]:
        def build() -> list[str]:
            return self.filter(self.tradable(sorted(self.context.markets())))

        return list(self.cached("pairlist", float(self.option("refresh_period")), build))

    def filter(self, pairs: list[str]) -> list[str]:
        values = {pair: self.value(pair) for pair in pairs}
        ranked = [p for p in pairs if values[p] is not None]
        low, high = self.entry.get("min_value"), self.entry.get("max_value")
        if self.min_applies(low):
            ranked = [p for p in ranked if values[p] > low]
        if high is not None:
            ranked = [p for p in ranked if values[p] < high]
        # A stable sort: equal values keep the order they came in.
        ranked.sort(key=lambda p: values[p], reverse=self.direction() == "desc")
        return self.tradable(ranked)[: int(self.option("number_assets"))]

    def direction(self) -> str:
        return "desc"

    def min_applies(self, low: float | None) -> bool:
        return bool(low) and low > 0  # VolumePairList: min_value 0 means none

    @abstractmethod
    def value(self, pair: str) -> float | None:
        """The figure pairs are ranked or filtered by; None when there is none."""


class VolumePairList(_RankedPairList):
    name = "VolumePairList"
    description = "Provides dynamic pair list based on trade volumes."
    needs_tickers = True
    params = {
        "number_assets": NUMBER_ASSETS,
        "sort_key": Param(
            "option",
            "quoteVolume",
            "Sort key",
            "Sort key to use for sorting the pairlist.",
            options=("quoteVolume",),
        ),
        "min_value": Param(
            "number", 0, "Minimum value", "Minimum value to use for filtering the pairlist."
        ),
        "max_value": Param(
            "number", None, "Maximum value", "Maximum value to use for filtering the pairlist."
        ),
        "refresh_period": REFRESH_PERIOD,
        **lookback_params(0),
    }

    def value(self, pair: str) -> float | None:
        timeframe, period = lookback(self.entry, self.params)
        if period <= 0:
            return self.context.ticker(pair).quote_volume
        candles = self.context.candles(pair, timeframe, period)
        if len(candles) < period:
            return 0.0  # Freqtrade: a rolling sum over too few candles counts as 0
        return float((candles["volume"] * typical_price(candles)).sum())


class PercentChangePairList(_RankedPairList):
    name = "PercentChangePairList"
    description = "Provides dynamic pair list based on percentage change."
    needs_tickers = True
    params = {
        "number_assets": NUMBER_ASSETS,
        "min_value": Param(
            "number", None, "Minimum value", "Minimum value to use for filtering the pairlist."
        ),
        "max_value": Param(
            "number", None, "Maximum value", "Maximum value to use for filtering the pairlist."
        ),
        "sort_direction": Param(
            "option",
            "desc",
            "Sort pairlist",
            "Sort Pairlist ascending or descending by rate of change.",
            options=("", "asc", "desc"),
        ),
        "refresh_period": REFRESH_PERIOD,
        **lookback_params(0),
    }

    def direction(self) -> str:
        # Freqtrade sorts ascending unless "desc" ("" included).
        return "desc" if self.option("sort_direction") == "desc" else "asc"

    def min_applies(self, low: float | None) -> bool:
        return low is not None  # a change may be negative: any bound applies

    def value(self, pair: str) -> float | None:
        timeframe, period = lookback(self.entry, self.params)
        if period <= 0:
            return self.context.ticker(pair).percentage
        candles = self.context.candles(pair, timeframe, period + 1)
        if len(candles) <= period:
            return 0.0
        current, previous = float(candles["close"].iloc[-1]), float(candles["close"].iloc[0])
        return (current - previous) / previous * 100 if previous > 0 else 0.0
