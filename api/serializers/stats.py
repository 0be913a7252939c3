"""The statistics endpoints' bodies (contract §3.5–3.7, §3.14): performance, time units, stats,
balance — each declared once (the OpenAPI schema and the key order) and built by a plain function;
the Profit object is in ``profit.py``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.fields import NULL, Declared, response_schema
from bot_engine.selectors.balance import BalanceSummary, CoinBalance
from bot_engine.selectors.performance import GroupProfit
from bot_engine.selectors.stats import OUTCOMES, TradeStats
from bot_engine.selectors.timeunit import TimeUnitProfit


def _group_keys(key: str) -> tuple[Declared, ...]:
    return (
        (key, str, False),
        ("profit_ratio", float, False),
        ("profit_pct", float, False),
        ("profit_abs", float, False),
        ("count", int, False),
    )


# /performance rows carry ``profit``, the old name of profit_pct, after the ratio (§3.6).
PERFORMANCE_KEYS: tuple[Declared, ...] = (
    ("pair", str, False),
    ("profit_ratio", float, False),
    ("profit", float, False),
    *_group_keys("pair")[2:],
)
PerformanceEntrySchema = response_schema(
    "PerformanceEntrySchema", PERFORMANCE_KEYS, "One pair of /performance (§3.6)."
)
EntrySchema = response_schema("EntrySchema", _group_keys("enter_tag"), "/entries row (§3.6).")
ExitSchema = response_schema("ExitSchema", _group_keys("exit_reason"), "/exits row (§3.6).")
MixTagSchema = response_schema("MixTagSchema", _group_keys("mix_tag"), "/mix_tags row (§3.6).")


def performance_body(rows: list[GroupProfit]) -> list[dict[str, Any]]:
    """``/performance``: one row per pair."""
    return [
        {
            "pair": row.key,
            "profit_ratio": row.profit_ratio,
            "profit": round(row.profit_ratio * 100, 2),
            "profit_pct": round(row.profit_ratio * 100, 2),
            "profit_abs": row.profit_abs,
            "count": row.count,
        }
        for row in rows
    ]


def group_profit_body(key: str, rows: list[GroupProfit]) -> list[dict[str, Any]]:
    """``/entries`` (key "enter_tag"), ``/exits`` ("exit_reason"), ``/mix_tags`` ("mix_tag")."""
    return [
        {
            key: row.key,
            "profit_ratio": row.profit_ratio,
            "profit_pct": round(row.profit_ratio * 100, 2),
            "profit_abs": row.profit_abs,
            "count": row.count,
        }
        for row in rows
    ]


class PairFilterQuery(serializers.Serializer):
    pair = serializers.CharField(required=False)


# Ten years of days (more months or weeks): far past any data, and the calendar math stays in
# range (a million days back is before year 1: an overflow, not an answer).
MAX_TIMESCALE = 3650


class TimescaleQuery(serializers.Serializer):
    timescale = serializers.IntegerField(required=False, min_value=1, max_value=MAX_TIMESCALE)


TIME_UNIT_ENTRY_KEYS: tuple[Declared, ...] = (
    ("date", serializers.DateField()),
    ("abs_profit", float, False),
    ("starting_balance", float, False),
    ("rel_profit", float, False),
    ("fiat_value", float, False),
    ("trade_count", int, False),
)
TimeUnitProfitEntrySchema = response_schema(
    "TimeUnitProfitEntrySchema", TIME_UNIT_ENTRY_KEYS, "One period of /daily (§3.5)."
)
TIME_UNIT_KEYS: tuple[Declared, ...] = (
    ("data", TimeUnitProfitEntrySchema(many=True)),
    ("fiat_display_currency", str, False),
    ("stake_currency", str, False),
)
TimeUnitProfitSchema = response_schema(
    "TimeUnitProfitSchema", TIME_UNIT_KEYS, "/daily, /weekly, /monthly (contract §3.5)."
)


def time_unit_body(result: TimeUnitProfit) -> dict[str, Any]:
    """``/daily``, ``/weekly``, ``/monthly``: the periods newest first."""
    return {
        "data": [
            {
                "date": period.start.isoformat(),
                "abs_profit": period.abs_profit,
                "starting_balance": period.starting_balance,
                "rel_profit": period.rel_profit,
                "fiat_value": 0.0,  # no fiat converter
                "trade_count": period.trade_count,
            }
            for period in result.periods
        ],
        "fiat_display_currency": result.fiat_display_currency,
        "stake_currency": result.stake_currency,
    }


OutcomeCountsSchema = response_schema(
    "OutcomeCountsSchema",
    tuple((outcome, int, False) for outcome in OUTCOMES),
    "Closed trades of one exit reason by outcome (§3.7).",
)
DurationsSchema = response_schema(
    "DurationsSchema",
    tuple((outcome, float, NULL) for outcome in OUTCOMES),
    "Mean duration in seconds per outcome; null without such a trade (§3.7).",
)
StatsSchema = response_schema(
    "StatsSchema",
    (
        ("exit_reasons", serializers.DictField(child=OutcomeCountsSchema())),
        ("durations", DurationsSchema()),
    ),
    "/stats (contract §3.7).",
)


def stats_body(stats: TradeStats) -> dict[str, Any]:
    """``/stats``: outcome counts per exit reason, mean durations per outcome."""
    return {
        "exit_reasons": {
            reason: dict(zip(OUTCOMES, counts, strict=True))
            for reason, counts in stats.exit_reasons.items()
        },
        "durations": dict(zip(OUTCOMES, stats.durations, strict=True)),
    }


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
