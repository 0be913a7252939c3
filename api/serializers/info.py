"""Schemas of the info endpoints: ping, version, show_config, logs, sysinfo, health, edge; the
show_config body (what of the config a client may see) built from BotConfig."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework import serializers

from api.serializers.fields import NULL, Declared, nullable, response_schema
from bot_engine.config.model import DEFAULT_ORDER_TYPES, BotConfig, PricingConfig
from bot_engine.data.timeframes import timeframe_to_minutes, timeframe_to_seconds
from bot_engine.selectors.system import TRADEPLANE_VERSION, HostLoad
from bot_engine.strategy.safe_call import call_strategy


class PingSchema(serializers.Serializer):
    status = serializers.CharField()


class VersionSchema(serializers.Serializer):
    version = serializers.CharField()


class StatusMsgSchema(serializers.Serializer):
    status = serializers.CharField()


# Advertise only what is implemented (§5.1). 2.50 = Freqtrade 2026.9's whole route table: force exit
# at a price (2.45), strategy parameters (2.47), historic_balance and backtest wallets (2.48),
# lookahead/recursive analyses and job deletion (2.49), timeranges to the minute (2.50).
API_VERSION = 2.50
STAKE_DECIMALS = {"BTC": 8, "ETH": 5}
ORDER_TYPE_KEYS = (
    "entry",
    "exit",
    "emergency_exit",
    "force_exit",
    "force_entry",
    "stoploss",
    "stoploss_on_exchange",
    "stoploss_on_exchange_interval",
)
UNFILLED_TIMEOUT_KEYS: tuple[Declared, ...] = (
    ("entry", float, False),
    ("exit", float, False),
    ("unit", str, False),
    ("exit_timeout_count", int, False),
)
PRICING_KEYS: tuple[Declared, ...] = (
    ("price_side", str, False),
    ("use_order_book", bool, False),
    ("order_book_top", int, False),
    ("price_last_balance", float, False),
)
UnfilledTimeoutSchema = response_schema(
    "UnfilledTimeoutSchema", UNFILLED_TIMEOUT_KEYS, "ShowConfig's unfilledtimeout (§2.9)."
)
PricingSchema = response_schema(
    "PricingSchema", PRICING_KEYS, "ShowConfig's entry_pricing and exit_pricing (§2.9)."
)
# ShowConfig (contract §2.9, §3.9), keys in the order of the body; no secrets.
SHOW_CONFIG_KEYS: tuple[Declared, ...] = (
    ("version", str, False),
    ("strategy_version", str, NULL),
    ("api_version", float, False),
    ("dry_run", bool, False),
    ("trading_mode", str, False),
    ("margin_mode", str, False),
    ("short_allowed", bool, False),
    ("stake_currency", str, False),
    ("stake_amount", str, False),
    ("available_capital", float, NULL),
    ("stake_currency_decimals", int, False),
    ("max_open_trades", float, False),
    ("minimal_roi", serializers.DictField(child=serializers.FloatField())),
    ("stoploss", float, NULL),
    ("stoploss_on_exchange", bool, False),
    ("trailing_stop", bool, False),
    ("trailing_stop_positive", float, NULL),
    ("trailing_stop_positive_offset", float, False),
    ("trailing_only_offset_is_reached", bool, False),
    ("unfilledtimeout", UnfilledTimeoutSchema()),
    # The order types the config or strategy sets, among ORDER_TYPE_KEYS.
    ("order_types", serializers.DictField()),
    ("use_custom_stoploss", bool, False),
    ("timeframe", str, NULL),
    ("timeframe_ms", int, False),
    ("timeframe_min", int, False),
    ("exchange", str, False),
    ("strategy", str, NULL),
    ("force_entry_enable", bool, False),
    ("exit_pricing", PricingSchema()),
    ("entry_pricing", PricingSchema()),
    ("bot_name", str, False),
    ("state", str, False),
    ("runmode", str, False),
    ("position_adjustment_enable", bool, False),
    ("max_entry_position_adjustment", int, False),
    ("demo_trading", bool, False),
)
ShowConfigSchema = response_schema("ShowConfigSchema", SHOW_CONFIG_KEYS, "ShowConfig (§2.9).")


def show_config_body(
    *,
    config: BotConfig,
    state: str,
    runmode: str,
    rules: Any | None = None,
    strategy: Any | None = None,
) -> dict[str, Any]:
    """ShowConfig: ``rules``/``strategy`` are the running bot's (None in webserver mode: the
    config's values stand in for the strategy's)."""
    timeframe = rules.timeframe if rules else config.timeframe
    stoploss = rules.stoploss if rules else config.stoploss
    roi = rules.minimal_roi if rules else (config.minimal_roi or {})
    order_types = dict(rules.order_types if rules else config.order_types or DEFAULT_ORDER_TYPES)

    def rule(name: str, default: Any) -> Any:
        value = getattr(rules, name, None) if rules else getattr(config, name, None)
        return default if value is None else value

    stake = config.stake_amount
    return {
        "version": TRADEPLANE_VERSION,
        "strategy_version": (
            call_strategy(strategy, "version", default=None) if strategy is not None else None
        ),
        "api_version": API_VERSION,
        "dry_run": config.dry_run,
        "trading_mode": config.trading_mode,
        "margin_mode": config.margin_mode,
        "short_allowed": config.trading_mode != "spot",
        "stake_currency": config.stake_currency,
        "stake_amount": str(stake) if config.unlimited_stake else repr(float(stake)),
        "available_capital": config.available_capital,
        "stake_currency_decimals": STAKE_DECIMALS.get(config.stake_currency, 3),
        "max_open_trades": float(config.max_open_trades),
        "minimal_roi": {str(k): v for k, v in roi.items()},
        "stoploss": stoploss,
        "stoploss_on_exchange": bool(order_types.get("stoploss_on_exchange", False)),
        "trailing_stop": bool(rule("trailing_stop", False)),
        "trailing_stop_positive": rule("trailing_stop_positive", None),
        "trailing_stop_positive_offset": rule("trailing_stop_positive_offset", 0.0),
        "trailing_only_offset_is_reached": bool(rule("trailing_only_offset_is_reached", False)),
        "unfilledtimeout": {
            "entry": config.unfilledtimeout.entry,
            "exit": config.unfilledtimeout.exit,
            "unit": config.unfilledtimeout.unit,
            "exit_timeout_count": config.unfilledtimeout.exit_timeout_count,
        },
        "order_types": {k: order_types[k] for k in ORDER_TYPE_KEYS if k in order_types},
        "use_custom_stoploss": bool(getattr(strategy, "use_custom_stoploss", False)),
        "timeframe": timeframe,
        "timeframe_ms": timeframe_to_seconds(timeframe) * 1000 if timeframe else 0,
        "timeframe_min": timeframe_to_minutes(timeframe) if timeframe else 0,
        "exchange": config.exchange.name,
        "strategy": config.strategy,
        "force_entry_enable": config.force_entry_enable,
        "exit_pricing": _pricing(config.exit_pricing),
        "entry_pricing": _pricing(config.entry_pricing),
        "bot_name": config.bot_name,
        "state": state,
        "runmode": runmode,
        "position_adjustment_enable": config.position_adjustment_enable,
        "max_entry_position_adjustment": config.max_entry_position_adjustment,
        "demo_trading": False,
    }


def _pricing(pricing: PricingConfig) -> dict[str, Any]:
    return {
        "price_side": pricing.price_side,
        "use_order_book": pricing.use_order_book,
        "order_book_top": pricing.order_book_top,
        "price_last_balance": pricing.price_last_balance,
    }


class LogsQuery(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=0)


class LogsSchema(serializers.Serializer):
    log_count = serializers.IntegerField()
    logs = serializers.ListField(child=serializers.ListField())


CpuLoadSchema = response_schema(
    "CpuLoadSchema", (("cpu", int, False), ("pct", float, False)), "One CPU's load in %."
)
LoadAverageSchema = response_schema(
    "LoadAverageSchema",
    (("1m", float, False), ("5m", float, False), ("15m", float, False)),
    "The system's load averages.",
)
SysInfoSchema = response_schema(
    "SysInfoSchema",
    (
        ("cpu_pct", serializers.ListField(child=serializers.FloatField())),
        ("ram_pct", float, False),
        # Freqtrade 2026.9's additions (contract §2.1).
        ("cpu_load", CpuLoadSchema(many=True)),
        ("cpu_load_avg", LoadAverageSchema()),
        ("cpu_count", int, False),
        ("cpu_avg", float, False),
    ),
    "/sysinfo (contract §2.1).",
)


def version_body() -> dict[str, str]:
    return {"version": TRADEPLANE_VERSION}


def sysinfo_body(load: HostLoad) -> dict[str, Any]:
    per_cpu = load.per_cpu_pct
    return {
        "cpu_pct": per_cpu,
        "ram_pct": load.ram_pct,
        "cpu_load": [{"cpu": i, "pct": pct} for i, pct in enumerate(per_cpu)],
        "cpu_load_avg": dict(zip(("1m", "5m", "15m"), load.load_avg, strict=True)),
        "cpu_count": load.cpu_count,
        "cpu_avg": round(sum(per_cpu) / len(per_cpu), 2) if per_cpu else 0.0,
    }


HEALTH_KEYS: tuple[Declared, ...] = (
    ("last_process", str, NULL),
    ("last_process_ts", int, NULL),
    ("bot_start", str, NULL),
    ("bot_start_ts", int, NULL),
    ("bot_startup", str, NULL),
    ("bot_startup_ts", int, NULL),
)
HealthSchema = response_schema("HealthSchema", HEALTH_KEYS, "/health (contract §2.1).")


def health_body(
    *, last_process: datetime | None, bot_start: datetime | None, bot_startup: datetime | None
) -> dict[str, Any]:
    """Times as ISO with microseconds and ``Z``, and in epoch seconds (contract §2.1): the end of
    the last loop, the persisted bot start, this process's start."""
    return {
        "last_process": _iso(last_process),
        "last_process_ts": _ts(last_process),
        "bot_start": _iso(bot_start),
        "bot_start_ts": _ts(bot_start),
        "bot_startup": _iso(bot_startup),
        "bot_startup_ts": _ts(bot_startup),
    }


def _iso(when: datetime | None) -> str | None:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if when else None


def _ts(when: datetime | None) -> int | None:
    return int(when.timestamp()) if when else None


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
