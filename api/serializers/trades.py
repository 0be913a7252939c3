"""Schemas of trades, orders and the trade actions (contract §2.2–2.3, §2.9)."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.fields import NumberField, PositiveNumberField, db_integer, nullable


class OrderSchema(serializers.Serializer):
    pair = serializers.CharField()
    order_id = serializers.CharField()
    status = nullable(serializers.CharField)
    remaining = nullable(serializers.FloatField)
    amount = serializers.FloatField()
    safe_price = serializers.FloatField()
    cost = serializers.FloatField()
    filled = nullable(serializers.FloatField)
    ft_order_side = serializers.CharField()
    order_type = nullable(serializers.CharField)
    is_open = serializers.BooleanField()
    order_timestamp = nullable(serializers.IntegerField)
    order_filled_timestamp = nullable(serializers.IntegerField)
    ft_fee_base = nullable(serializers.FloatField)
    ft_order_tag = nullable(serializers.CharField)


class TradeSchema(serializers.Serializer):
    """TradeFull / TradeBase: one trade record (the key fields; see contract §2.9)."""

    trade_id = serializers.IntegerField()
    pair = serializers.CharField()
    base_currency = serializers.CharField()
    quote_currency = serializers.CharField()
    is_open = serializers.BooleanField()
    is_short = serializers.BooleanField()
    exchange = serializers.CharField()
    strategy = serializers.CharField()
    enter_tag = nullable(serializers.CharField)
    timeframe = serializers.IntegerField()
    amount = serializers.FloatField()
    stake_amount = serializers.FloatField()
    open_date = serializers.CharField()
    open_timestamp = serializers.IntegerField()
    open_rate = serializers.FloatField()
    close_date = nullable(serializers.CharField)
    close_timestamp = nullable(serializers.IntegerField)
    close_rate = nullable(serializers.FloatField)
    close_profit = nullable(serializers.FloatField)
    close_profit_abs = nullable(serializers.FloatField)
    profit_ratio = nullable(serializers.FloatField)
    profit_pct = nullable(serializers.FloatField)
    profit_abs = nullable(serializers.FloatField)
    exit_reason = nullable(serializers.CharField)
    stop_loss_abs = nullable(serializers.FloatField)
    stop_loss_pct = nullable(serializers.FloatField)
    has_open_orders = serializers.BooleanField()
    orders = OrderSchema(many=True)


class OpenTradeSchema(TradeSchema):
    """TradeOpen: a trade with its current (unrealised) profit."""

    current_rate = nullable(serializers.FloatField)
    total_profit_abs = serializers.FloatField()
    total_profit_ratio = nullable(serializers.FloatField)
    stoploss_current_dist = nullable(serializers.FloatField)
    stoploss_current_dist_ratio = nullable(serializers.FloatField)
    stoploss_current_dist_pct = nullable(serializers.FloatField)


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
