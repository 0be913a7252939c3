"""One trade as the API shows it: TradeFull (/trades), TradeOpen (/status, /trade/{id}), TradeBase.

Plain dicts with the exact 2026.9 key sets (contract §2.9); the formulas of §3.1 and §3.3.
``orders`` is the trade's Order rows; only filled or open orders are shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from bot_engine import trade_math
from bot_engine.exchange import precision as precision_rules
from bot_engine.models import Order, Trade
from bot_engine.selectors.frames import FINAL_ORDER_STATUSES, format_date, timestamp_ms

# TradeFull keys that TradeBase (and so TradeOpen) leaves out (contract §2.9).
_NOT_IN_BASE = ("trade_duration_s", "trade_duration", "precision_mode_price", "contract_size")


def visible_orders(orders: Iterable[Order]) -> list[Order]:
    """Filled orders in a final state plus open orders (Freqtrade's filled-or-open filter)."""
    return [
        order
        for order in sorted(orders, key=lambda o: o.pk or 0)
        if (
            not order.ft_is_open
            and (order.filled or 0) > 0
            and order.status in FINAL_ORDER_STATUSES
        )
        or (order.ft_is_open and order.status is not None)
    ]


def trade_full(trade: Trade, orders: Iterable[Order]) -> dict[str, Any]:
    """TradeFull: the raw trade record of ``/trades`` with OrderFull orders."""
    orders = list(orders)
    entry_side = _entry_side(trade)
    exit_side = "buy" if trade.is_short else "sell"
    filled_entries = _filled(orders, entry_side)
    entry_fills = [o.order_filled_date for o in filled_entries if o.order_filled_date]
    open_fill = min(entry_fills) if entry_fills else None
    open_stoplosses = [o for o in orders if o.ft_is_open and o.ft_order_side == "stoploss"]
    stoploss_update = (
        max(o.order_date for o in open_stoplosses if o.order_date)
        if any(o.order_date for o in open_stoplosses)
        else None
    )
    duration_s = (trade.close_date - trade.open_date).total_seconds() if trade.close_date else None
    close_profit = trade.close_profit
    close_pct = round(close_profit * 100, 2) if close_profit else None
    return {
        "trade_id": trade.trade_id,
        "pair": trade.pair,
        "base_currency": trade.base_currency or _split_pair(trade.pair)[0],
        "quote_currency": trade.stake_currency or _split_pair(trade.pair)[1],
        "is_open": trade.is_open,
        "exchange": trade.exchange,
        "amount": round(trade.amount, 8),
        "amount_requested": round(trade.amount_requested, 8) if trade.amount_requested else None,
        "stake_amount": round(trade.stake_amount, 8),
        "max_stake_amount": round(trade.max_stake_amount, 8) if trade.max_stake_amount else None,
        "strategy": trade.strategy,
        "enter_tag": trade.enter_tag,
        "timeframe": trade.timeframe,
        "fee_open": trade.fee_open,
        "fee_open_cost": trade.fee_open_cost,
        "fee_open_currency": trade.fee_open_currency,
        "fee_close": trade.fee_close,
        "fee_close_cost": trade.fee_close_cost,
        "fee_close_currency": trade.fee_close_currency,
        "open_date": format_date(trade.open_date),
        "open_timestamp": timestamp_ms(trade.open_date),
        "open_fill_date": format_date(open_fill),
        "open_fill_timestamp": timestamp_ms(open_fill),
        "open_rate": trade.open_rate,
        "open_rate_requested": trade.open_rate_requested,
        "open_trade_value": round(trade.open_trade_value, 8),
        "close_date": format_date(trade.close_date),
        "close_timestamp": timestamp_ms(trade.close_date),
        "realized_profit": trade.realized_profit or 0.0,
        "realized_profit_ratio": close_profit or None,
        "close_rate": trade.close_rate,
        "close_rate_requested": trade.close_rate_requested,
        "close_profit": close_profit,
        "close_profit_pct": close_pct,
        "close_profit_abs": trade.close_profit_abs,
        "trade_duration_s": int(duration_s) if duration_s is not None else None,
        "trade_duration": int(duration_s // 60) if duration_s is not None else None,
        "profit_ratio": close_profit,
        "profit_pct": close_pct,
        "profit_abs": trade.close_profit_abs,
        "exit_reason": trade.exit_reason,
        "exit_order_status": trade.exit_order_status,
        "stop_loss_abs": trade.stop_loss,
        "stop_loss_ratio": trade.stop_loss_pct or None,
        "stop_loss_pct": trade.stop_loss_pct * 100 if trade.stop_loss_pct else None,
        "stoploss_last_update": format_date(stoploss_update),
        "stoploss_last_update_timestamp": timestamp_ms(stoploss_update),
        "initial_stop_loss_abs": trade.initial_stop_loss,
        "initial_stop_loss_ratio": trade.initial_stop_loss_pct or None,
        "initial_stop_loss_pct": (
            trade.initial_stop_loss_pct * 100 if trade.initial_stop_loss_pct else None
        ),
        "min_rate": trade.min_rate,
        "max_rate": trade.max_rate,
        "leverage": trade.leverage,
        "interest_rate": trade.interest_rate,
        "liquidation_price": trade.liquidation_price,
        "is_short": trade.is_short,
        "trading_mode": trade.trading_mode,
        "funding_fees": trade.funding_fees,
        "amount_precision": trade.amount_precision,
        "price_precision": trade.price_precision,
        "precision_mode": trade.precision_mode,
        "precision_mode_price": trade.precision_mode_price,
        "contract_size": trade.contract_size,
        "nr_of_successful_entries": len(filled_entries),
        "nr_of_successful_exits": len(_filled(orders, exit_side)),
        "has_open_orders": any(o.ft_is_open and o.ft_order_side != "stoploss" for o in orders),
        "orders": [_order_full(o, entry_side) for o in visible_orders(orders)],
    }


def trade_base(trade: Trade, orders: Iterable[Order]) -> dict[str, Any]:
    """TradeBase (forceenter's answer): TradeFull without durations, plus profit_fiat."""
    orders = list(orders)
    data = trade_full(trade, orders)
    for key in _NOT_IN_BASE:
        del data[key]
    data["profit_fiat"] = None  # no fiat converter (contract §3.3)
    data["orders"] = [_order_base(o) for o in visible_orders(orders)]
    return data


def trade_open(trade: Trade, orders: Iterable[Order], *, current_rate: float | None) -> dict:
    """TradeOpen (``/status``, ``/trade/{id}``): TradeBase plus current profit (contract §3.3).

    ``current_rate`` is the exit-side price now (ignored for a closed trade, which uses its
    close rate); None or NaN when the price is unavailable, which makes the profit fields null.
    """
    orders = list(orders)
    data = trade_base(trade, orders)
    total_profit_abs = 0.0
    total_profit_ratio: float | None = None
    if trade.is_open:
        rate = math.nan if current_rate is None else float(current_rate)
        if _filled(orders, _entry_side(trade)):
            profit_ratio = profit_abs = math.nan
            if not math.isnan(rate):
                profit_abs, profit_ratio = profit_at(trade, rate)
                total_profit_abs = profit_abs + (trade.realized_profit or 0.0)
                total_profit_ratio = trade_math.total_profit_ratio(
                    total_profit_abs,
                    trade.max_stake_amount,
                    trade.fee_open,
                    is_short=trade.is_short,
                )
        else:
            profit_ratio = profit_abs = 0.0
    else:
        rate = trade.close_rate or 0.0
        profit_ratio = trade.close_profit or 0.0
        profit_abs = trade.close_profit_abs or 0.0

    entry_dist, entry_dist_ratio = profit_at(trade, trade.stop_loss)
    current_dist = current_dist_ratio = math.nan
    if rate and not math.isnan(rate):
        current_dist = price_to_precision(
            trade.stop_loss - rate, trade.price_precision, trade.precision_mode_price
        )
        current_dist_ratio = current_dist / rate
    data.update(
        close_profit=trade.close_profit if not trade.is_open else None,
        current_rate=_none_if_nan(rate),
        profit_ratio=_none_if_nan(profit_ratio),
        profit_pct=_none_if_nan(round(profit_ratio * 100, 2)),
        profit_abs=_none_if_nan(profit_abs),
        profit_fiat=None,
        total_profit_abs=total_profit_abs,
        total_profit_fiat=None,
        total_profit_ratio=total_profit_ratio,
        stoploss_current_dist=_none_if_nan(current_dist),
        stoploss_current_dist_ratio=_none_if_nan(round(current_dist_ratio, 8)),
        stoploss_current_dist_pct=_none_if_nan(round(current_dist_ratio * 100, 2)),
        stoploss_entry_dist=entry_dist,
        stoploss_entry_dist_ratio=round(entry_dist_ratio, 8),
    )
    return data


def profit_at(trade: Trade, rate: float) -> tuple[float, float]:
    """(profit_abs, profit_ratio) of closing the whole position at ``rate`` (contract §3.1).

    Measured against the stored ``open_trade_value``, as Freqtrade does.
    """
    close_value = trade_math.close_trade_value(
        trade.amount, rate, trade.fee_close, is_short=trade.is_short
    )
    if trade.trading_mode == "futures":
        funding = trade.funding_fees or 0.0
        close_value = close_value - funding if trade.is_short else close_value + funding
    opened = trade.open_trade_value
    profit_abs = opened - close_value if trade.is_short else close_value - opened
    ratio = trade_math.profit_ratio(
        opened, close_value, is_short=trade.is_short, leverage=trade.leverage or 1.0
    )
    return trade_math.round8(profit_abs), ratio


def price_to_precision(price: float, precision: float | None, mode: int | None) -> float:
    """ccxt's ``decimal_to_precision(ROUND)``: nearest tick (or decimals), ties away from 0."""
    if math.isnan(price):
        return price
    return precision_rules.price_to_precision(price, precision, mode)


def _order_full(order: Order, entry_side: str) -> dict[str, Any]:
    return {
        "pair": order.ft_pair,
        "order_id": order.order_id,
        "status": order.status,
        "amount": _safe_amount(order),
        "safe_price": _safe_price(order),
        "average": round(order.average, 8) if order.average else 0,
        "price": order.price,
        "cost": order.cost if order.cost else 0,
        "filled": order.filled,
        "remaining": order.remaining,
        "ft_order_side": order.ft_order_side,
        "ft_is_entry": order.ft_order_side == entry_side,
        "ft_order_tag": order.ft_order_tag,
        "ft_fee_base": order.ft_fee_base,
        "is_open": order.ft_is_open,
        "order_type": order.order_type,
        "order_date": format_date(order.order_date),
        "order_timestamp": timestamp_ms(order.order_date),
        "order_filled_date": format_date(order.order_filled_date),
        "order_filled_timestamp": timestamp_ms(order.order_filled_date),
        "funding_fee": order.funding_fee,
    }


def _order_base(order: Order) -> dict[str, Any]:
    return {
        "pair": order.ft_pair,
        "order_id": order.order_id,
        "status": order.status,
        "remaining": order.remaining,
        "amount": _safe_amount(order),
        "safe_price": _safe_price(order),
        "cost": order.cost if order.cost else 0,
        "filled": order.filled,
        "ft_order_side": order.ft_order_side,
        "order_type": order.order_type,
        "is_open": order.ft_is_open,
        "order_timestamp": timestamp_ms(order.order_date),
        "order_filled_timestamp": timestamp_ms(order.order_filled_date),
        "ft_fee_base": order.ft_fee_base,
        "ft_order_tag": order.ft_order_tag,
    }


def _filled(orders: list[Order], side: str) -> list[Order]:
    return [
        o
        for o in orders
        if o.ft_order_side == side
        and not o.ft_is_open
        and o.filled
        and o.status in FINAL_ORDER_STATUSES
    ]


def _entry_side(trade: Trade) -> str:
    return "sell" if trade.is_short else "buy"


def _safe_amount(order: Order) -> float:
    return order.amount or order.ft_amount


def _safe_price(order: Order) -> float:
    return order.average or order.price or order.stop_price or order.ft_price


def _split_pair(pair: str) -> tuple[str, str]:
    base, _, quote = pair.partition("/")
    return base, quote.split(":")[0]


def _none_if_nan(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value
