"""The one way the bot calls into strategy code: an error is logged and a default returned.

A strategy is the trader's code; whatever it raises must never stop the engine loop (at replay
speed 0 an aborted iteration would freeze the replay clock for good). Every callback therefore
goes through :func:`call_strategy`, which logs the failure with its traceback and returns
Freqtrade's default for that callback, so the trade goes on as if the callback were not there.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Hashable
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Per strategy instance: (callback, pair) -> the candle its last failure was logged on. A
# callback raising on every 5-second tick of a 5-minute candle would otherwise flood the log.
_logged: weakref.WeakKeyDictionary[Any, dict[tuple, Hashable]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()  # the API thread calls strategies too (pair_history, show_config)


def call_strategy(
    strategy: Any,
    callback: str,
    /,
    *args: Any,
    default: T,
    candle: Hashable | None = None,
    **kwargs: Any,
) -> T:
    """``strategy.<callback>(*args, **kwargs)``, or ``default`` when it raises.

    ``candle`` (the open time of the candle being traded) limits the log to one traceback per
    callback (and pair) per candle; without it every failure is logged.
    """
    try:
        return getattr(strategy, callback)(*args, **kwargs)
    except Exception:
        pair = kwargs.get("pair")
        if _first_failure(strategy, (callback, pair), candle):
            logger.exception(
                "Strategy %s: %s raised%s; using the default (%r) and carrying on",
                _name(strategy),
                callback,
                f" for {pair}" if pair else "",
                default,
            )
        return default


def _first_failure(strategy: Any, key: tuple, candle: Hashable | None) -> bool:
    if candle is None:
        return True
    try:
        with _lock:
            seen = _logged.setdefault(strategy, {})
            if seen.get(key) == candle:
                return False
            seen[key] = candle
            return True
    except TypeError:  # a strategy object that cannot be weakly referenced: log every time
        return True


def _name(strategy: Any) -> str:
    return type(strategy).__name__
