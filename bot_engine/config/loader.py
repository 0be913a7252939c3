"""Read a Freqtrade-style JSON config file, validate it and build the frozen ``BotConfig``."""

from __future__ import annotations

import copy
import ipaddress
import json
import logging
import math
import os
import secrets
from collections.abc import Mapping, Set
from dataclasses import fields
from pathlib import Path
from typing import Any

from bot_engine.config import schema
from bot_engine.config.model import (
    UNLIMITED_STAKE,
    ApiServerConfig,
    BotConfig,
    EdgeConfig,
    ExchangeConfig,
    PricingConfig,
    ReplayConfig,
    UnfilledTimeout,
)
from bot_engine.exceptions import ConfigError

logger = logging.getLogger(__name__)

TEMPLATE_PATH = Path(__file__).with_name("template.json")
REDACTED = "REDACTED"
DEFAULT_ORDER_TYPES = {
    "entry": "limit",
    "exit": "limit",
    "stoploss": "market",
    "stoploss_on_exchange": False,
}
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

# Annotations (strings, see model.py's __future__ import) of the fields that hold floats.
_FLOAT_TYPES = {"float", "float | None"}

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


def load_config(path: Path | str, *, overrides: Mapping[str, Any] | None = None) -> BotConfig:
    """Load, migrate, override and validate ``path``; raise one ``ConfigError`` listing all
    problems, one ``<dotted.key>: <problem>`` line each."""
    path = Path(path)
    config = read_config_file(path)
    errors = rename_deprecated_keys(config)
    apply_overrides(config, overrides or {})
    for key, hint in schema.unknown_keys(config):
        did_you_mean = f" Did you mean '{hint}'?" if hint else ""
        logger.warning("Unknown config key '%s' is kept but not used.%s", key, did_you_mean)
    errors += schema.validate(config) + _cross_field_errors(config)
    if errors:
        raise ConfigError("\n".join(sorted(set(errors))))
    _warn_about_api_security(config)
    return build_config(config, path=path)


def read_config_file(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; comments and trailing commas allowed, as in Freqtrade."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"Config file {path} not found. "
            "Run `python manage.py runbot` without --config to create one."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Config file {path} could not be read: {exc}") from None
    try:
        data = json.loads(strip_trailing_commas(strip_comments(text)))
    except json.JSONDecodeError as exc:
        # Comments were blanked out in place, so line and column match the file on disk.
        raise ConfigError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a JSON object ({{...}})")
    return data


def strip_comments(text: str) -> str:
    """Blank out ``//`` and ``/* */`` comments outside strings, keeping every newline."""
    out = list(text)
    i, n, in_string = 0, len(text), False
    while i < n:
        char = text[i]
        if in_string:
            if char == "\\":
                i += 1  # skip the escaped character, which may be a quote
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end == -1 else end
            _blank(out, i, end)
            i = end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            _blank(out, i, end)
            i = end
            continue
        i += 1
    return "".join(out)


def strip_trailing_commas(text: str) -> str:
    """Blank out commas directly before ``]`` or ``}`` (outside strings)."""
    out = list(text)
    last_comma, in_string, escaped = -1, False, False
    for i, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string, last_comma = True, -1
        elif char == ",":
            # a second comma in a row is an error for the JSON parser to report, not to strip
            last_comma = -1 if last_comma >= 0 else i
        elif char in "]}" and last_comma >= 0:
            out[last_comma] = " "
            last_comma = -1
        elif not char.isspace():
            last_comma = -1
    return "".join(out)


def _blank(chars: list[str], start: int, end: int) -> None:
    for j in range(start, end):
        if chars[j] != "\n":
            chars[j] = " "


def rename_deprecated_keys(config: dict[str, Any]) -> list[str]:
    """Move old Freqtrade key names to the current ones in place; return conflict errors."""
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


def _cross_field_errors(config: Mapping[str, Any]) -> list[str]:
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


def _warn_about_api_security(config: Mapping[str, Any]) -> None:
    api = config.get("api_server") or {}
    if not api.get("enabled"):
        return
    # Off loopback these were errors already (_cross_field_errors); on loopback they warn.
    for key, problem in api_secret_problems(api):
        logger.warning("%s %s.", key, problem)
    if not _listens_on_loopback(api):
        logger.warning(
            "api_server listens on %s, not on localhost: secure it (firewall, strong password).",
            api["listen_ip_address"],
        )


def build_config(config: Mapping[str, Any], *, path: Path | None) -> BotConfig:
    """The frozen ``BotConfig`` for an already validated ``config`` dict."""
    user_data_dir = resolve_user_data_dir(config.get("user_data_dir"), path)
    values = _pick(BotConfig, config, exclude=_BUILT_SEPARATELY)
    values.update(_converted_top_level(config))
    return BotConfig(
        raw=copy.deepcopy(dict(config)),
        path=path.absolute() if path else None,
        user_data_dir=user_data_dir,
        db_url=config.get("db_url") or default_db_url(user_data_dir, config.get("dry_run", True)),
        exchange=_exchange(config.get("exchange", {})),
        entry_pricing=_sub(PricingConfig, config.get("entry_pricing")),
        exit_pricing=_sub(PricingConfig, config.get("exit_pricing")),
        unfilledtimeout=_sub(UnfilledTimeout, config.get("unfilledtimeout")),
        api_server=_api_server(config.get("api_server")),
        edge=_sub(EdgeConfig, config.get("edge")),
        order_types={**DEFAULT_ORDER_TYPES, **config.get("order_types", {})},
        **values,
    )


_BUILT_SEPARATELY = {
    "raw",
    "path",
    "user_data_dir",
    "db_url",
    "exchange",
    "entry_pricing",
    "exit_pricing",
    "unfilledtimeout",
    "api_server",
    "edge",
    "order_types",
}


def resolve_user_data_dir(value: str | None, config_path: Path | None) -> Path:
    """Configured dir (relative = against cwd); else the config's own ``user_data`` folder,
    else ``<cwd>/user_data``."""
    if value:
        return Path.cwd() / Path(value).expanduser()
    if config_path is not None:
        parent = config_path.absolute().parent
        if parent.name == "user_data":
            return parent
    return Path.cwd() / "user_data"


def default_db_url(user_data_dir: Path, dry_run: bool) -> str:
    """One SQLite file in user_data; trades carry their bot, so dry and live never mix rows."""
    return f"sqlite:///{user_data_dir / 'tradesv3.sqlite'}"


def _converted_top_level(config: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level values whose stored type differs from the JSON one."""
    out: dict[str, Any] = {}
    if "stake_amount" in config and config["stake_amount"] != UNLIMITED_STAKE:
        out["stake_amount"] = float(config["stake_amount"])
    if "max_open_trades" in config:
        mot = config["max_open_trades"]
        out["max_open_trades"] = -1 if mot == math.inf else int(mot)
    if "minimal_roi" in config:
        out["minimal_roi"] = {int(k): float(v) for k, v in config["minimal_roi"].items()}
    if "strategy_path" in config:
        strategy_path = config["strategy_path"]
        out["strategy_path"] = (
            Path.cwd() / Path(strategy_path).expanduser() if strategy_path else None
        )
    if "process_throttle_secs" in config.get("internals", {}):
        out["process_throttle_secs"] = float(config["internals"]["process_throttle_secs"])
    if "pairlists" in config:
        out["pairlists"] = tuple(dict(item) for item in config["pairlists"])
    return out


def _exchange(data: Mapping[str, Any]) -> ExchangeConfig:
    values = _pick(ExchangeConfig, data, exclude={"replay"})
    for key in ("pair_whitelist", "pair_blacklist"):
        if key in values:
            values[key] = tuple(values[key])
    if "ccxt_config" in values:
        values["ccxt_config"] = copy.deepcopy(values["ccxt_config"])
    replay = _pick(ReplayConfig, data.get("replay") or {})
    return ExchangeConfig(replay=ReplayConfig(**replay), **values)


def _api_server(data: Mapping[str, Any] | None) -> ApiServerConfig:
    values = _pick(ApiServerConfig, data or {})
    token = values.get("ws_token", ())
    tokens = [token] if isinstance(token, str) else list(token)
    values["ws_token"] = tuple(t for t in tokens if t)  # "" in the template means "none"
    values["CORS_origins"] = tuple(values.get("CORS_origins", ()))
    values["trusted_proxies"] = tuple(values.get("trusted_proxies", ()))
    return ApiServerConfig(**values)


def _sub(cls: type, data: Mapping[str, Any] | None) -> Any:
    return cls(**_pick(cls, data or {}))


def _pick(cls: type, data: Mapping[str, Any], *, exclude: Set[str] = frozenset()) -> dict:
    """The keys of ``data`` that are fields of dataclass ``cls`` (others stay only in raw);
    JSON integers become floats where the field is a float, so ``1`` reads as ``1.0``."""
    picked = {}
    for field in fields(cls):
        if field.name in exclude or field.name not in data:
            continue
        value = data[field.name]
        if field.type in _FLOAT_TYPES and type(value) is int:
            value = float(value)
        picked[field.name] = value
    return picked


def write_default_config(path: Path) -> dict[str, Any]:
    """Write the default config with fresh API secrets to ``path`` (mode 0600); never
    overwrites. Returns the written dict."""
    path = Path(path)
    config = json.loads(TEMPLATE_PATH.read_text(encoding="utf-8"))
    api = config["api_server"]
    api["password"] = secrets.token_urlsafe(16)
    api["jwt_secret_key"] = secrets.token_hex(32)
    api["ws_token"] = secrets.token_urlsafe(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: refusing to overwrite is atomic, and the secrets are never world-readable.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"Config file {path} already exists; not overwriting it.") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        json.dump(config, handle, indent=4)
        handle.write("\n")
    return config


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
