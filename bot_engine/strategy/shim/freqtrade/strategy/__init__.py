"""``freqtrade.strategy``: what Freqtrade strategy files import, backed by Tradeplane.

The names are Freqtrade 2026.9's ``freqtrade.strategy`` exports; ``Trade``, ``Order`` and
``PairLocks`` read the running bot's rows (``bot_engine/strategy/persistence.py``).
"""

from typing import Any

from bot_engine.strategy.base import IStrategy
from bot_engine.strategy.parameters import (
    BaseParameter,
    BooleanParameter,
    CategoricalParameter,
    DecimalParameter,
    IntParameter,
    RealParameter,
)
from freqtrade.exchange import (
    timeframe_to_minutes,
    timeframe_to_msecs,
    timeframe_to_next_date,
    timeframe_to_prev_date,
    timeframe_to_seconds,
)
from freqtrade.ft_types import AnnotationType
from freqtrade.persistence import Order, PairLocks, Trade
from freqtrade.strategy.strategy_helper import (
    merge_informative_pair,
    stoploss_from_absolute,
    stoploss_from_open,
)


def __getattr__(name: str) -> Any:
    # The @informative decorator lives with the engine's informative-pair support; imported on
    # first use so this package loads without importing the data layer.
    if name == "informative":
        from bot_engine.strategy.informative import informative

        return informative
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AnnotationType",
    "BaseParameter",
    "BooleanParameter",
    "CategoricalParameter",
    "DecimalParameter",
    "IStrategy",
    "IntParameter",
    "Order",
    "PairLocks",
    "RealParameter",
    "Trade",
    "informative",
    "merge_informative_pair",
    "stoploss_from_absolute",
    "stoploss_from_open",
    "timeframe_to_minutes",
    "timeframe_to_msecs",
    "timeframe_to_next_date",
    "timeframe_to_prev_date",
    "timeframe_to_seconds",
]
