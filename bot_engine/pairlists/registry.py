"""The handlers Tradeplane offers, by Freqtrade name (``/pairlists/available``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot_engine.pairlists.base import PairlistHandler, lookback_check
from bot_engine.pairlists.filters import (
    AgeFilter,
    OffsetFilter,
    PerformanceFilter,
    PrecisionFilter,
    PriceFilter,
    ShuffleFilter,
    SpreadFilter,
)
from bot_engine.pairlists.generators import PercentChangePairList, StaticPairList, VolumePairList
from bot_engine.pairlists.ranges import RangeStabilityFilter, VolatilityFilter

HANDLERS: dict[str, type[PairlistHandler]] = {
    handler.name: handler
    for handler in (
        StaticPairList,
        VolumePairList,
        PercentChangePairList,
        AgeFilter,
        PrecisionFilter,
        PriceFilter,
        SpreadFilter,
        RangeStabilityFilter,
        VolatilityFilter,
        ShuffleFilter,
        OffsetFilter,
        PerformanceFilter,
    )
}
# Handlers whose range must be given (Freqtrade refuses lookback_days: 0 for them).
_RANGE_REQUIRED = {"RangeStabilityFilter", "VolatilityFilter"}


def lookback_problem(handler: type[PairlistHandler], entry: Mapping[str, Any]) -> str | None:
    if "lookback_period" not in handler.params:
        return None
    return lookback_check(entry, required=handler.name in _RANGE_REQUIRED)


def available_pairlists() -> list[dict[str, Any]]:
    """Freqtrade's ``/pairlists/available`` entries, sorted by name."""
    return [
        {
            "name": name,
            "is_pairlist_generator": handler.is_pairlist_generator,
            "params": {key: param.describe() for key, param in handler.params.items()},
            "description": handler.description,
        }
        for name, handler in sorted(HANDLERS.items())
    ]
