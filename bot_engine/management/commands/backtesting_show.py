"""``manage.py backtesting_show``: Freqtrade's ``backtesting-show`` — print a stored result again.

Flags as Freqtrade's. Which file: ``--export-filename`` (a result ``.zip``/``.json``, as given or
inside the results folder; a folder counts as ``--backtest-directory``), else the latest run
(``.last_result.json``) of ``--backtest-directory``, else of ``<userdir>/backtest_results``.
The tables are ``manage.py backtesting``'s (Freqtrade's, byte for byte), ``--breakdown`` adds
the calendar tables, ``--show-pair-list`` the pairs sorted by profit as a JSON list.
``--strategy`` (not in Freqtrade) shows one strategy of a multi-strategy result.
A result that cannot be read ends with one ``CommandError`` line naming it (exit status 1),
in Freqtrade's words where it has them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from bot_engine.backtest import export
from bot_engine.backtest.report_periods import periodic_breakdown
from bot_engine.backtest.tables import BREAKDOWN_PERIODS, text_report
from bot_engine.management.utility import add_config_flags, utility_config


class Command(BaseCommand):
    help = "Show a stored backtest result (Freqtrade's backtesting-show command)."

    def add_arguments(self, parser) -> None:
        add_config_flags(parser)
        parser.add_argument(
            "--backtest-filename",
            "--export-filename",
            dest="export_filename",
            default=None,
            metavar="PATH",
            help="result file (.zip or .json); default: the folder's latest",
        )
        parser.add_argument(
            "--backtest-directory",
            "--export-directory",
            dest="backtest_directory",
            default=None,
            metavar="PATH",
            help="results folder (default: <userdir>/backtest_results)",
        )
        parser.add_argument(
            "--show-pair-list", action="store_true", help="pairs sorted by profit, as JSON"
        )
        parser.add_argument("--breakdown", nargs="+", choices=BREAKDOWN_PERIODS, default=[])
        parser.add_argument(
            "-s",
            "--strategy",
            default=None,
            metavar="NAME",
            help="show only this strategy of the result",
        )

    def handle(self, *args: Any, **flags: Any) -> None:
        path, flag = self._result_path(flags)
        try:
            document = export.read_result_file(path)
        except export.ResultFileError as exc:
            raise CommandError(_with_flag(flag, str(exc))) from None
        if flags["strategy"]:
            document = _only_strategy(document, flags["strategy"], path)
        try:
            _fill_breakdown(document, flags["breakdown"])
            text = text_report(document, flags["breakdown"])
        except (KeyError, TypeError, ValueError) as exc:
            raise CommandError(
                f"{path}: not a backtest result this version can show ({exc!r} missing or wrong)"
            ) from None
        self.stdout.write(text, ending="")
        if flags["show_pair_list"]:
            self.stdout.write(pair_list(document), ending="")

    def _result_path(self, flags: dict[str, Any]) -> tuple[Path, str]:
        """The result file and the flag that chose it ("" for the config's folder)."""
        filename = flags["export_filename"]
        directory = flags["backtest_directory"]
        flag = "--backtest-directory" if directory else ""
        if filename and Path(filename).is_dir():
            # Freqtrade's old use of the flag: a folder is the results folder.
            directory = directory or filename
            filename = None
            flag = flag or "--export-filename"
        elif filename:
            flag = "--export-filename"
        if not directory:
            directory = self._user_data_dir(flags) / "backtest_results"
            if not filename and not directory.is_dir():
                # Freqtrade makes this folder before it looks: it is empty then.
                raise CommandError(
                    f"Directory '{directory}' does not seem to contain backtest statistics yet."
                )
        try:
            return export.locate_result(directory, filename), flag
        except export.ResultFileError as exc:
            raise CommandError(_with_flag(flag, str(exc))) from None

    def _user_data_dir(self, flags: dict[str, Any]) -> Path:
        """``--userdir``, else the config's, else ``user_data`` (the config read as the other
        utility commands read it)."""
        config = utility_config(flags)
        configured = config.user_data_dir if config is not None else Path("user_data")
        return Path(flags["user_data_dir"] or configured)


def pair_list(document: dict[str, Any]) -> str:
    """Freqtrade's ``--show-pair-list``: per strategy its pairs, best total profit first (the
    order of the pair table), each with its mean profit as a comment."""
    out = []
    for name, block in document["strategy"].items():
        out.append(f"Pairs for Strategy {name}: \n[")
        out += [
            f'"{row["key"]}",  // {row["profit_mean"]:.2%}'
            for row in block["results_per_pair"]
            if row["key"] != "TOTAL"
        ]
        out.append("]")
    return "\n".join(out) + "\n"


def _only_strategy(document: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    blocks = document["strategy"]
    if name not in blocks:
        held = ", ".join(blocks) or "none"
        raise CommandError(f"--strategy: {name!r} is not in {path} (it holds: {held})")
    comparison = [row for row in document.get("strategy_comparison") or [] if row["key"] == name]
    return {**document, "strategy": {name: blocks[name]}, "strategy_comparison": comparison}


def _fill_breakdown(document: dict[str, Any], periods: list[str]) -> None:
    """Results written without a calendar view get it from their trades, as Freqtrade does."""
    for block in document["strategy"].values():
        stored = block.setdefault("periodic_breakdown", {})
        if all(period in stored for period in periods):
            continue
        trades = pd.DataFrame(block["trades"], columns=["close_date", "profit_abs"])
        trades["close_date"] = pd.to_datetime(trades["close_date"], utc=True)
        computed = periodic_breakdown(trades)
        for period in periods:
            stored.setdefault(period, computed[period])


def _with_flag(flag: str, message: str) -> str:
    return f"{flag}: {message}" if flag else message
