"""What Freqtrade's utility commands share here (``list_strategies``, ``list_data``,
``backtesting_show``): the ``-c``/``-d``/``--userdir`` flags, the config read as those commands
read it, and tables printed as Freqtrade prints them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from rich.console import Console
from rich.table import Table

from bot_engine.backtest.tables import CONSOLE_WIDTH
from bot_engine.config.loader import load_config, peek_config
from bot_engine.config.model import BotConfig
from bot_engine.config.reader import DEFAULT_CONFIG, read_config_file
from bot_engine.exceptions import ConfigError


def command_config(given: str | None, *, hint: str = "") -> BotConfig:
    """The config ``given`` (else the process's), checked as the bot checks it."""
    path = Path(given) if given else Path(settings.BOT_CONFIG_PATH)
    if not path.exists():
        raise CommandError(f"--config: no config at {path}{hint}.")
    try:
        return load_config(path)
    except ConfigError as exc:
        lines = "; ".join(str(exc).splitlines())
        raise CommandError(f"--config: invalid configuration in {path}: {lines}") from None


def configured_bot_name(given: str | None) -> str:
    """The ``bot_name`` of the config ``given``: which bot's rows a command reads or writes."""
    return command_config(given, hint=" (or give --bot-name NAME)").bot_name


def add_config_flags(parser, *, datadir_help: str = "(not used)") -> None:
    """``-c/--config``, ``-d/--datadir`` and ``--userdir``, spelled as Freqtrade spells them."""
    parser.add_argument("-c", "--config", default=None, metavar="PATH", help="config (JSON)")
    parser.add_argument(
        "-d", "--datadir", "--data-dir", default=None, metavar="PATH", help=datadir_help
    )
    parser.add_argument(
        "--userdir", "--user-data-dir", dest="user_data_dir", default=None, metavar="PATH"
    )


def utility_config(flags: dict[str, Any]) -> BotConfig | None:
    """The config (``--config``, else ``user_data/config.json`` if there), or None.

    Read as Freqtrade reads it for its utility commands: the file must be a JSON object, but
    keys only trading needs (``stake_amount``, ...) may be missing and a bad value falls back to
    its default. ``--userdir`` is checked here, as every such command takes it.
    """
    user_data_dir = flags["user_data_dir"]
    if user_data_dir and not Path(user_data_dir).is_dir():
        raise CommandError(f"--userdir: {user_data_dir}: no such folder")
    path = Path(flags["config"]) if flags["config"] else DEFAULT_CONFIG
    if not path.is_file():
        if flags["config"]:
            raise CommandError(f"--config: {path}: no such config file")
        return None
    try:
        read_config_file(path)
    except ConfigError as exc:
        lines = "; ".join(str(exc).splitlines())
        raise CommandError(f"--config: {lines}") from None
    return peek_config(path)


def render(table: Table, colour: bool = False) -> str:
    """``table`` as Freqtrade prints it; ANSI colours only when ``colour``."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=CONSOLE_WIDTH,
        color_system="standard" if colour else None,
        force_terminal=colour,
        soft_wrap=False,
    )
    console.print(table)
    return buffer.getvalue()
