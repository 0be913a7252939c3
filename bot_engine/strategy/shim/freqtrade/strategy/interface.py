"""``freqtrade.strategy.interface``: the strategy base class, for files importing it here."""

from bot_engine.strategy.base import IStrategy

__all__ = ["IStrategy"]
