"""JSON Schema of the Freqtrade-style config, and which of its keys hold secrets.

Checking a config against it, with one message per key, is ``config/validation.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

TIMEFRAMES = (
    "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M",
)  # fmt: skip
INITIAL_STATES = ("running", "stopped", "paused")
ORDER_TYPE_KEYS = ("entry", "exit", "emergency_exit", "force_exit", "force_entry", "stoploss")
MIN_JWT_SECRET_LENGTH = 32
TRUSTED_PROXIES_MESSAGE = (
    "must be a list of IP addresses or networks like '10.0.0.2' or '10.0.0.0/24'"
)

# A pair is BASE/QUOTE (futures add ":SETTLE"); blacklists may use regexes such as "BNB/.*".
_PAIR_PATTERN = r"^[^/\s]+/[^/\s]+$"

_BOOL = {"type": "boolean"}
_STR = {"type": "string"}
_POSITIVE = {"type": "number", "exclusiveMinimum": 0}
_RATIO = {"type": "number", "minimum": 0, "maximum": 1}
_STR_LIST = {"type": "array", "items": _STR}
_ORDER_TYPE = {"enum": ["limit", "market"]}

_PRICING = {
    "type": "object",
    "properties": {
        "price_side": {"enum": ["ask", "bid", "same", "other"]},
        "use_order_book": _BOOL,
        "order_book_top": {"type": "integer", "minimum": 1, "maximum": 50},
        "price_last_balance": _RATIO,
        "check_depth_of_market": {"type": "object"},
    },
}

_EXCHANGE = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "key": _STR,
        "secret": _STR,
        "password": _STR,
        "uid": _STR,
        "pair_whitelist": {"type": "array", "items": {"type": "string", "pattern": _PAIR_PATTERN}},
        "pair_blacklist": {"type": "array", "items": {"type": "string", "pattern": _PAIR_PATTERN}},
        "ccxt_config": {"type": "object"},
        "ccxt_async_config": {"type": "object"},
        "ccxt_sync_config": {"type": "object"},
        "fee": {"type": ["number", "null"], "minimum": 0, "maximum": 0.1},
        "replay": {
            "type": "object",
            "properties": {
                "speed": {"type": "number", "minimum": 0},
                "data_exchange": {"type": "string", "minLength": 1},
                "start": {"type": ["string", "null"], "pattern": r"^\d{8}(-\d{4})?$"},
            },
        },
    },
}

_API_SERVER = {
    "type": "object",
    "required": ["enabled", "listen_ip_address", "listen_port", "username", "password"],
    "properties": {
        "enabled": _BOOL,
        "listen_ip_address": {"type": "string", "format": "ipv4"},
        "listen_port": {"type": "integer", "minimum": 1024, "maximum": 65535},
        "username": _STR,
        "password": _STR,
        "jwt_secret_key": _STR,
        "ws_token": {"anyOf": [_STR, _STR_LIST]},
        "CORS_origins": _STR_LIST,
        "verbosity": {"enum": ["error", "info"]},
        "enable_openapi": _BOOL,
        "redis_url": _STR,
        # Bearer token for GET /metrics only (Prometheus scrapers); "" = none.
        "metrics_token": {"anyOf": [{"const": ""}, {"type": "string", "minLength": 16}]},
        # Reverse proxies whose X-Forwarded-For/-Proto are believed (IPs or CIDR networks).
        "trusted_proxies": _STR_LIST,
    },
}

_STOPLOSS_RATIO = {"type": "number", "minimum": -1, "exclusiveMaximum": 0}
_EDGE = {
    "type": "object",
    "properties": {
        "enabled": _BOOL,
        "process_throttle_secs": _POSITIVE,
        "calculate_since_number_of_days": {"type": "integer", "minimum": 1},
        "allowed_risk": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "stoploss_range_min": _STOPLOSS_RATIO,
        "stoploss_range_max": _STOPLOSS_RATIO,
        "stoploss_range_step": {"type": "number", "exclusiveMaximum": 0},
        "minimum_winrate": _RATIO,
        "minimum_expectancy": {"type": "number"},
        "min_trade_number": {"type": "integer", "minimum": 1},
        "max_trade_duration_minute": {"type": "integer", "minimum": 1},
        "remove_pumps": _BOOL,
    },
}

CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["exchange", "stake_currency", "stake_amount", "dry_run"],
    "properties": {
        "$schema": _STR,
        "bot_name": _STR,
        "strategy": {"type": "string", "minLength": 1},
        "strategy_path": _STR,
        "user_data_dir": {"type": "string", "minLength": 1},
        "db_url": {"type": "string", "minLength": 1},
        "dry_run": _BOOL,
        "dry_run_wallet": _POSITIVE,
        "stake_currency": {"type": "string", "minLength": 1},
        "stake_amount": {"anyOf": [_POSITIVE, {"const": "unlimited"}]},
        "tradable_balance_ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "available_capital": _POSITIVE,
        "max_open_trades": {"anyOf": [{"type": "integer", "minimum": -1}, {"const": math.inf}]},
        "fiat_display_currency": _STR,
        "timeframe": {"enum": list(TIMEFRAMES)},
        # Backtesting only (Freqtrade's keys): a lower timeframe inside each candle, the fee,
        # late entries on detail candles, and the last stake shrunk to what is left.
        "timeframe_detail": {"enum": [None, "", *TIMEFRAMES]},
        "fee": {"type": "number", "minimum": 0, "maximum": 0.1},
        "ignore_buying_expired_candle_after": {"type": "number", "minimum": 0},
        "amend_last_stake_amount": _BOOL,
        "last_stake_amount_min_ratio": _RATIO,
        "minimal_roi": {
            "type": "object",
            "propertyNames": {"pattern": r"^\d+$"},
            "additionalProperties": {"type": "number"},
        },
        "stoploss": {"type": "number", "minimum": -1, "exclusiveMaximum": 0},
        "trailing_stop": _BOOL,
        "trailing_stop_positive": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "trailing_stop_positive_offset": _RATIO,
        "trailing_only_offset_is_reached": _BOOL,
        "use_exit_signal": _BOOL,
        "exit_profit_only": _BOOL,
        "exit_profit_offset": {"type": "number"},
        "ignore_roi_if_entry_signal": _BOOL,
        "initial_state": {"enum": list(INITIAL_STATES)},
        "force_entry_enable": _BOOL,
        "trading_mode": {"enum": ["spot"]},
        "margin_mode": {"enum": ["", "cross", "isolated"]},
        "cancel_open_orders_on_exit": _BOOL,
        "position_adjustment_enable": _BOOL,
        "max_entry_position_adjustment": {"type": "integer", "minimum": -1},
        "dataformat_ohlcv": {"enum": ["feather"]},
        "exchange": _EXCHANGE,
        "pairlists": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["method"],
                # Which methods and parameters: bot_engine/pairlists/params.py checks them.
                "properties": {"method": {"type": "string"}},
                # pairlist handlers take their own parameters; don't warn about them
                "additionalProperties": True,
            },
        },
        "entry_pricing": _PRICING,
        "exit_pricing": _PRICING,
        "order_types": {
            "type": "object",
            "properties": {
                **{key: _ORDER_TYPE for key in ORDER_TYPE_KEYS},
                "stoploss_on_exchange": _BOOL,
                "stoploss_on_exchange_interval": {"type": "number", "minimum": 0},
                "stoploss_on_exchange_limit_ratio": {"type": "number", "minimum": 0},
            },
        },
        "unfilledtimeout": {
            "type": "object",
            "properties": {
                "entry": {"type": "number", "minimum": 0},
                "exit": {"type": "number", "minimum": 0},
                "unit": {"enum": ["minutes", "seconds"]},
                "exit_timeout_count": {"type": "integer", "minimum": 0},
            },
        },
        "internals": {
            "type": "object",
            "properties": {"process_throttle_secs": _POSITIVE},
        },
        "api_server": _API_SERVER,
        "edge": _EDGE,
    },
}

_SECRET_KEYS = {
    "exchange": {"key", "secret", "password", "uid", "apiKey", "privateKey"},
    "api_server": {"password", "jwt_secret_key", "ws_token", "redis_url", "metrics_token"},
    "telegram": {"token"},
}
_CCXT_SECTIONS = {"ccxt_config", "ccxt_async_config", "ccxt_sync_config"}
_SECRETISH_NAME = re.compile(r"key|secret|password|token|uid", re.IGNORECASE)


def is_secret_path(path: Sequence[str | int]) -> bool:
    """True for keys whose values must never be shown: credentials, passwords, tokens."""
    if len(path) < 2 or not isinstance(path[1], str):
        return False
    section, key = path[0], path[1]
    if key in _SECRET_KEYS.get(str(section), ()):
        return True
    if section == "exchange" and key in _CCXT_SECTIONS:
        return any(isinstance(part, str) and _SECRETISH_NAME.search(part) for part in path[2:])
    return False


def hides_value(path: Sequence[str | int]) -> bool:
    """Secrets, and anything inside a ccxt config block, never appear in messages."""
    in_ccxt = len(path) >= 2 and path[0] == "exchange" and path[1] in _CCXT_SECTIONS
    return in_ccxt or is_secret_path(path)
