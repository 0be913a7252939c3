"""Money math in one place: trade values and profit, matching Freqtrade's formulas (contract §3.1).

Decimal inside each value (as Freqtrade does, so ``0.1 * 3`` noise does not leak into results),
floats in storage and on the wire; profits are rounded to 8 decimals. The stake wallet's formula
(contract §3.14) is here too; statistics over many trades are in ``trade_stats``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot_engine.config.model import BotConfig


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


class Position(Protocol):
    """What ``open_profit`` reads of a trade (a ``Trade`` row or a ``values()`` row)."""

    amount: float
    open_trade_value: float
    fee_close: float
    is_short: bool
    leverage: float | None
    trading_mode: str
    funding_fees: float | None


def open_profit(trade: Position, rate: float) -> tuple[float, float]:
    """(profit_abs, profit_ratio) of closing the whole position at ``rate`` (contract §3.1).

    Measured against the stored ``open_trade_value``, as Freqtrade does.
    """
    close_value = close_trade_value(trade.amount, rate, trade.fee_close, is_short=trade.is_short)
    if trade.trading_mode == "futures":
        funding = trade.funding_fees or 0.0
        close_value = close_value - funding if trade.is_short else close_value + funding
    opened = trade.open_trade_value
    profit_abs = opened - close_value if trade.is_short else close_value - opened
    leverage = trade.leverage or 1.0
    ratio = profit_ratio(opened, close_value, is_short=trade.is_short, leverage=leverage)
    return round8(profit_abs), ratio


def stoploss_price(open_rate: float, stoploss: float, *, is_short: bool, leverage: float) -> float:
    """The stop price ``stoploss`` (a negative ratio) away from ``open_rate``."""
    distance = abs(stoploss) / leverage
    return open_rate * (1 + distance if is_short else 1 - distance)


def pct(ratio: float | None) -> float | None:
    """A ratio as a percentage rounded to 2 decimals, keeping -0.0 (contract §0)."""
    return None if ratio is None else round(ratio * 100, 2)


@dataclass(frozen=True)
class StakeWallet:
    free: float  # stake currency not in any trade
    used: float  # stake of entry orders still open on the exchange
    open_stakes: float  # Σ stake_amount of open trades
    closed_profit: float  # Σ close_profit_abs of closed trades
    realized_open: float  # Σ realized_profit of open trades (partial exits)
    total_stake_amount: float  # what the bot may trade with (tradable_balance_ratio applied)

    @property
    def available_stake(self) -> float:
        return max(0.0, min(self.total_stake_amount - self.open_stakes, self.free))


def wallet_from_sums(
    config: BotConfig,
    *,
    closed_profit: float,
    open_stakes: float,
    realized_open: float,
    pending: float,
) -> StakeWallet:
    """The wallet formula (contract §3.14), in one place for every caller."""
    free = config.dry_run_wallet + closed_profit + realized_open
    free -= open_stakes
    if config.available_capital:
        total = config.available_capital + closed_profit
    else:
        total = (free + open_stakes) * config.tradable_balance_ratio
    return StakeWallet(
        free=free,
        used=pending,
        open_stakes=open_stakes,
        closed_profit=closed_profit,
        realized_open=realized_open,
        total_stake_amount=total,
    )


def pending_entry_stake(orders: Iterable[tuple[float, float, float | None]]) -> float:
    """Stake reserved by open entry orders, from (ft_amount, ft_price, filled): the wallet's
    ``used``. Summed left to right in the order given."""
    return sum((amount - (filled or 0.0)) * price for amount, price, filled in orders)


def starting_balance(config: BotConfig, wallet: StakeWallet) -> float:
    """Freqtrade's starting balance (contract §3.4): available_capital, else the wallet's
    (free − Σ closed profit + Σ open stakes) · tradable_balance_ratio."""
    if config.available_capital is not None:
        return float(config.available_capital)
    return (wallet.free - wallet.closed_profit + wallet.open_stakes) * config.tradable_balance_ratio


def stop_price_on_tick(price: float, tick: float | None) -> float:
    """A long stop price moved *up* onto the market's tick (never below the wanted stop), as
    Freqtrade stores stops; a price already on the tick is returned unchanged."""
    if tick is None or price != price:
        return price
    step = Decimal(repr(float(tick)))
    value = Decimal(repr(float(price)))
    missing = value % step
    if missing == 0:
        return price
    return round(float(str(value - missing + step)), 14)


def roi_entry(
    minimal_roi: Mapping[int, float], minutes_open: int
) -> tuple[int | None, float | None]:
    """The ``minimal_roi`` step in force after ``minutes_open`` minutes: (its key, its ratio)."""
    keys = [key for key in minimal_roi if key <= minutes_open]
    if not keys:
        return None, None
    key = max(keys)
    return key, minimal_roi[key]


@dataclass(frozen=True)
class PositionFromFills:
    """A position rebuilt from its filled orders (Freqtrade's average-price bookkeeping)."""

    amount: float  # held now
    open_rate: float  # amount-weighted average of the entries (exits do not change it)
    realized_profit: float  # Σ profit of the partial exits, each against the average then
    max_stake: float  # the largest stake the position ever held
    entries: int  # filled entry orders


def position_from_fills(
    fills: Iterable[tuple[bool, float, float]], *, fee_open: float, fee_close: float
) -> PositionFromFills:
    """Replay ``(is_entry, amount, price)`` fills in order: entries average the open rate,
    partial exits realise profit against the average in force and shrink the amount."""
    amount = Decimal(0)
    cost = Decimal(0)  # amount × average, without fees
    realized = 0.0
    max_stake = 0.0
    entries = 0
    for is_entry, filled, price in fills:
        if not filled:
            continue
        if is_entry:
            entries += 1
            amount += _d(filled)
            cost += _d(filled) * _d(price)
            max_stake = max(max_stake, float(cost))
            continue
        if not amount:
            continue
        average = cost / amount
        sold = min(_d(filled), amount)
        realized += calc_profit(
            amount=float(sold),
            open_rate=float(average),
            close_rate=price,
            fee_open=fee_open,
            fee_close=fee_close,
        )
        amount -= sold
        cost = amount * average
    open_rate = float(cost / amount) if amount else 0.0
    return PositionFromFills(
        amount=float(amount),
        open_rate=open_rate,
        realized_profit=round8(realized),
        max_stake=max_stake,
        entries=entries,
    )


def roi_exit_rate(
    *,
    amount: float,
    open_rate: float,
    fee_open: float,
    fee_close: float,
    roi: float,
    leverage: float = 1.0,
) -> float:
    """The (long, spot) exit price at which the profit ratio, fees included, equals ``roi``:
    where a backtest fills an ROI exit inside the candle."""
    opened = open_trade_value(amount, open_rate, fee_open, is_short=False)
    at_zero = close_trade_value(amount, 0.0, fee_close, is_short=False)
    at_one = close_trade_value(amount, 1.0, fee_close, is_short=False)
    return ((1.0 + roi / leverage) * opened - at_zero) / (at_one - at_zero)


def stop_on_tick(price: float, tick: float | None, mode: int | None) -> float:
    """A long stop put on the market's price grid, rounded up (toward the price), as
    Freqtrade places a stop: ``3.1824e-05`` on a 1e-8 tick is ``3.183e-05``. Tick-size markets
    only (ccxt's mode 4); any other grid leaves the price as it is."""
    if not tick or mode != 4 or not price:
        return price
    return stop_price_on_tick(price, tick)
