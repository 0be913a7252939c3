"""``manage.py recursive_analysis``: Freqtrade's ``recursive-analysis`` command.

The backtesting command's flags (parsed by it) plus ``--startup-candle N [N ...]`` (default
Freqtrade's 199 399 499 999 1999; the strategy's own count is always added). Prints Freqtrade's
"Recursive Analysis" table: per indicator, its % difference at each startup count.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from bot_engine.exceptions import ConfigError, StrategyError
from bot_engine.management.commands import backtesting
from bot_engine.selectors.candles import NoCandleData


class Command(backtesting.Command):
    help = "Check a strategy's indicators against the startup length (recursive-analysis)."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--startup-candle", type=int, nargs="+", default=None)

    def handle(self, *args: Any, **flags: Any) -> None:
        from bot_engine.backtest import recursive
        from bot_engine.backtest.analysis_tables import recursive_lookahead_lines, recursive_table

        config = self._config(flags)
        options = self._options(config, flags)
        problem = recursive.check_startup_candles(flags["startup_candle"])
        if problem:
            raise CommandError(f"--startup-candle: {problem}")
        try:
            result = recursive.analyse_recursive(config, options, flags["startup_candle"])
        except NoCandleData as exc:
            raise CommandError(f"--datadir / --timerange: {exc}") from None
        except (StrategyError, ConfigError) as exc:
            raise CommandError(" ".join(str(exc).split())) from None
        self.stdout.write(recursive_table(result), ending="")
        # Freqtrade logs this check; stdout keeps only its table.
        self.stderr.write(recursive_lookahead_lines(result), ending="")
