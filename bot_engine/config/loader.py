"""The config pipeline: read the file, apply the policy, build the frozen ``BotConfig``.

``load_config`` is runbot's strict load (every problem reported); ``peek_config`` is the
settings' lenient one, before Django is set up (a broken file must not stop ``manage.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot_engine.config import policy, validation
from bot_engine.config.builder import build_config
from bot_engine.config.model import BotConfig
from bot_engine.config.reader import read_config_file
from bot_engine.exceptions import ConfigError


def load_config(path: Path | str, *, overrides: Mapping[str, Any] | None = None) -> BotConfig:
    """Load, migrate, override and validate ``path``; raise one ``ConfigError`` listing all
    problems, one ``<dotted.key>: <problem>`` line each."""
    path = Path(path)
    config = read_config_file(path)
    errors = policy.rename_deprecated_keys(config)
    policy.apply_overrides(config, overrides or {})
    policy.warn_about_unknown_keys(config)
    errors += validation.validate(config) + policy.cross_field_errors(config)
    if errors:
        raise ConfigError("\n".join(sorted(set(errors))))
    policy.warn_about_api_security(config)
    return build_config(config, path=path)


def peek_config(path: Path) -> BotConfig:
    """The config in ``path`` as far as it is valid, never raising and never logging: a
    missing or unreadable file gives the defaults, a rejected value its default."""
    try:
        config = read_config_file(path)
    except ConfigError:
        config = {}
    policy.rename_deprecated_keys(config, warn=False)
    policy.drop_invalid_values(config)
    return build_config(config, path=path)
