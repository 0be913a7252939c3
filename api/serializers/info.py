"""Schemas of the info endpoints: ping, version, show_config, logs, sysinfo, health, edge."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.fields import nullable


class PingSchema(serializers.Serializer):
    status = serializers.CharField()


class VersionSchema(serializers.Serializer):
    version = serializers.CharField()


class StatusMsgSchema(serializers.Serializer):
    status = serializers.CharField()


class ShowConfigSchema(serializers.Serializer):
    version = serializers.CharField()
    strategy_version = nullable(serializers.CharField)
    api_version = serializers.FloatField()
    dry_run = serializers.BooleanField()
    trading_mode = serializers.CharField()
    margin_mode = serializers.CharField()
    short_allowed = serializers.BooleanField()
    stake_currency = serializers.CharField()
    stake_amount = serializers.CharField()
    available_capital = nullable(serializers.FloatField)
    stake_currency_decimals = serializers.IntegerField()
    max_open_trades = serializers.FloatField()
    minimal_roi = serializers.DictField(child=serializers.FloatField())
    stoploss = nullable(serializers.FloatField)
    stoploss_on_exchange = serializers.BooleanField()
    trailing_stop = nullable(serializers.BooleanField)
    trailing_stop_positive = nullable(serializers.FloatField)
    trailing_stop_positive_offset = nullable(serializers.FloatField)
    trailing_only_offset_is_reached = nullable(serializers.BooleanField)
    unfilledtimeout = serializers.DictField(allow_null=True)
    order_types = serializers.DictField(allow_null=True)
    use_custom_stoploss = nullable(serializers.BooleanField)
    timeframe = nullable(serializers.CharField)
    timeframe_ms = serializers.IntegerField()
    timeframe_min = serializers.IntegerField()
    exchange = serializers.CharField()
    strategy = nullable(serializers.CharField)
    force_entry_enable = serializers.BooleanField()
    exit_pricing = serializers.DictField()
    entry_pricing = serializers.DictField()
    bot_name = serializers.CharField()
    state = serializers.CharField()
    runmode = serializers.CharField()
    position_adjustment_enable = serializers.BooleanField()
    max_entry_position_adjustment = serializers.IntegerField()
    demo_trading = serializers.BooleanField()


class LogsQuery(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=0)


class LogsSchema(serializers.Serializer):
    log_count = serializers.IntegerField()
    logs = serializers.ListField(child=serializers.ListField())


class SysInfoSchema(serializers.Serializer):
    cpu_pct = serializers.ListField(child=serializers.FloatField())
    ram_pct = serializers.FloatField()


class HealthSchema(serializers.Serializer):
    last_process = nullable(serializers.CharField)
    last_process_ts = nullable(serializers.IntegerField)
    bot_start = nullable(serializers.CharField)
    bot_start_ts = nullable(serializers.IntegerField)
    bot_startup = nullable(serializers.CharField)
    bot_startup_ts = nullable(serializers.IntegerField)


class EdgePairSchema(serializers.Serializer):
    """One ``/edge`` row: a pair Edge accepted, at its best stoploss (Freqtrade's keys)."""

    Pair = serializers.CharField()
    Winrate = serializers.FloatField()
    Expectancy = nullable(serializers.FloatField)  # null (inf) when no simulated trade lost
    Stoploss = serializers.FloatField()
    RiskRewardRatio = nullable(serializers.FloatField)
    RequiredRiskRewardRatio = serializers.FloatField()
    NbTrades = serializers.IntegerField()
    AvgTradeDuration = serializers.FloatField()
