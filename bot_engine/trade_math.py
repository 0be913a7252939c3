"""Money math in one place: trade values and profit, matching Freqtrade's formulas (contract §3.1).

Decimal inside each value (as Freqtrade does, so ``0.1 * 3`` noise does not leak into results),
floats in storage and on the wire; profits are rounded to 8 decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TradeFees:
    open: float
    close: float


def _d(value: float | None) -> Decimal:
    return Decimal(str(value or 0.0)) if not isinstance(value, Decimal) else value


def round8(value: float) -> float:
    """Freqtrade rounds with ``float(f"{x:.8f}")``; the same here for identical results."""
    return float(f"{value:.8f}")


def open_trade_value(amount: float, open_rate: float, fee_open: float, *, is_short: bool) -> float:
    """Stake paid for the position including the entry fee."""
    value = _d(amount) * _d(open_rate)
    fees = value * _d(fee_open)
    return float(value - fees if is_short else value + fees)


def close_trade_value(amount: float, rate: float, fee_close: float, *, is_short: bool) -> float:
    """What closing ``amount`` at ``rate`` returns after the exit fee (spot)."""
    value = _d(amount) * _d(rate)
    fees = value * _d(fee_close)
    return float(value + fees if is_short else value - fees)


def calc_profit(
    *,
    amount: float,
    open_rate: float,
    close_rate: float,
    fee_open: float,
    fee_close: float,
    is_short: bool = False,
    leverage: float = 1.0,
) -> float:
    """Absolute profit of closing ``amount`` at ``close_rate``, rounded to 8 decimals."""
    opened = open_trade_value(amount, open_rate, fee_open, is_short=is_short)
    closed = close_trade_value(amount, close_rate, fee_close, is_short=is_short)
    return round8(opened - closed if is_short else closed - opened)


def profit_ratio(opened: float, closed: float, *, is_short: bool, leverage: float) -> float:
    if not opened:
        return 0.0
    ratio = (1 - closed / opened) if is_short else (closed / opened - 1)
    return round8(ratio * leverage)


def calc_profit_ratio(
    *,
    amount: float,
    open_rate: float,
    close_rate: float,
    fee_open: float,
    fee_close: float,
    is_short: bool = False,
    leverage: float = 1.0,
) -> float:
    """Relative profit of closing ``amount`` at ``close_rate`` (0 when nothing was paid)."""
    opened = open_trade_value(amount, open_rate, fee_open, is_short=is_short)
    closed = close_trade_value(amount, close_rate, fee_close, is_short=is_short)
    return profit_ratio(opened, closed, is_short=is_short, leverage=leverage)


def closed_profit_ratio(profit_abs: float, entry_value: float, *, leverage: float = 1.0) -> float:
    """A closed trade's ``close_profit``: its (rounded) realised profit over what the entries cost
    including fees -- not rounded again, exactly as Freqtrade stores it (contract §3.1)."""
    return profit_abs / entry_value * leverage if entry_value else 0.0


def total_profit_ratio(
    total_profit_abs: float, max_stake_amount: float | None, fee_open: float, *, is_short: bool
) -> float | None:
    """Total profit (realized + open) relative to the largest stake the trade held."""
    if not max_stake_amount:
        return None
    base = max_stake_amount * (1 - fee_open if is_short else 1 + fee_open)
    return round8(total_profit_abs / base)


def stoploss_price(open_rate: float, stoploss: float, *, is_short: bool, leverage: float) -> float:
    """The stop price ``stoploss`` (a negative ratio) away from ``open_rate``."""
    distance = abs(stoploss) / leverage
    return open_rate * (1 + distance if is_short else 1 - distance)


def pct(ratio: float | None) -> float | None:
    """A ratio as a percentage rounded to 2 decimals, keeping -0.0 (contract §0)."""
    return None if ratio is None else round(ratio * 100, 2)
