"""Trades and orders on the wire (contract §2.2–2.3, §2.9): the declared keys of TradeFull,
TradeBase, TradeOpen and their orders, which drive both the OpenAPI schema and the key order
of the bodies built below (one dict literal per row: a DRF serializer per row would cost more
than the page's queries), and the trade actions' payloads."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.fields import (
    NULL,
    Declared,
    NumberField,
    PositiveNumberField,
    db_integer,
    nullable,
    response_schema,
)
from api.serializers.formats import finite_or_none, format_date, timestamp_ms
from bot_engine.models import Order
from bot_engine.selectors.trade_records import OpenTradeRecord, TradeRecord
from bot_engine.selectors.trades import TradePage

ORDER_BASE_KEYS: tuple[Declared, ...] = (
    ("pair", str, False),
    ("order_id", str, False),
    ("status", str, NULL),
    ("remaining", float, NULL),
    ("amount", float, False),
    ("safe_price", float, False),
    ("cost", float, False),
    ("filled", float, NULL),
    ("ft_order_side", str, False),
    ("order_type", str, NULL),
    ("is_open", bool, False),
    ("order_timestamp", int, NULL),
    ("order_filled_timestamp", int, NULL),
    ("ft_fee_base", float, NULL),
    ("ft_order_tag", str, NULL),
)
ORDER_FULL_KEYS: tuple[Declared, ...] = (
    ("pair", str, False),
    ("order_id", str, False),
    ("status", str, NULL),
    ("amount", float, False),
    ("safe_price", float, False),
    ("average", float, False),
    ("price", float, NULL),
    ("cost", float, False),
    ("filled", float, NULL),
    ("remaining", float, NULL),
    ("ft_order_side", str, False),
    ("ft_is_entry", bool, False),
    ("ft_order_tag", str, NULL),
    ("ft_fee_base", float, NULL),
    ("is_open", bool, False),
    ("order_type", str, NULL),
    ("order_date", str, NULL),
    ("order_timestamp", int, NULL),
    ("order_filled_date", str, NULL),
    ("order_filled_timestamp", int, NULL),
    ("funding_fee", float, NULL),
)
OrderSchema = response_schema("OrderSchema", ORDER_BASE_KEYS, "OrderBase (contract §2.9).")
OrderFullSchema = response_schema("OrderFullSchema", ORDER_FULL_KEYS, "OrderFull (§2.9).")

TRADE_FULL_KEYS: tuple[Declared, ...] = (
    ("trade_id", int, False),
    ("pair", str, False),
    ("base_currency", str, False),
    ("quote_currency", str, False),
    ("is_open", bool, False),
    ("exchange", str, False),
    ("amount", float, False),
    ("amount_requested", float, NULL),
    ("stake_amount", float, False),
    ("max_stake_amount", float, NULL),
    ("strategy", str, False),
    ("enter_tag", str, NULL),
    ("timeframe", int, NULL),
    ("fee_open", float, False),
    ("fee_open_cost", float, NULL),
    ("fee_open_currency", str, NULL),
    ("fee_close", float, False),
    ("fee_close_cost", float, NULL),
    ("fee_close_currency", str, NULL),
    ("open_date", str, False),
    ("open_timestamp", int, False),
    ("open_fill_date", str, NULL),
    ("open_fill_timestamp", int, NULL),
    ("open_rate", float, False),
    ("open_rate_requested", float, NULL),
    ("open_trade_value", float, False),
    ("close_date", str, NULL),
    ("close_timestamp", int, NULL),
    ("realized_profit", float, False),
    ("realized_profit_ratio", float, NULL),
    ("close_rate", float, NULL),
    ("close_rate_requested", float, NULL),
    ("close_profit", float, NULL),
    ("close_profit_pct", float, NULL),
    ("close_profit_abs", float, NULL),
    ("trade_duration_s", int, NULL),
    ("trade_duration", int, NULL),
    ("profit_ratio", float, NULL),
    ("profit_pct", float, NULL),
    ("profit_abs", float, NULL),
    ("exit_reason", str, NULL),
    ("exit_order_status", str, NULL),
    ("stop_loss_abs", float, NULL),
    ("stop_loss_ratio", float, NULL),
    ("stop_loss_pct", float, NULL),
    ("stoploss_last_update", str, NULL),
    ("stoploss_last_update_timestamp", int, NULL),
    ("initial_stop_loss_abs", float, NULL),
    ("initial_stop_loss_ratio", float, NULL),
    ("initial_stop_loss_pct", float, NULL),
    ("min_rate", float, NULL),
    ("max_rate", float, NULL),
    ("leverage", float, False),
    ("interest_rate", float, False),
    ("liquidation_price", float, NULL),
    ("is_short", bool, False),
    ("trading_mode", str, False),
    ("funding_fees", float, NULL),
    ("amount_precision", float, NULL),
    ("price_precision", float, NULL),
    ("precision_mode", int, NULL),
    ("precision_mode_price", int, NULL),
    ("contract_size", float, NULL),
    ("nr_of_successful_entries", int, False),
    ("nr_of_successful_exits", int, False),
    ("has_open_orders", bool, False),
)
# TradeFull keys that TradeBase (and so TradeOpen) leaves out (contract §2.9).
NOT_IN_BASE = ("trade_duration_s", "trade_duration", "precision_mode_price", "contract_size")
TRADE_BASE_KEYS: tuple[Declared, ...] = (
    *(entry for entry in TRADE_FULL_KEYS if entry[0] not in NOT_IN_BASE),
    ("orders", OrderSchema(many=True)),
    ("profit_fiat", float, NULL),
)
# TradeOpen: TradeBase's keys (their values now priced), then these (contract §3.3).
TRADE_OPEN_KEYS: tuple[Declared, ...] = (
    *TRADE_BASE_KEYS,
    ("current_rate", float, NULL),
    ("total_profit_abs", float, False),
    ("total_profit_fiat", float, NULL),
    ("total_profit_ratio", float, NULL),
    ("stoploss_current_dist", float, NULL),
    ("stoploss_current_dist_ratio", float, NULL),
    ("stoploss_current_dist_pct", float, NULL),
    ("stoploss_entry_dist", float, False),
    ("stoploss_entry_dist_ratio", float, False),
)
TradeSchema = response_schema(
    "TradeSchema",
    (*TRADE_FULL_KEYS, ("orders", OrderFullSchema(many=True))),
    "TradeFull: one closed trade of ``/trades`` (contract §2.9).",
)
TradeBaseSchema = response_schema(
    "TradeBaseSchema", TRADE_BASE_KEYS, "TradeBase: the trade ``/forceenter`` opened (§2.9)."
)
OpenTradeSchema = response_schema(
    "OpenTradeSchema", TRADE_OPEN_KEYS, "TradeOpen: a trade with its current profit (§3.3)."
)


def trade_full(record: TradeRecord) -> dict[str, Any]:
    """TradeFull: the raw trade record of ``/trades`` with OrderFull orders."""
    trade = record.trade
    close_profit = trade.close_profit
    close_pct = round(close_profit * 100, 2) if close_profit else None
    duration_s = (trade.close_date - trade.open_date).total_seconds() if trade.close_date else None
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
        "open_fill_date": format_date(record.open_fill_date),
        "open_fill_timestamp": timestamp_ms(record.open_fill_date),
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
        "stoploss_last_update": format_date(record.stoploss_last_update),
        "stoploss_last_update_timestamp": timestamp_ms(record.stoploss_last_update),
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
        "nr_of_successful_entries": record.successful_entries,
        "nr_of_successful_exits": record.successful_exits,
        "has_open_orders": record.has_open_orders,
        "orders": [_order_full(order, record.entry_side) for order in record.orders],
    }


def trade_base(record: TradeRecord) -> dict[str, Any]:
    """TradeBase (forceenter's answer): TradeFull without durations, plus profit_fiat."""
    data = trade_full(record)
    for key in NOT_IN_BASE:
        del data[key]
    data["profit_fiat"] = None  # no fiat converter (contract §3.3)
    data["orders"] = [_order_base(order) for order in record.orders]
    return data


def trade_open(record: OpenTradeRecord) -> dict[str, Any]:
    """TradeOpen (``/status``, ``/trade/{id}``): TradeBase plus the current profit (§3.3)."""
    data = trade_base(record)
    profit_ratio = record.profit_ratio
    current_dist_ratio = record.stoploss_current_dist_ratio
    data.update(
        close_profit=record.trade.close_profit if not record.trade.is_open else None,
        current_rate=finite_or_none(record.current_rate),
        profit_ratio=finite_or_none(profit_ratio),
        profit_pct=finite_or_none(round(profit_ratio * 100, 2)),
        profit_abs=finite_or_none(record.profit_abs),
        profit_fiat=None,
        total_profit_abs=record.total_profit_abs,
        total_profit_fiat=None,
        total_profit_ratio=record.total_profit_ratio,
        stoploss_current_dist=finite_or_none(record.stoploss_current_dist),
        stoploss_current_dist_ratio=finite_or_none(round(current_dist_ratio, 8)),
        stoploss_current_dist_pct=finite_or_none(round(current_dist_ratio * 100, 2)),
        stoploss_entry_dist=record.stoploss_entry_dist,
        stoploss_entry_dist_ratio=round(record.stoploss_entry_dist_ratio, 8),
    )
    return data


def trades_page(page: TradePage) -> dict[str, Any]:
    """``/trades``: one page of TradeFull records and the totals (contract §3.2)."""
    trades = [trade_full(record) for record in page.trades]
    return {
        "trades": trades,
        "trades_count": len(trades),
        "offset": page.offset,
        "total_trades": page.total,
    }


def _order_full(order: Order, entry_side: str) -> dict[str, Any]:
    return {
        "pair": order.ft_pair,
        "order_id": order.order_id,
        "status": order.status,
        "amount": order.amount or order.ft_amount,
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
        "amount": order.amount or order.ft_amount,
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


def _safe_price(order: Order) -> float:
    return order.average or order.price or order.stop_price or order.ft_price


def _split_pair(pair: str) -> tuple[str, str]:
    base, _, quote = pair.partition("/")
    return base, quote.split(":")[0]


class TradeResponseSchema(serializers.Serializer):
    trades = TradeSchema(many=True)
    trades_count = serializers.IntegerField()
    offset = serializers.IntegerField()
    total_trades = serializers.IntegerField()


class TradesQuery(serializers.Serializer):
    limit = db_integer(required=False, default=500, min_value=1)
    offset = db_integer(required=False, default=0, min_value=0)
    order_by_id = serializers.BooleanField(required=False, default=True)


class CountSchema(serializers.Serializer):
    current = serializers.IntegerField()
    max = serializers.IntegerField()
    total_stake = serializers.FloatField()


class DeleteTradeSchema(serializers.Serializer):
    cancel_order_count = serializers.IntegerField()
    result = serializers.CharField()
    result_msg = serializers.CharField()
    trade_id = serializers.IntegerField()


class ForceEnterPayload(serializers.Serializer):
    pair = serializers.CharField()
    side = serializers.ChoiceField(choices=["long", "short"], required=False, default="long")
    price = nullable(PositiveNumberField)
    ordertype = nullable(serializers.ChoiceField, choices=["limit", "market"])
    stakeamount = nullable(PositiveNumberField)
    entry_tag = nullable(serializers.CharField)
    leverage = nullable(NumberField, min_value=1)  # stake = cost / leverage


class ForceEnterErrorSchema(serializers.Serializer):
    status = serializers.CharField()


class ForceExitPayload(serializers.Serializer):
    tradeid = serializers.CharField()
    ordertype = nullable(serializers.ChoiceField, choices=["limit", "market"])
    # A limit price of -1 once closed a trade at -1 and booked a loss larger than the wallet.
    amount = nullable(PositiveNumberField)
    price = nullable(PositiveNumberField)


class ResultMsgSchema(serializers.Serializer):
    result = serializers.CharField()
