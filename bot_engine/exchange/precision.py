"""Prices and amounts on a market's grid, the way ccxt's ``decimal_to_precision`` does it.

Decimal string arithmetic, so 3.3950000000000005e-05 on a 1e-8 tick becomes 3.395e-05 and not
another float next to it. Prices round to the nearest step (ties away from zero, ccxt's
``ROUND``); amounts truncate toward zero (``TRUNCATE``), so an order never exceeds its stake.
Plain Python: only ``ccxt_exchange.py`` may import ccxt, and every exchange needs this.
"""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, InvalidOperation

# ccxt's precision modes (the values ``Market.precision_mode`` and the trade rows store).
DECIMAL_PLACES = 2  # precision = number of decimals
SIGNIFICANT_DIGITS = 3  # precision = number of significant digits
TICK_SIZE = 4  # precision = the step itself, e.g. 1e-8

# Room for the quotient of a large value by a tiny step; never the thread's own context.
_CONTEXT = Context(prec=60)


def price_to_precision(price: float, precision: float | None, mode: int | None) -> float:
    """``price`` rounded to the nearest step of the market (unchanged if it has none)."""
    return _to_precision(price, precision, mode, rounding=ROUND_HALF_UP)


def amount_to_precision(amount: float, precision: float | None, mode: int | None) -> float:
    """``amount`` truncated to the market's step (unchanged if it has none)."""
    return _to_precision(amount, precision, mode, rounding=ROUND_DOWN)


def _to_precision(value: float, precision: float | None, mode: int | None, *, rounding: str):
    if precision is None or mode is None or not math.isfinite(value):
        return value
    # repr is the shortest string that reads back as the same float: ccxt's str(n).
    number = Decimal(repr(value))
    try:
        if mode == TICK_SIZE:
            step = Decimal(repr(float(precision)))
            if step <= 0:
                return value
            steps = _CONTEXT.divide(number, step).quantize(
                Decimal(1), rounding=rounding, context=_CONTEXT
            )
            result = _CONTEXT.multiply(steps, step)
        elif mode == SIGNIFICANT_DIGITS:
            if number == 0 or precision < 1:
                return value
            exponent = number.adjusted() - int(precision) + 1
            result = number.quantize(Decimal(1).scaleb(exponent), rounding, _CONTEXT)
        else:  # DECIMAL_PLACES, ccxt's default mode
            result = number.quantize(Decimal(1).scaleb(-int(precision)), rounding, _CONTEXT)
    except InvalidOperation:  # more digits than even 60 places hold: leave it be
        return value
    return float(result)
