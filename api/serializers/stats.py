"""Schemas of the statistics endpoints: profit, performance, time units, stats, balance."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.fields import nullable


class ProfitSchema(serializers.Serializer):
    profit_closed_coin = serializers.FloatField()
    profit_closed_percent_mean = serializers.FloatField()
    profit_closed_ratio_mean = serializers.FloatField()
    profit_closed_percent_sum = serializers.FloatField()
    profit_closed_ratio_sum = serializers.FloatField()
    profit_closed_percent = serializers.FloatField()
    profit_closed_ratio = serializers.FloatField()
    profit_closed_fiat = serializers.FloatField()
    profit_all_coin = serializers.FloatField()
    profit_all_percent_mean = serializers.FloatField()
    profit_all_ratio_mean = serializers.FloatField()
    profit_all_percent_sum = serializers.FloatField()
    profit_all_ratio_sum = serializers.FloatField()
    profit_all_percent = serializers.FloatField()
    profit_all_ratio = serializers.FloatField()
    profit_all_fiat = serializers.FloatField()
    trade_count = serializers.IntegerField()
    closed_trade_count = serializers.IntegerField()
    first_trade_date = serializers.CharField()
    first_trade_humanized = serializers.CharField()
    first_trade_timestamp = serializers.IntegerField()
    latest_trade_date = serializers.CharField()
    latest_trade_humanized = serializers.CharField()
    latest_trade_timestamp = serializers.IntegerField()
    avg_duration = serializers.CharField()
    best_pair = serializers.CharField()
    best_rate = serializers.FloatField()
    best_pair_profit_ratio = serializers.FloatField()
    best_pair_profit_abs = serializers.FloatField()
    winning_trades = serializers.IntegerField()
    losing_trades = serializers.IntegerField()
    profit_factor = nullable(serializers.FloatField)
    winrate = serializers.FloatField()
    expectancy = serializers.FloatField()
    expectancy_ratio = serializers.FloatField()
    sharpe = serializers.FloatField()
    sortino = serializers.FloatField()
    sqn = serializers.FloatField()
    calmar = serializers.FloatField()
    cagr = serializers.FloatField()
    max_drawdown = serializers.FloatField()
    max_drawdown_abs = serializers.FloatField()
    max_drawdown_start = serializers.CharField()
    max_drawdown_start_timestamp = serializers.IntegerField()
    max_drawdown_end = serializers.CharField()
    max_drawdown_end_timestamp = serializers.IntegerField()
    current_drawdown = serializers.FloatField()
    current_drawdown_abs = serializers.FloatField()
    current_drawdown_high = serializers.FloatField()
    current_drawdown_start = serializers.CharField()
    current_drawdown_start_timestamp = serializers.IntegerField()
    trading_volume = serializers.FloatField()
    bot_start_timestamp = serializers.IntegerField()
    bot_start_date = serializers.CharField()


class ProfitAllSchema(serializers.Serializer):
    all = ProfitSchema()
    long = ProfitSchema(allow_null=True)
    short = ProfitSchema(allow_null=True)


class PerformanceEntrySchema(serializers.Serializer):
    pair = serializers.CharField()
    profit = serializers.FloatField()
    profit_ratio = serializers.FloatField()
    profit_pct = serializers.FloatField()
    profit_abs = serializers.FloatField()
    count = serializers.IntegerField()


class EntrySchema(serializers.Serializer):
    enter_tag = serializers.CharField()
    profit_ratio = serializers.FloatField()
    profit_pct = serializers.FloatField()
    profit_abs = serializers.FloatField()
    count = serializers.IntegerField()


class ExitSchema(serializers.Serializer):
    exit_reason = serializers.CharField()
    profit_ratio = serializers.FloatField()
    profit_pct = serializers.FloatField()
    profit_abs = serializers.FloatField()
    count = serializers.IntegerField()


class MixTagSchema(serializers.Serializer):
    mix_tag = serializers.CharField()
    profit_ratio = serializers.FloatField()
    profit_pct = serializers.FloatField()
    profit_abs = serializers.FloatField()
    count = serializers.IntegerField()


class PairFilterQuery(serializers.Serializer):
    pair = serializers.CharField(required=False)


# Ten years of days (more months or weeks): far past any data, and the calendar math stays in
# range (a million days back is before year 1: an overflow, not an answer).
MAX_TIMESCALE = 3650


class TimescaleQuery(serializers.Serializer):
    timescale = serializers.IntegerField(required=False, min_value=1, max_value=MAX_TIMESCALE)


class TimeUnitProfitEntrySchema(serializers.Serializer):
    date = serializers.DateField()
    abs_profit = serializers.FloatField()
    rel_profit = serializers.FloatField()
    starting_balance = serializers.FloatField()
    fiat_value = serializers.FloatField()
    trade_count = serializers.IntegerField()


class TimeUnitProfitSchema(serializers.Serializer):
    data = TimeUnitProfitEntrySchema(many=True)
    fiat_display_currency = serializers.CharField()
    stake_currency = serializers.CharField()


class StatsSchema(serializers.Serializer):
    exit_reasons = serializers.DictField(child=serializers.DictField())
    durations = serializers.DictField(child=serializers.FloatField(allow_null=True))


class BalanceSchema(serializers.Serializer):
    currency = serializers.CharField()
    free = serializers.FloatField()
    balance = serializers.FloatField()
    used = serializers.FloatField()
    bot_owned = nullable(serializers.FloatField)
    est_stake = serializers.FloatField()
    est_stake_bot = nullable(serializers.FloatField)
    stake = serializers.CharField()
    side = serializers.CharField()
    is_position = serializers.BooleanField()
    position = serializers.FloatField()
    is_bot_managed = serializers.BooleanField()


class BalancesSchema(serializers.Serializer):
    currencies = BalanceSchema(many=True)
    total = serializers.FloatField()
    total_bot = serializers.FloatField()
    symbol = serializers.CharField()
    value = serializers.FloatField()
    value_bot = serializers.FloatField()
    stake = serializers.CharField()
    note = serializers.CharField()
    starting_capital = serializers.FloatField()
    starting_capital_ratio = serializers.FloatField()
    starting_capital_pct = serializers.FloatField()
    starting_capital_fiat = serializers.FloatField()
    starting_capital_fiat_ratio = serializers.FloatField()
    starting_capital_fiat_pct = serializers.FloatField()
