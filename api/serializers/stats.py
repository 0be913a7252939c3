"""Schemas of the statistics endpoints: profit, performance, time units, stats, balance."""

from __future__ import annotations

from typing import Any

import numpy as np
from rest_framework import serializers

from api.serializers.fields import NULL, Declared, response_schema
from api.serializers.formats import (
    finite_or_none,
    format_date,
    format_us,
    naturaltime,
    timestamp_ms,
    us_to_ms,
)
from bot_engine.selectors.balance import BalanceSummary, CoinBalance
from bot_engine.selectors.profit import ProfitSummary, ProfitSums
from bot_engine.trade_stats import Drawdown


def _profit_sums_keys(name: str) -> tuple[Declared, ...]:
    # The "all" sums take the open trades at the current rate: null while a rate is missing.
    missing_rate = name == "all"
    return (
        (f"profit_{name}_coin", float, missing_rate),
        (f"profit_{name}_percent_mean", float, missing_rate),
        (f"profit_{name}_ratio_mean", float, missing_rate),
        (f"profit_{name}_percent_sum", float, missing_rate),
        (f"profit_{name}_ratio_sum", float, missing_rate),
        (f"profit_{name}_ratio", float, missing_rate),
        (f"profit_{name}_percent", float, missing_rate),
        (f"profit_{name}_fiat", float, False),
    )


# The Profit object (contract §3.4), keys in the order of Freqtrade's body.
PROFIT_KEYS: tuple[Declared, ...] = (
    *_profit_sums_keys("closed"),
    *_profit_sums_keys("all"),
    ("trade_count", int, False),
    ("closed_trade_count", int, False),
    ("first_trade_date", str, False),
    ("first_trade_humanized", str, False),
    ("first_trade_timestamp", int, False),
    ("latest_trade_date", str, False),
    ("latest_trade_humanized", str, False),
    ("latest_trade_timestamp", int, False),
    ("avg_duration", str, False),
    ("best_pair", str, False),
    ("best_rate", float, False),
    ("best_pair_profit_ratio", float, False),
    ("best_pair_profit_abs", float, False),
    ("winning_trades", int, False),
    ("losing_trades", int, False),
    ("profit_factor", float, NULL),  # ∞ without a losing trade
    ("winrate", float, False),
    ("expectancy", float, False),
    ("expectancy_ratio", float, False),
    ("sharpe", float, False),
    ("sortino", float, False),
    ("sqn", float, False),
    ("calmar", float, False),
    ("cagr", float, False),
    ("max_drawdown", float, False),
    ("max_drawdown_abs", float, False),
    ("max_drawdown_start", str, False),
    ("max_drawdown_start_timestamp", int, False),
    ("max_drawdown_end", str, False),
    ("max_drawdown_end_timestamp", int, False),
    ("current_drawdown", float, False),
    ("current_drawdown_abs", float, False),
    ("current_drawdown_high", float, False),
    ("current_drawdown_start", str, False),
    ("current_drawdown_start_timestamp", int, False),
    ("trading_volume", float, False),
    ("bot_start_timestamp", int, False),
    ("bot_start_date", str, False),
)
ProfitSchema = response_schema("ProfitSchema", PROFIT_KEYS, "Profit (contract §3.4).")
NO_DRAWDOWN = {
    "max_drawdown": 0.0,
    "max_drawdown_abs": 0.0,
    "max_drawdown_start": "",
    "max_drawdown_start_timestamp": 0,
    "max_drawdown_end": "",
    "max_drawdown_end_timestamp": 0,
    "current_drawdown": 0.0,
    "current_drawdown_abs": 0.0,
    "current_drawdown_high": 0.0,
    "current_drawdown_start": "",
    "current_drawdown_start_timestamp": 0,
}


def profit_body(summary: ProfitSummary) -> dict[str, Any]:
    """The Profit object: every key always present; NaN/inf written as null (contract §0)."""
    first, latest, now = summary.first_trade_date, summary.latest_trade_date, summary.now
    best, win_loss, ratios = summary.best_pair, summary.win_loss, summary.ratios
    body = {
        **_profit_sums("closed", summary.closed),
        **_profit_sums("all", summary.all),
        "trade_count": summary.trade_count,
        "closed_trade_count": summary.closed_trade_count,
        "first_trade_date": format_date(first) or "",
        "first_trade_humanized": naturaltime(now - first) if first else "",
        "first_trade_timestamp": timestamp_ms(first) or 0,
        "latest_trade_date": format_date(latest) or "",
        "latest_trade_humanized": naturaltime(now - latest) if latest else "",
        "latest_trade_timestamp": timestamp_ms(latest) or 0,
        "avg_duration": str(summary.avg_duration).split(".")[0],  # whole seconds, truncated
        # Freqtrade's integer zeros when no trade is closed (§3.4).
        "best_pair": best.pair if best else "",
        "best_rate": round(best.profit_ratio * 100, 2) if best else 0,
        "best_pair_profit_ratio": best.profit_ratio if best else 0,
        "best_pair_profit_abs": best.profit_abs if best else 0,
        "winning_trades": win_loss.winning,
        "losing_trades": win_loss.losing,
        "profit_factor": win_loss.profit_factor,
        "winrate": win_loss.winrate,
        "expectancy": summary.expectancy,
        "expectancy_ratio": summary.expectancy_ratio,
        "sharpe": ratios.sharpe,
        "sortino": ratios.sortino,
        "sqn": ratios.sqn,
        "calmar": ratios.calmar,
        "cagr": ratios.cagr,
        **_drawdown(summary.drawdown),
        "trading_volume": summary.trading_volume,
        "bot_start_timestamp": timestamp_ms(summary.bot_start),
        "bot_start_date": format_date(summary.bot_start),
    }
    return {key: _jsonable(value) for key, value in body.items()}


def _profit_sums(name: str, sums: ProfitSums) -> dict[str, Any]:
    return {
        f"profit_{name}_coin": sums.profit_abs,
        f"profit_{name}_percent_mean": round(sums.ratio_mean * 100, 2),
        f"profit_{name}_ratio_mean": sums.ratio_mean,
        f"profit_{name}_percent_sum": round(sums.ratio_sum * 100, 2),
        f"profit_{name}_ratio_sum": sums.ratio_sum,
        f"profit_{name}_ratio": sums.ratio,
        f"profit_{name}_percent": round(sums.ratio * 100, 2),
        f"profit_{name}_fiat": 0.0,  # no fiat converter
    }


def _drawdown(dd: Drawdown | None) -> dict[str, Any]:
    if dd is None:
        return NO_DRAWDOWN
    return {
        "max_drawdown": dd.max_relative,
        "max_drawdown_abs": dd.max_abs,
        "max_drawdown_start": format_us(dd.high_us),
        "max_drawdown_start_timestamp": us_to_ms(dd.high_us),
        "max_drawdown_end": format_us(dd.low_us),
        "max_drawdown_end_timestamp": us_to_ms(dd.low_us),
        "current_drawdown": dd.current_relative,
        "current_drawdown_abs": dd.current_abs,
        "current_drawdown_high": dd.current_high,
        "current_drawdown_start": format_us(dd.current_high_us),
        "current_drawdown_start_timestamp": us_to_ms(dd.current_high_us),
    }


def _jsonable(value: Any) -> Any:
    """numpy scalars as Python numbers, NaN and ±inf as None (the sums come from numpy)."""
    if isinstance(value, float | np.floating):
        return finite_or_none(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


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


# /balance (contract §3.14), keys in the order of the body. No fiat converter: values are 0.
BALANCE_KEYS: tuple[Declared, ...] = (
    ("currency", str, False),
    ("free", float, False),
    ("balance", float, False),
    ("used", float, False),
    ("bot_owned", float, NULL),
    ("est_stake", float, False),
    ("est_stake_bot", float, NULL),
    ("stake", str, False),
    ("side", str, False),
    ("is_position", bool, False),
    ("position", float, False),
    ("is_bot_managed", bool, False),
)
BalanceSchema = response_schema("BalanceSchema", BALANCE_KEYS, "One coin of /balance (§3.14).")
BALANCES_KEYS: tuple[Declared, ...] = (
    ("currencies", BalanceSchema(many=True)),
    ("total", float, False),
    ("total_bot", float, False),
    ("symbol", str, False),
    ("value", float, False),
    ("value_bot", float, False),
    ("stake", str, False),
    ("note", str, False),
    ("starting_capital", float, False),
    ("starting_capital_ratio", float, False),
    ("starting_capital_pct", float, False),
    ("starting_capital_fiat", float, False),
    ("starting_capital_fiat_ratio", float, False),
    ("starting_capital_fiat_pct", float, False),
)
BalancesSchema = response_schema("BalancesSchema", BALANCES_KEYS, "/balance (contract §3.14).")


def balance_body(summary: BalanceSummary) -> dict[str, Any]:
    """``/balance``: the simulated wallet's coins, totals and starting capital (§3.14)."""
    stake = summary.stake_currency
    ratio = summary.starting_capital_ratio
    return {
        "currencies": [_coin(coin, stake) for coin in summary.currencies],
        "total": summary.total,
        "total_bot": summary.total_bot,
        "symbol": summary.fiat_display_currency,
        "value": 0.0,
        "value_bot": 0.0,
        "stake": stake,
        "note": "Simulated balances" if summary.dry_run else "",
        "starting_capital": summary.starting_capital,
        "starting_capital_ratio": ratio,
        "starting_capital_pct": round(ratio * 100, 2),
        "starting_capital_fiat": 0.0,
        "starting_capital_fiat_ratio": 0.0,
        "starting_capital_fiat_pct": 0.0,
    }


def _coin(coin: CoinBalance, stake: str) -> dict[str, Any]:
    return {
        "currency": coin.currency,
        "free": coin.free,
        "balance": coin.balance,
        "used": coin.used,
        "bot_owned": coin.bot_owned,
        "est_stake": coin.est_stake,
        "est_stake_bot": coin.est_stake_bot,
        "stake": stake,
        "side": "long",
        "is_position": False,
        "position": 0.0,
        "is_bot_managed": True,
    }
