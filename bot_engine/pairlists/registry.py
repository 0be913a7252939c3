"""The handlers Tradeplane offers, by Freqtrade name (``/pairlists/available``), and the check
of a config's ``pairlists`` against them (the config loader calls ``config_errors``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.pairlists.base import PairlistHandler, lookback, lookback_check
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
from bot_engine.pairlists.params import check_params
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


# Generators whose list, built from a lookback, must not be refreshed within one of its candles.
_REFRESH_COVERS_LOOKBACK = {"VolumePairList", "PercentChangePairList"}
REFRESH_TOO_SHORT = (
    "refresh_period of {refresh:g} seconds is smaller than one {timeframe} candle; "
    "set it to at least {seconds}"
)


def lookback_problem(handler: type[PairlistHandler], entry: Mapping[str, Any]) -> str | None:
    if "lookback_period" not in handler.params:
        return None
    problem = lookback_check(entry, required=handler.name in _RANGE_REQUIRED)
    if problem or handler.name not in _REFRESH_COVERS_LOOKBACK:
        return problem
    timeframe, period = lookback(entry, handler.params)
    refresh = entry.get("refresh_period", handler.params["refresh_period"].default)
    seconds = timeframe_to_seconds(timeframe)
    if period > 0 and isinstance(refresh, int | float) and refresh < seconds:
        return REFRESH_TOO_SHORT.format(refresh=refresh, timeframe=timeframe, seconds=seconds)
    return None


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


UNKNOWN_METHOD = "unknown pairlist handler '{method}'; available: {available}"
FIRST_MUST_GENERATE = (
    "the first handler must generate a pairlist (one of {generators}), not {method}"
)


def config_errors(pairlists: Sequence[Any] | None) -> list[str]:
    """Every problem of a config's ``pairlists`` (methods, order, parameters), one per line."""
    if not pairlists:
        return []
    errors = []
    generators = sorted(n for n, h in HANDLERS.items() if h.is_pairlist_generator)
    for index, entry in enumerate(pairlists):
        prefix = f"pairlists.{index}"
        if not isinstance(entry, Mapping):
            continue  # the schema reports it
        method = entry.get("method")
        handler = HANDLERS.get(method) if isinstance(method, str) else None
        if handler is None:
            available = ", ".join(sorted(HANDLERS))
            errors.append(
                f"{prefix}.method: " + UNKNOWN_METHOD.format(method=method, available=available)
            )
            continue
        if index == 0 and not handler.is_pairlist_generator:
            errors.append(
                f"{prefix}.method: "
                + FIRST_MUST_GENERATE.format(generators=", ".join(generators), method=method)
            )
        errors += check_params(entry, handler.params, prefix)
        problem = lookback_problem(handler, entry)
        if problem:
            errors.append(f"{prefix}: {problem}")
    return errors
