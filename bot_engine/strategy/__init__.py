"""Strategies: the IStrategy base class, hyperopt parameters and the loader by class name."""

from bot_engine.strategy.base import IStrategy
from bot_engine.strategy.loader import (
    install_freqtrade_shim,
    list_strategies,
    load_strategy,
    strategy_source,
)
from bot_engine.strategy.parameters import (
    BaseParameter,
    BooleanParameter,
    CategoricalParameter,
    DecimalParameter,
    IntParameter,
    RealParameter,
)
from bot_engine.strategy.signals import SIGNAL_COLUMNS, TAG_COLUMNS

__all__ = [
    "SIGNAL_COLUMNS",
    "TAG_COLUMNS",
    "BaseParameter",
    "BooleanParameter",
    "CategoricalParameter",
    "DecimalParameter",
    "IStrategy",
    "IntParameter",
    "RealParameter",
    "install_freqtrade_shim",
    "list_strategies",
    "load_strategy",
    "strategy_source",
]
