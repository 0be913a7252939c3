"""Building the frozen ``BotConfig`` from a config dict the schema and policy have accepted."""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Set
from dataclasses import fields
from pathlib import Path
from typing import Any

from bot_engine.config.model import (
    DEFAULT_ORDER_TYPES,
    UNLIMITED_STAKE,
    ApiServerConfig,
    BotConfig,
    EdgeConfig,
    ExchangeConfig,
    PricingConfig,
    ReplayConfig,
    UnfilledTimeout,
)

# Annotations (strings, see model.py's __future__ import) of the fields that hold floats.
_FLOAT_TYPES = {"float", "float | None"}

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


def build_config(config: Mapping[str, Any], *, path: Path | None) -> BotConfig:
    """The frozen ``BotConfig`` for an already validated ``config`` dict."""
    user_data_dir = resolve_user_data_dir(config.get("user_data_dir"), path)
    values = _pick(BotConfig, config, exclude=_BUILT_SEPARATELY)
    values.update(_converted_top_level(config))
    return BotConfig(
        raw=copy.deepcopy(dict(config)),
        path=path.absolute() if path else None,
        user_data_dir=user_data_dir,
        db_url=config.get("db_url") or default_db_url(user_data_dir),
        exchange=_exchange(config.get("exchange", {})),
        entry_pricing=_sub(PricingConfig, config.get("entry_pricing")),
        exit_pricing=_sub(PricingConfig, config.get("exit_pricing")),
        unfilledtimeout=_sub(UnfilledTimeout, config.get("unfilledtimeout")),
        api_server=_api_server(config.get("api_server")),
        edge=_sub(EdgeConfig, config.get("edge")),
        # An empty object is "not set" too: the strategy's order types stay in force.
        order_types=(
            {**DEFAULT_ORDER_TYPES, **config["order_types"]} if config.get("order_types") else None
        ),
        **values,
    )


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


def default_db_url(user_data_dir: Path) -> str:
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
