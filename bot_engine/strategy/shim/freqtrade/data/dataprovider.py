"""``freqtrade.data.dataprovider``: ``DataProvider``, the class of a strategy's ``self.dp``."""

from typing import Any


def __getattr__(name: str) -> Any:
    # Resolved on first use, so that strategy files naming the class only for type hints
    # do not pull the candle store in when they load.
    if name == "DataProvider":
        from bot_engine.strategy.dataprovider import DataProvider

        return DataProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
