"""Read just enough of the bot config to build Django settings, before Django is set up.

Full validation happens when ``runbot`` loads the config; here a broken file must not stop
``manage.py`` from starting (so that ``runbot`` can report the problem properly).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from bot_engine.config.builder import default_db_url, resolve_user_data_dir

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


def private_sqlite_file(path: Path) -> None:
    """Create the SQLite database file owner-only (0600) before SQLite would (0644).

    It holds password hashes and session keys. SQLite gives the ``-wal`` and ``-shm`` files the
    database file's permissions, so they follow. A file an older version left group- or
    world-readable is tightened too, with its ``-wal``/``-shm`` (when this user owns them).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):  # missing, or another user's: SQLite reports that
            if stat.S_IMODE(file.stat().st_mode) & 0o077:
                file.chmod(0o600)
