"""``merge_informative_pair`` and the stoploss helpers, with Freqtrade's semantics."""

from __future__ import annotations

from bot_engine.strategy.informative import merge_informative_pair


def stoploss_from_open(
    open_relative_stop: float, current_profit: float, is_short: bool = False, leverage: float = 1.0
) -> float:
    """Turn a stop relative to the open rate into one relative to the current rate.

    E.g. keep 7% above open while 10% in profit: ``stoploss_from_open(0.07, 0.10)``.
    Never negative (a stop above the current rate is clamped to 0); 1 for a total loss.
    """
    sign = -1 if is_short else 1
    if current_profit == -1 * sign:
        return 1.0
    ratio = (1 + sign * open_relative_stop / leverage) / (1 + sign * current_profit / leverage)
    stoploss = sign * (1 - ratio)
    return max(stoploss * leverage, 0.0)


def stoploss_from_absolute(
    stop_rate: float, current_rate: float, is_short: bool = False, leverage: float = 1.0
) -> float:
    """Turn an absolute stop price into a stop ratio relative to ``current_rate``."""
    if current_rate == 0:
        return 1.0
    stoploss = 1 - stop_rate / current_rate
    if is_short:
        stoploss = -stoploss
    return max(min(stoploss, 1.0), 0.0) * leverage


__all__ = ["merge_informative_pair", "stoploss_from_absolute", "stoploss_from_open"]
