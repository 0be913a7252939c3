"""``/show_config``: a safe subset of the config (contract §2.9 ShowConfig, §3.9); no secrets."""

from __future__ import annotations

from typing import Any

from bot_engine.config.model import DEFAULT_ORDER_TYPES, BotConfig
from bot_engine.data.timeframes import timeframe_to_minutes, timeframe_to_seconds
from bot_engine.selectors.system import TRADEPLANE_VERSION

# Advertise only what is implemented (§5.1): 2.34 = entries/exits/mix_tags and everything below.
API_VERSION = 2.34
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
REQUIRED_ORDER_TYPE_KEYS = ("entry", "exit", "stoploss", "stoploss_on_exchange")


def _pricing(pricing) -> dict[str, Any]:
    return {
        "price_side": pricing.price_side,
        "use_order_book": pricing.use_order_book,
        "order_book_top": pricing.order_book_top,
        "price_last_balance": pricing.price_last_balance,
    }


def show_config(
    *,
    config: BotConfig,
    state: str,
    runmode: str,
    rules: Any | None = None,
    strategy: Any | None = None,
) -> dict[str, Any]:
    """``rules``/``strategy`` are the running bot's (None in webserver mode: config values)."""
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
        "strategy_version": strategy.version() if strategy is not None else None,
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
