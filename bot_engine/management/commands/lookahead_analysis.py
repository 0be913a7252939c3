"""``manage.py lookahead_analysis``: Freqtrade's ``lookahead-analysis`` command.

The backtesting command's flags (``--config --strategy --timerange --pairs ...``, parsed by it)
plus Freqtrade's own: ``--minimum-trade-amount``, ``--targeted-trade-amount``,
``--lookahead-analysis-exportfilename`` (a CSV) and ``--allow-limit-orders``. Prints Freqtrade's
"Lookahead Analysis" table.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from bot_engine.exceptions import ConfigError, StrategyError
from bot_engine.management.commands import backtesting
from bot_engine.selectors.candles import NoCandleData


class Command(backtesting.Command):
    help = "Check a strategy for lookahead bias (Freqtrade's lookahead-analysis)."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--minimum-trade-amount", type=int, default=10)
        parser.add_argument("--targeted-trade-amount", type=int, default=20)
        parser.add_argument("--lookahead-analysis-exportfilename", default=None)
        parser.add_argument(
            "--allow-limit-orders", "--lookahead-allow-limit-orders", action="store_true"
        )

    def handle(self, *args: Any, **flags: Any) -> None:
        from bot_engine.backtest import lookahead
        from bot_engine.backtest.analysis_tables import lookahead_table

        config = self._config(flags)
        options = self._options(config, flags)
        request = lookahead.LookaheadRequest(
            minimum_trade_amount=flags["minimum_trade_amount"],
            targeted_trade_amount=flags["targeted_trade_amount"],
            allow_limit_orders=flags["allow_limit_orders"],
        )
        problem = lookahead.check_request(request, options)
        if problem:
            raise CommandError(problem)
        try:
            result = lookahead.analyse_lookahead(config, options, request)
        except NoCandleData as exc:
            raise CommandError(f"--datadir / --timerange: {exc}") from None
        except (StrategyError, ConfigError) as exc:
            raise CommandError(" ".join(str(exc).split())) from None
        self.stdout.write(lookahead_table([result]), ending="")
        if flags["lookahead_analysis_exportfilename"]:
            write_csv(Path(flags["lookahead_analysis_exportfilename"]), [result])


def write_csv(path: Path, results: list) -> None:
    """Freqtrade's CSV; an existing file keeps its rows, a strategy's row is replaced."""
    from bot_engine.backtest.lookahead import csv_rows

    rows = csv_rows(results)
    fields = list(rows[0]) if rows else list(_HEADERS)
    kept: list[dict] = []
    if path.is_file():
        with path.open(newline="") as handle:
            names = {row["strategy"] for row in rows}
            kept = [row for row in csv.DictReader(handle) if row.get("strategy") not in names]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(kept + rows)
    except OSError as exc:
        raise CommandError(f"--lookahead-analysis-exportfilename: {path}: {exc}") from None


_HEADERS = (
    "filename",
    "strategy",
    "has_bias",
    "total_signals",
    "biased_entry_signals",
    "biased_exit_signals",
    "biased_indicators",
)
