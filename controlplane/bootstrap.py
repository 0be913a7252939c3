"""The bot config the Django settings are built from, read before Django is set up.

Read leniently (``bot_engine.config.loader.peek_config``): a broken file must not stop
``manage.py`` from starting, so that ``runbot`` can report each problem properly.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from pathlib import Path

from bot_engine.config.loader import peek_config
from bot_engine.config.model import BotConfig
from bot_engine.config.reader import config_path


@functools.cache
def settings_config() -> BotConfig:
    """The config file of this process (``TRADEPLANE_CONFIG``), parsed once for all settings."""
    return peek_config(config_path())


def database_url(config: BotConfig) -> str:
    """``--db-url`` wins, then the config's ``db_url``, then user_data/tradesv3.sqlite."""
    return os.environ.get("TRADEPLANE_DB_URL") or config.db_url


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
