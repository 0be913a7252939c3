"""``manage.py backtesting``: Freqtrade's ``backtesting`` command — run, print, export.

Flags as Freqtrade's. The tables go to stdout, a progress bar (rich, as Freqtrade draws it) to
stderr; with ``--export trades`` (the default, as in Freqtrade) the result files go to
``<userdir>/backtest_results/`` or ``--backtest-directory`` / ``--export-filename``'s folder.
A bad flag or config ends with one ``CommandError`` line naming it (exit status 1).
``--cache`` is accepted for Freqtrade's command lines; results are never cached here.
"""

from __future__ import annotations

import logging
import math
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from bot_engine.backtest.detail import DetailTimeframeError, NoDetailData, detail_seconds
from bot_engine.backtest.options import BacktestOptions
from bot_engine.backtest.tables import BREAKDOWN_PERIODS
from bot_engine.config.loader import load_config
from bot_engine.config.model import BotConfig
from bot_engine.config.reader import DEFAULT_CONFIG
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.exceptions import ConfigError, StrategyError
from bot_engine.selectors.candles import NoCandleData, parse_timerange

logger = logging.getLogger(__name__)
PROGRESS_STEPS = 1000  # the bar's resolution: the simulator reports fractions


class Command(BaseCommand):
    help = "Backtest a strategy on stored candles (Freqtrade's backtesting command)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("-c", "--config", default=None, help="config file (JSON)")
        parser.add_argument("-s", "--strategy", required=True, help="strategy class name")
        parser.add_argument("--strategy-path", default=None, help="extra strategy folder")
        parser.add_argument("--timerange", default=None, help="e.g. 20180110-20180130")
        parser.add_argument("-i", "--timeframe", default=None, help="e.g. 5m")
        parser.add_argument(
            "--timeframe-detail",
            default=None,
            help="detail timeframe for intra-candle exits, e.g. 5m (config: timeframe_detail)",
        )
        parser.add_argument("-p", "--pairs", nargs="+", default=None, help="pairs to test")
        parser.add_argument("--max-open-trades", type=int, default=None)
        parser.add_argument("--stake-amount", default=None, help="a number or 'unlimited'")
        parser.add_argument("--dry-run-wallet", "--starting-balance", default=None)
        parser.add_argument("--fee", default=None, help="fee ratio per side, e.g. 0.001")
        parser.add_argument("--enable-protections", "--enableprotections", action="store_true")
        parser.add_argument("--export", choices=["trades", "none"], default="trades")
        parser.add_argument("--export-filename", "--export-directory", default=None)
        parser.add_argument("--backtest-directory", "--backtest-filename", default=None)
        parser.add_argument("--cache", choices=["none", "day", "week", "month"], default="day")
        parser.add_argument(
            "--breakdown",
            nargs="+",
            default=[],
            choices=BREAKDOWN_PERIODS,
            help="calendar tables to add to the report",
        )
        parser.add_argument("-d", "--datadir", "--data-dir", default=None)
        parser.add_argument("--userdir", "--user-data-dir", dest="user_data_dir", default=None)

    def handle(self, *args: Any, **flags: Any) -> None:
        config = self._config(flags)
        options = self._options(config, flags)
        # Imported here: loading the simulator pulls in the strategy runtime.
        from bot_engine.backtest.report import result_document
        from bot_engine.backtest.tables import text_report

        outcome = self._simulate(config, options)
        document = result_document([outcome])
        self.stdout.write(text_report(document, flags["breakdown"]), ending="")
        if flags["export"] != "none":
            directory = self._export_directory(config, flags)
            name = self._export(directory, config, outcome, document)
            self.stderr.write(f"Backtest result written to {directory / name}.zip")

    def _config(self, flags: dict[str, Any]) -> BotConfig:
        path = Path(flags["config"]) if flags["config"] else DEFAULT_CONFIG
        if not path.is_file():
            raise CommandError(f"--config: {path}: no such config file")
        overrides = {
            "strategy": flags["strategy"],
            "strategy_path": flags["strategy_path"],
            "user_data_dir": flags["user_data_dir"],
        }
        try:
            return load_config(path, overrides=overrides)
        except ConfigError as exc:
            lines = "; ".join(str(exc).splitlines())
            raise CommandError(f"--config: {path}: {lines}") from None

    def _options(self, config: BotConfig, flags: dict[str, Any]) -> BacktestOptions:
        try:
            parse_timerange(flags["timerange"])
        except NoCandleData as exc:
            raise CommandError(f"--timerange: {exc}") from None
        if flags["timeframe"]:
            try:
                timeframe_to_seconds(flags["timeframe"])
            except (ValueError, KeyError):
                raise CommandError(f"--timeframe: {flags['timeframe']!r} is no timeframe") from None
        if flags["timeframe_detail"]:
            try:
                detail_seconds(flags["timeframe_detail"])
            except DetailTimeframeError as exc:
                raise CommandError(f"--timeframe-detail: {exc}") from None
            logger.info(
                "Parameter --timeframe-detail detected, using %s for intra-candle backtesting ...",
                flags["timeframe_detail"],
            )
        strategy_path = _folder(flags["strategy_path"], "--strategy-path")
        datadir = _folder(flags["datadir"], "--datadir")
        self._check_strategy(config, flags["strategy"])
        if flags["max_open_trades"] is not None and flags["max_open_trades"] < -1:
            raise CommandError("--max-open-trades: must be -1 (unlimited) or more")
        return BacktestOptions(
            strategy=flags["strategy"],
            strategy_path=strategy_path,
            timerange=flags["timerange"],
            timeframe=flags["timeframe"],
            timeframe_detail=flags["timeframe_detail"],
            pairs=tuple(flags["pairs"]) if flags["pairs"] else None,
            max_open_trades=flags["max_open_trades"],
            stake_amount=_stake(flags["stake_amount"]),
            dry_run_wallet=_positive(flags["dry_run_wallet"], "--dry-run-wallet"),
            fee=_ratio(flags["fee"], "--fee"),
            enable_protections=flags["enable_protections"],
            datadir=datadir,
        )

    def _check_strategy(self, config: BotConfig, name: str) -> None:
        from bot_engine.engine.factory import strategy_dirs
        from bot_engine.strategy.loader import strategy_source

        try:
            strategy_source(name, strategy_dirs(config))
        except StrategyError as exc:
            raise CommandError(f"--strategy: {' '.join(str(exc).split())}") from None

    def _simulate(self, config: BotConfig, options: BacktestOptions):
        from bot_engine.backtest.simulator import simulate

        with _progress_bar() as progress:
            try:
                return simulate(config, options, progress=progress)
            except (DetailTimeframeError, NoDetailData) as exc:
                flag = "--timeframe-detail" if options.timeframe_detail else "timeframe_detail"
                raise CommandError(f"{flag}: {' '.join(str(exc).split())}") from None
            except NoCandleData as exc:
                raise CommandError(f"--datadir / --timerange: {exc}") from None
            except (StrategyError, ConfigError) as exc:
                raise CommandError(" ".join(str(exc).split())) from None

    def _export_directory(self, config: BotConfig, flags: dict[str, Any]) -> Path:
        if flags["backtest_directory"]:
            return Path(flags["backtest_directory"])
        if flags["export_filename"]:
            # Freqtrade's old flag named a file; its folder is where the results go.
            path = Path(flags["export_filename"])
            return path.parent if path.suffix in (".json", ".zip") else path
        return config.user_data_dir / "backtest_results"

    def _export(self, directory: Path, config: BotConfig, outcome, document) -> str:
        from bot_engine.backtest import export
        from bot_engine.backtest.report import market_change_frame, wallet_frame

        try:
            return export.write_result(
                directory,
                document,
                config=config,
                strategy_sources={outcome.strategy_name: outcome.strategy_source},
                market_change=market_change_frame(outcome),
                wallets={outcome.strategy_name: wallet_frame(outcome)},
            )
        except OSError as exc:
            raise CommandError(
                f"--backtest-directory: {directory}: {exc.strerror or exc}"
            ) from None


@contextmanager
def _progress_bar():
    """A ``progress(step, fraction, trade_count)`` callback drawing Freqtrade's bar on stderr."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    tasks: dict[str, Any] = {}

    def progress(step: str, fraction: float, trade_count: int | None = None) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=PROGRESS_STEPS)
        bar.update(tasks[step], completed=round(PROGRESS_STEPS * min(max(fraction, 0.0), 1.0)))

    with bar:
        yield progress
        for task in tasks.values():
            bar.update(task, completed=PROGRESS_STEPS)


def _folder(value: str | None, flag: str) -> Path | None:
    if value is None:
        return None
    path = Path(value)
    if not path.is_dir():
        raise CommandError(f"{flag}: {path}: no such folder")
    return path


def _stake(value: str | None) -> float | str | None:
    if value is None or value == "unlimited":
        return value
    return _positive(value, "--stake-amount", hint=" or 'unlimited'")


def _positive(value: str | None, flag: str, hint: str = "") -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        raise CommandError(f"{flag}: must be a positive number{hint}, not {value!r}")
    return number


def _ratio(value: str | None, flag: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not 0 <= number < 1:
        raise CommandError(f"{flag}: must be a ratio between 0 and 1, not {value!r}")
    return number
