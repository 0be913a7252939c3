"""Read just enough of the bot config to build Django settings, before Django is set up.

Full validation happens when ``runbot`` loads the config; here a broken file must not stop
``manage.py`` from starting (so that ``runbot`` can report the problem properly).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from bot_engine.config.loader import default_db_url, resolve_user_data_dir

DEFAULT_CONFIG = Path("user_data") / "config.json"
_COMMENT = re.compile(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', re.S)


def config_path() -> Path:
    return Path(os.environ.get("TRADEPLANE_CONFIG") or DEFAULT_CONFIG)


def peek_config(path: Path | None = None) -> dict[str, Any]:
    """The raw config dict, or {} when the file is missing or unreadable."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(_COMMENT.sub(lambda m: m.group(1) or "", text))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def database_url(config: dict[str, Any], path: Path) -> str:
    """``--db-url`` wins, then the config's ``db_url``, then user_data/tradesv3.sqlite."""
    url = os.environ.get("TRADEPLANE_DB_URL") or config.get("db_url")
    if url:
        return str(url)
    data_dir = resolve_user_data_dir(config.get("user_data_dir"), path)
    return default_db_url(data_dir, bool(config.get("dry_run", True)))
