"""A config checked against its JSON Schema (``config/schema.py``): one line per bad key,
in words a trader reads ("stake_amount: must be a positive number or 'unlimited' (got -1)"),
never showing a secret's value; and the keys the schema does not know, with a suggestion."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from bot_engine.config.schema import (
    CONFIG_SCHEMA,
    ORDER_TYPE_KEYS,
    TIMEFRAMES,
    TRUSTED_PROXIES_MESSAGE,
    hides_value,
)

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
    "timeframe_detail": "must be a timeframe below 'timeframe' (one of "
    + ", ".join(TIMEFRAMES)
    + "), or empty for none",
    "fee": "must be a fee ratio between 0 and 0.1",
    "ignore_buying_expired_candle_after": "must be a number of seconds >= 0",
    "amend_last_stake_amount": _MUST_BE_BOOL,
    "last_stake_amount_min_ratio": "must be a number between 0 and 1",
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
    elif isinstance(error.instance, (str, int, float, bool)) and not hides_value(path):
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
