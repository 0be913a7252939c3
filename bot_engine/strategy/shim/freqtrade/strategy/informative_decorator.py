"""``freqtrade.strategy.informative_decorator``: the ``@informative`` decorator's home name."""

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("informative", "InformativeData"):
        from bot_engine.strategy import informative as module

        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
