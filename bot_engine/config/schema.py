"""JSON Schema of the Freqtrade-style config, and turning its errors into one line per key."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

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

_MUST_BE_BOOL = "must be true or false"
_PRICING_MESSAGES = {
    "price_side": "must be one of 'ask', 'bid', 'same', 'other'",
    "use_order_book": _MUST_BE_BOOL,
    "order_book_top": "must be an integer between 1 and 50",
    "price_last_balance": "must be a number between 0 and 1",
}

# Human messages per dotted key path; "*" stands for any list index or object key.
MESSAGES: dict[str, str] = {
    "stake_amount": "must be a positive number or 'unlimited'",
    "max_open_trades": "must be an integer >= -1 (-1 means unlimited)",
    "dry_run": _MUST_BE_BOOL,
    "dry_run_wallet": "must be a positive number",
    "available_capital": "must be a positive number",
    "tradable_balance_ratio": "must be a number > 0 and <= 1",
    "stake_currency": "must be a currency code like 'BTC' or 'USDT'",
    "timeframe": "must be one of " + ", ".join(TIMEFRAMES),
    "initial_state": "must be one of running, stopped, paused",
    "minimal_roi": 'must map minutes (string keys of integers like "0", "30") to profit ratios',
    "minimal_roi.*": "must be a number (a profit ratio such as 0.04)",
    "stoploss": "must be a number >= -1 and < 0 (e.g. -0.10 for a 10% stop)",
    "trading_mode": "only 'spot' is supported",
    "dataformat_ohlcv": "only 'feather' is supported",
    "max_entry_position_adjustment": "must be an integer >= -1 (-1 means unlimited)",
    "exchange": "must be an object with at least a 'name'",
    "exchange.name": "must be an exchange id like 'binance', or 'replay'",
    "exchange.pair_whitelist": "must be a list of pairs like 'ETH/BTC'",
    "exchange.pair_blacklist": "must be a list of pairs or patterns like 'ETH/BTC' or 'BNB/.*'",
    "exchange.fee": "must be a fee ratio between 0 and 0.1",
    "exchange.replay.speed": "must be a number >= 0 (0 = as fast as possible)",
    "exchange.replay.start": "must be a date like '20180110' or '20180110-0830'",
    "pairlists": 'must be a non-empty list like [{"method": "StaticPairList"}]',
    "pairlists.*.method": "must be a pairlist handler name like 'VolumePairList'",
    **{f"order_types.{key}": "must be 'limit' or 'market'" for key in ORDER_TYPE_KEYS},
    "order_types.stoploss_on_exchange": _MUST_BE_BOOL,
    "order_types.stoploss_on_exchange_interval": "must be a number of seconds >= 0",
    **{f"entry_pricing.{key}": msg for key, msg in _PRICING_MESSAGES.items()},
    **{f"exit_pricing.{key}": msg for key, msg in _PRICING_MESSAGES.items()},
    "unfilledtimeout.entry": "must be a number >= 0",
    "unfilledtimeout.exit": "must be a number >= 0",
    "unfilledtimeout.unit": "must be 'minutes' or 'seconds'",
    "unfilledtimeout.exit_timeout_count": "must be an integer >= 0",
    "internals.process_throttle_secs": "must be a positive number of seconds",
    "api_server.enabled": _MUST_BE_BOOL,
    "api_server.listen_ip_address": "must be an IPv4 address like '127.0.0.1'",
    "api_server.listen_port": "must be an integer between 1024 and 65535",
    "api_server.ws_token": "must be a string or a list of strings",
    "api_server.CORS_origins": "must be a list of origins like 'http://localhost:3000'",
    "api_server.verbosity": "must be 'error' or 'info'",
    "api_server.enable_openapi": _MUST_BE_BOOL,
    "api_server.redis_url": "must be a Redis URL like 'redis://localhost:6379/0'",
    "api_server.metrics_token": "must be a string of at least 16 characters (or empty)",
    "api_server.trusted_proxies": TRUSTED_PROXIES_MESSAGE,
    "edge.enabled": _MUST_BE_BOOL,
    "edge.process_throttle_secs": "must be a positive number of seconds",
    "edge.calculate_since_number_of_days": "must be an integer >= 1",
    "edge.allowed_risk": "must be a ratio > 0 and <= 1 (e.g. 0.01 for 1%)",
    "edge.stoploss_range_min": "must be a number >= -1 and < 0 (e.g. -0.01)",
    "edge.stoploss_range_max": "must be a number >= -1 and < 0 (e.g. -0.10)",
    "edge.stoploss_range_step": "must be a negative number (e.g. -0.01)",
    "edge.minimum_winrate": "must be a number between 0 and 1",
    "edge.minimum_expectancy": "must be a number",
    "edge.min_trade_number": "must be an integer >= 1",
    "edge.max_trade_duration_minute": "must be an integer >= 1",
    "edge.remove_pumps": _MUST_BE_BOOL,
}

# Lists whose bad items are reported at the list's own key (one line, not one per index).
_REPORT_AT_LIST = {
    "exchange.pair_whitelist",
    "exchange.pair_blacklist",
    "api_server.ws_token",
    "api_server.CORS_origins",
    "api_server.trusted_proxies",
}

_SECRET_KEYS = {
    "exchange": {"key", "secret", "password", "uid", "apiKey", "privateKey"},
    "api_server": {"password", "jwt_secret_key", "ws_token", "redis_url", "metrics_token"},
    "telegram": {"token"},
}
_CCXT_SECTIONS = {"ccxt_config", "ccxt_async_config", "ccxt_sync_config"}
_SECRETISH_NAME = re.compile(r"key|secret|password|token|uid", re.IGNORECASE)

_TYPE_WORDS = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}

_VALIDATOR = Draft202012Validator(CONFIG_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


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


def _hides_value(path: Sequence[str | int]) -> bool:
    """Secrets, and anything inside a ccxt config block, never appear in messages."""
    in_ccxt = len(path) >= 2 and path[0] == "exchange" and path[1] in _CCXT_SECTIONS
    return in_ccxt or is_secret_path(path)


def dotted(path: Sequence[str | int]) -> str:
    return ".".join(str(part) for part in path)


def validate(config: Mapping[str, Any]) -> list[str]:
    """Every schema problem in ``config`` as ``"<dotted.key>: <problem>"`` lines, sorted."""
    lines: set[str] = set()
    for error in _VALIDATOR.iter_errors(config):
        lines.update(_error_lines(error))
    return sorted(lines)


def invalid_paths(config: Mapping[str, Any]) -> list[tuple[str | int, ...]]:
    """The path of each value the schema rejects (a missing required key has none)."""
    return [
        tuple(error.absolute_path)
        for error in _VALIDATOR.iter_errors(config)
        if error.validator != "required"
    ]


def unknown_keys(config: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """``(dotted key, closest known key or None)`` for each key the schema does not describe."""
    return list(_unknown(config, CONFIG_SCHEMA, ()))


def _unknown(
    data: Any, schema: Mapping[str, Any], path: tuple[str, ...]
) -> Iterator[tuple[str, str | None]]:
    properties = schema.get("properties")
    if not isinstance(data, Mapping) or properties is None:
        return
    if "additionalProperties" in schema:
        return  # the schema says extra keys are expected here
    for key, value in data.items():
        if key in properties:
            yield from _unknown(value, properties[key], (*path, key))
            continue
        hint = difflib.get_close_matches(key, list(properties), n=1)
        yield dotted((*path, key)), hint[0] if hint else None


def _error_lines(error: ValidationError) -> list[str]:
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return [f"{dotted([*path, key])}: is required" for key in missing]
    path, message = _message_for(path, error)
    if "propertyNames" in error.schema_path:
        # the failing instance is the key itself, not a value
        message += f" (bad key {_shown(error.instance)})"
    elif isinstance(error.instance, (str, int, float, bool)) and not _hides_value(path):
        message += f" (got {_shown(error.instance)})"
    return [f"{dotted(path) or '<config>'}: {message}"]


def _message_for(path: list[str | int], error: ValidationError) -> tuple[list, str]:
    pattern = _pattern(path)
    if path and isinstance(path[-1], int) and _pattern(path[:-1]) in _REPORT_AT_LIST:
        return path[:-1], MESSAGES[_pattern(path[:-1])]
    if pattern in MESSAGES:
        return path, MESSAGES[pattern]
    wildcard = _pattern([*path[:-1], "*"]) if path else ""
    if wildcard in MESSAGES:
        return path, MESSAGES[wildcard]
    return path, _generic_message(error)


def _pattern(path: Sequence[str | int]) -> str:
    return ".".join("*" if isinstance(part, int) else str(part) for part in path)


def _generic_message(error: ValidationError) -> str:
    """A readable message built from the schema alone (never from the value)."""
    kind, expected = error.validator, error.validator_value
    if kind == "type":
        types = [expected] if isinstance(expected, str) else expected
        return "must be " + " or ".join(_TYPE_WORDS.get(t, t) for t in types)
    if kind == "enum":
        return "must be one of " + ", ".join(repr(v) for v in expected)
    if kind == "const":
        return f"must be {expected!r}"
    bounds = {
        "minimum": ">=",
        "maximum": "<=",
        "exclusiveMinimum": ">",
        "exclusiveMaximum": "<",
    }
    if kind in bounds:
        return f"must be {bounds[kind]} {expected}"
    if kind == "minLength":
        return "must not be empty" if expected == 1 else f"must have at least {expected} characters"
    if kind == "minItems":
        return f"must have at least {expected} item(s)"
    if kind == "pattern":
        return f"must match the pattern {expected}"
    if kind == "format":
        return f"must be a valid {expected}"
    return "is invalid"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
