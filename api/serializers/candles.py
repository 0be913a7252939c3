"""Schemas of candles, strategies and markets (contract §2.5)."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.fields import nullable
from bot_engine.config.schema import TIMEFRAMES


def timeframe_field() -> serializers.ChoiceField:
    """A timeframe the data layer knows ("5m", "1h", ...); anything else is a 422."""
    return serializers.ChoiceField(choices=TIMEFRAMES)


class PairCandlesQuery(serializers.Serializer):
    pair = serializers.CharField()
    timeframe = timeframe_field()
    limit = serializers.IntegerField(required=False, min_value=1)


class PairCandlesRequest(PairCandlesQuery):
    limit = nullable(serializers.IntegerField, min_value=1)
    columns = nullable(serializers.ListField, child=serializers.CharField())


class PairHistoryQuery(serializers.Serializer):
    pair = serializers.CharField()
    timeframe = timeframe_field()
    strategy = serializers.CharField()
    timerange = serializers.CharField(required=False)
    freqaimodel = serializers.CharField(required=False)


class PairHistoryRequest(serializers.Serializer):
    pair = serializers.CharField()
    timeframe = timeframe_field()
    timerange = nullable(serializers.CharField)
    strategy = serializers.CharField()
    freqaimodel = nullable(serializers.CharField)
    columns = nullable(serializers.ListField, child=serializers.CharField())
    live_mode = serializers.BooleanField(required=False, default=False)


class PairHistorySchema(serializers.Serializer):
    strategy = serializers.CharField()
    pair = serializers.CharField()
    timeframe = serializers.CharField()
    timeframe_ms = serializers.IntegerField()
    columns = serializers.ListField(child=serializers.CharField())
    all_columns = serializers.ListField(child=serializers.CharField())
    data = serializers.ListField(child=serializers.ListField())
    length = serializers.IntegerField()
    buy_signals = serializers.IntegerField()
    sell_signals = serializers.IntegerField()
    enter_long_signals = serializers.IntegerField()
    exit_long_signals = serializers.IntegerField()
    enter_short_signals = serializers.IntegerField()
    exit_short_signals = serializers.IntegerField()
    last_analyzed = serializers.CharField()
    last_analyzed_ts = serializers.IntegerField()
    data_start_ts = serializers.IntegerField()
    data_start = serializers.CharField()
    data_stop = serializers.CharField()
    data_stop_ts = serializers.IntegerField()
    annotations = nullable(serializers.ListField)


class PlotConfigQuery(serializers.Serializer):
    strategy = serializers.CharField(required=False)


class PlotConfigSchema(serializers.Serializer):
    main_plot = serializers.DictField(required=False)
    subplots = serializers.DictField(required=False)


class StrategyListSchema(serializers.Serializer):
    strategies = serializers.ListField(child=serializers.CharField())


class StrategySchema(serializers.Serializer):
    strategy = serializers.CharField()
    code = serializers.CharField()
    timeframe = nullable(serializers.CharField)
    params = serializers.ListField(child=serializers.DictField())


class AvailablePairsQuery(serializers.Serializer):
    timeframe = serializers.CharField(required=False)
    stake_currency = serializers.CharField(required=False)
    candletype = serializers.CharField(required=False)


class AvailablePairsSchema(serializers.Serializer):
    length = serializers.IntegerField()
    pairs = serializers.ListField(child=serializers.CharField())
    pair_interval = serializers.ListField(child=serializers.ListField())


class MarketsQuery(serializers.Serializer):
    base = serializers.CharField(required=False)
    quote = serializers.CharField(required=False)
    include_inactive = serializers.BooleanField(required=False, default=False)
    exchange = serializers.CharField(required=False)
    trading_mode = serializers.CharField(required=False)
    margin_mode = serializers.CharField(required=False)


class MarketsSchema(serializers.Serializer):
    markets = serializers.DictField(child=serializers.DictField())
    exchange_id = serializers.CharField()
