"""``manage.py list_strategies``: Freqtrade's ``list-strategies`` — the strategies in the folders.

Flags as Freqtrade's. Folders searched: ``--strategy-path`` (else the config's
``strategy_path``), then ``<userdir>/strategies``; ``--recursive-strategy-search`` adds their
subfolders. Each file is imported: one row per strategy class it defines (name, file relative
to its folder, status, hyperopt parameters per space), a file that does not import is one
``LOAD FAILED`` row named ``--``, a name found twice is ``DUPLICATE NAME``. ``-1`` prints the
names only. The table is Freqtrade's, byte for byte (rich); colour only on a terminal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.table import Table
from rich.text import Text

from bot_engine.exceptions import StrategyError
from bot_engine.management.utility import add_config_flags, render, utility_config
from bot_engine.strategy.loader import strategy_classes_in_file
from bot_engine.strategy.parameters import PREFIX_SPACES, iter_class_parameters

logger = logging.getLogger(__name__)

COLUMNS = (
    "Strategy name",
    "Location",
    "Status",
    "Hyperoptable",
    "Buy-params",
    "Sell-params",
    "Protection-params",
    "Custom-params",
)
# Wide enough that no table is squeezed: rich then draws it at its natural width.


@dataclass(frozen=True)
class StrategyRow:
    name: str  # "" when the file did not load
    location: str  # relative to the folder it was found in
    loaded: bool
    spaces: dict[str, int]  # hyperopt space -> number of parameters; empty if none/unknown


class Command(BaseCommand):
    help = "List the strategies in the strategy folders (Freqtrade's list-strategies command)."

    def add_arguments(self, parser) -> None:
        add_config_flags(parser)
        parser.add_argument(
            "--strategy-path", default=None, metavar="PATH", help="additional strategy folder"
        )
        parser.add_argument(
            "-1", "--one-column", action="store_true", help="print the names, one per line"
        )
        parser.add_argument(
            "--recursive-strategy-search",
            action="store_true",
            help="search the strategy folders' subfolders too",
        )

    def handle(self, *args: Any, **flags: Any) -> None:
        folders = self._folders(flags)
        rows = sorted(
            (
                row
                for folder in folders
                for row in scan_folder(folder, flags["recursive_strategy_search"])
            ),
            key=lambda row: row.name,  # stable: folder order breaks ties, as in Freqtrade
        )
        if flags["one_column"]:
            self.stdout.write("".join(f"{row.name}\n" for row in rows if row.loaded), ending="")
            return
        # Django's own --no-color is Freqtrade's flag too.
        colour = not flags.get("no_color") and self.stdout.isatty()
        self.stdout.write(render(strategy_table(rows), colour), ending="")

    def _folders(self, flags: dict[str, Any]) -> list[Path]:
        user_data_dir, configured_path = _config_folders(flags)
        if flags["strategy_path"]:
            extra = Path(flags["strategy_path"])
            if not extra.is_dir():
                raise CommandError(f"--strategy-path: {extra}: no such folder")
        else:
            extra = configured_path
        strategies = user_data_dir / "strategies"
        return [folder for folder in (extra, strategies) if folder is not None]


def _config_folders(flags: dict[str, Any]) -> tuple[Path, Path | None]:
    """The user data folder (``--userdir`` wins) and the config's ``strategy_path``."""
    config = utility_config(flags)
    if config is None:
        return Path(flags["user_data_dir"] or "user_data"), None
    return Path(flags["user_data_dir"] or config.user_data_dir), config.strategy_path


def scan_folder(folder: Path, recursive: bool) -> list[StrategyRow]:
    """The rows for the strategy files of ``folder`` (a missing folder has none)."""
    if not folder.is_dir():
        return []
    files = sorted(folder.rglob("*.py") if recursive else folder.glob("*.py"))
    rows: list[StrategyRow] = []
    for path in files:
        if path.name.startswith("__") or not path.is_file():
            continue
        location = path.relative_to(folder).as_posix()
        try:
            classes = strategy_classes_in_file(path)
        except StrategyError as exc:
            logger.warning("%s", exc)
            rows.append(StrategyRow("", location, loaded=False, spaces={}))
            continue
        rows += [
            StrategyRow(cls.__name__, location, loaded=True, spaces=parameter_spaces(cls))
            for cls in classes
        ]
    return rows


def parameter_spaces(cls: type) -> dict[str, int]:
    """How many hyperopt parameters ``cls`` declares per space, in the order the spaces first
    appear by parameter name. A parameter without a space (no explicit one, no ``buy_``/
    ``sell_``/``protection_`` prefix) or whose prefix contradicts its space makes Freqtrade
    give up on the strategy's parameters: then none are counted."""
    counts: dict[str, int] = {}
    for name, param in sorted(iter_class_parameters(cls), key=lambda item: item[0]):
        prefix = next((s for s in PREFIX_SPACES if name.startswith(f"{s}_")), None)
        space = param.space or prefix
        if space is None or (param.space and prefix and prefix != param.space):
            logger.warning(
                "Cannot detect hyperoptable parameters for strategy %s: parameter %s has no "
                "clear space.",
                cls.__name__,
                name,
            )
            return {}
        counts[space] = counts.get(space, 0) + 1
    return counts


def strategy_table(rows: list[StrategyRow]) -> Table:
    table = Table()
    for column in COLUMNS:
        table.add_column(column, justify="right")
    names = [row.name for row in rows]
    for row in rows:
        custom = {k: v for k, v in row.spaces.items() if k not in PREFIX_SPACES}
        table.add_row(
            row.name or "--",
            row.location,
            _status(row, names.count(row.name)),
            "Yes" if sum(row.spaces.values()) else "No",
            *(str(row.spaces.get(space, 0)) for space in PREFIX_SPACES),
            ", ".join(f"{space}: {count}" for space, count in custom.items()),
        )
    return table


def _status(row: StrategyRow, times_named: int) -> Text:
    if not row.loaded:
        return Text("LOAD FAILED", style="bold red")
    if times_named > 1:
        return Text("DUPLICATE NAME", style="bold yellow")
    return Text("OK", style="bold green")
