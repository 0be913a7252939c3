"""What the config may say: old key names, command-line overrides, rules across keys, weak
API secrets, and which values are never shown."""

from __future__ import annotations

import copy
import ipaddress
import logging
import math
from collections.abc import Mapping
from typing import Any

from bot_engine.config import schema, validation
from bot_engine.config.model import UNLIMITED_STAKE

logger = logging.getLogger(__name__)

REDACTED = "REDACTED"
# Values Freqtrade's docs, sample configs and docker quickstart ship with (and our own old
# examples); an API reachable from the network with one of them is open to anyone who read them.
WELL_KNOWN_SECRETS = frozenset(
    {
        "super-secret",
        "somethingrandom",
        "somethingRandomSomethingRandom123",
        "SuperSecret1!",
        "SuperSecurePassword",
        "SuperSecretPassword",
        "Freqtrader",
        "freqtrader",
        "secret_ws_t0ken.",
        "a_secret_token",
        "changeme",
        "password",
    }
)
MIN_API_PASSWORD_LENGTH = 12
GENERATE_SECRET_HINT = 'generate one with: python -c "import secrets; print(secrets.token_hex())"'

# Old Freqtrade names -> current ones: (section or None for top level, old key, new key).
_RENAMED_KEYS = [
    (None, "forcebuy_enable", "force_entry_enable"),
    (None, "bid_strategy", "entry_pricing"),
    (None, "ask_strategy", "exit_pricing"),
    (None, "sell_profit_only", "exit_profit_only"),
    (None, "sell_profit_offset", "exit_profit_offset"),
    (None, "use_sell_signal", "use_exit_signal"),
    (None, "ignore_roi_if_buy_signal", "ignore_roi_if_entry_signal"),
    ("entry_pricing", "ask_last_balance", "price_last_balance"),
    ("exit_pricing", "bid_last_balance", "price_last_balance"),
    ("order_types", "buy", "entry"),
    ("order_types", "sell", "exit"),
    ("order_types", "forcesell", "force_exit"),
    ("order_types", "forcebuy", "force_entry"),
    ("order_types", "emergencysell", "emergency_exit"),
    ("unfilledtimeout", "buy", "entry"),
    ("unfilledtimeout", "sell", "exit"),
]


def rename_deprecated_keys(config: dict[str, Any], *, warn: bool = True) -> list[str]:
    """Move old Freqtrade key names to the current ones in place; return conflict errors.

    ``warn=False`` for the settings' quiet read: logging is not set up yet, and runbot warns.
    """
    errors = []
    for section, old, new in _RENAMED_KEYS:
        holder = config if section is None else config.get(section)
        if not isinstance(holder, dict) or old not in holder:
            continue
        old_path = old if section is None else f"{section}.{old}"
        new_path = new if section is None else f"{section}.{new}"
        if new in holder:
            errors.append(f"{old_path}: old name of '{new_path}'; remove it and keep '{new_path}'")
            continue
        if warn:
            logger.warning("Config key %s is deprecated; use %s instead.", old_path, new_path)
        holder[new] = holder.pop(old)
    return errors


def apply_overrides(config: dict[str, Any], overrides: Mapping[str, Any]) -> None:
    """Set each override (``"a.b"`` sets a nested key); ``None`` means "not given"."""
    for key, value in overrides.items():
        if value is None:
            continue
        *parents, last = key.split(".")
        target = config
        for part in parents:
            if not isinstance(target.get(part), dict):
                target[part] = {}
            target = target[part]
        target[last] = value


def warn_about_unknown_keys(config: Mapping[str, Any]) -> None:
    """Unknown keys are kept (a strategy may read them) but said to be unused."""
    for key, hint in validation.unknown_keys(config):
        did_you_mean = f" Did you mean '{hint}'?" if hint else ""
        logger.warning("Unknown config key '%s' is kept but not used.%s", key, did_you_mean)


def drop_invalid_values(config: dict[str, Any]) -> None:
    """Remove every value the schema rejects, in place, so that its default applies.

    For the settings' read before Django is set up: a broken file must not stop ``manage.py``;
    ``runbot`` reports each problem. A bad list item drops the whole list.
    """
    for path in validation.invalid_paths(config):
        cut = next((i for i, part in enumerate(path) if isinstance(part, int)), len(path))
        if cut == 0:
            continue
        *parents, last = path[:cut]
        holder: Any = config
        for key in parents:
            holder = holder.get(key) if isinstance(holder, dict) else None
        if isinstance(holder, dict):
            holder.pop(last, None)


def cross_field_errors(config: Mapping[str, Any]) -> list[str]:
    """Problems that no single key has: unlimited with unlimited, API secrets, proxies, CORS."""
    errors = []
    mot = config.get("max_open_trades")
    if config.get("stake_amount") == UNLIMITED_STAKE and mot in (-1, math.inf):
        errors.append("max_open_trades: cannot be unlimited when stake_amount is 'unlimited'")
    api = config.get("api_server")
    if isinstance(api, Mapping) and api.get("enabled") is True:
        key = api.get("jwt_secret_key", "")
        if isinstance(key, str) and len(key) < schema.MIN_JWT_SECRET_LENGTH:
            errors.append(
                "api_server.jwt_secret_key: must be at least "
                f"{schema.MIN_JWT_SECRET_LENGTH} characters when the API server is enabled; "
                + GENERATE_SECRET_HINT
            )
        if not _listens_on_loopback(api):
            errors += [f"{key}: {problem}" for key, problem in api_secret_problems(api)]
    proxies = api.get("trusted_proxies") if isinstance(api, Mapping) else None
    # Non-strings are the schema's to report; here: strings that are not an address/network.
    if isinstance(proxies, list) and any(
        isinstance(p, str) and not _is_network(p) for p in proxies
    ):
        errors.append(f"api_server.trusted_proxies: {schema.TRUSTED_PROXIES_MESSAGE}")
    origins = api.get("CORS_origins") if isinstance(api, Mapping) else None
    if isinstance(origins, list) and "*" in origins:
        errors.append(
            "api_server.CORS_origins: '*' is not allowed (the API sends credentialed CORS "
            "headers); list the origins, like 'http://localhost:3000'"
        )
    pairlists = config.get("pairlists")
    if isinstance(pairlists, list):
        # Each handler's parameters: a typo stops the start, naming its key.
        from bot_engine.pairlists.registry import config_errors

        errors += config_errors(pairlists)
    return errors


def _is_network(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def _listens_on_loopback(api: Mapping[str, Any]) -> bool:
    try:
        return ipaddress.ip_address(str(api.get("listen_ip_address"))).is_loopback
    except ValueError:
        return True  # not an address: the schema reports it; do not stack a second error


def api_secret_problems(api: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(dotted key, problem) for each weak API secret: fatal off loopback, a warning on it."""
    problems = []
    password = api.get("password")
    if isinstance(password, str):
        if password in WELL_KNOWN_SECRETS:
            problems.append(("api_server.password", "is a published example value; change it"))
        elif len(password) < MIN_API_PASSWORD_LENGTH:
            problems.append(
                (
                    "api_server.password",
                    f"must be at least {MIN_API_PASSWORD_LENGTH} characters when the API "
                    f"listens beyond localhost; {GENERATE_SECRET_HINT}",
                )
            )
    key = api.get("jwt_secret_key")
    if isinstance(key, str) and key in WELL_KNOWN_SECRETS:
        problems.append(
            (
                "api_server.jwt_secret_key",
                f"is a published example value; {GENERATE_SECRET_HINT}",
            )
        )
    return problems


def warn_about_api_security(config: Mapping[str, Any]) -> None:
    """On loopback, weak API secrets are warnings (off loopback they were errors already)."""
    api = config.get("api_server") or {}
    if not api.get("enabled"):
        return
    for key, problem in api_secret_problems(api):
        logger.warning("%s %s.", key, problem)
    if not _listens_on_loopback(api):
        logger.warning(
            "api_server listens on %s, not on localhost: secure it (firewall, strong password).",
            api["listen_ip_address"],
        )


def redact(config: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``config`` with every secret value replaced by ``"REDACTED"``."""
    return _redacted(config, ())


def _redacted(value: Any, path: tuple[str | int, ...]) -> Any:
    if path and schema.is_secret_path(path) and value not in (None, ""):
        return REDACTED
    if isinstance(value, Mapping):
        return {key: _redacted(item, (*path, key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redacted(item, (*path, i)) for i, item in enumerate(value)]
    return copy.deepcopy(value)
