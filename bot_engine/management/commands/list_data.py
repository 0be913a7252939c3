"""``manage.py list_data``: Freqtrade's ``list-data`` — which candles are stored in the data folder.

Flags as Freqtrade's. The folder: ``--datadir``, else ``<userdir>/data/<exchange>`` (the
exchange from ``--exchange`` or the config; without either, ``<userdir>/data``); futures
candles (``--trading-mode futures``) in its ``futures/`` subfolder, as Freqtrade stores them.
Without ``--show-timerange`` one row per pair and candle type with its timeframes; with it one
row per file with the first and last candle and the number of candles. ``--pairs`` keeps only
those pairs. The table is Freqtrade's, byte for byte (rich; coloured on a terminal). Candles
are stored as feather only: another ``--data-format-ohlcv`` is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError
from rich.table import Table

from bot_engine.data.candles import candle_file_parts, filename_to_pair
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.management.utility import add_config_flags, render, utility_config

DATA_FORMATS = ("json", "jsongz", "feather", "parquet")
TRADING_MODES = ("spot", "margin", "futures")
_TRADES_FILE = re.compile(r"^(?P<pair>[^-]+)-trades\.feather$")
MIN_WIDTH = 50  # Freqtrade's tables here are never narrower


@dataclass(frozen=True)
class StoredCandles:
    pair: str
    timeframe: str
    candle_type: str
    path: Path


class Command(BaseCommand):
    help = "List the candles stored in the data folder (Freqtrade's list-data command)."

    def add_arguments(self, parser) -> None:
        add_config_flags(parser, datadir_help="data folder")
        parser.add_argument("--exchange", default=None, help="exchange folder under data/")
        parser.add_argument("--data-format-ohlcv", default=None, choices=DATA_FORMATS)
        parser.add_argument("--data-format-trades", default=None, choices=DATA_FORMATS)
        parser.add_argument("--trades", action="store_true", help="trades data, not candles")
        parser.add_argument("-p", "--pairs", nargs="+", default=None, metavar="PAIRS")
        parser.add_argument("--trading-mode", "--tradingmode", default=None, choices=TRADING_MODES)
        parser.add_argument(
            "--show-timerange", action="store_true", help="first and last candle, candle count"
        )

    def handle(self, *args: Any, **flags: Any) -> None:
        data_dir, trading_mode, data_format = self._settings(flags)
        for flag in ("data_format_ohlcv", "data_format_trades"):
            chosen = flags[flag] or data_format
            if chosen != "feather":
                name = "--" + flag.replace("_", "-")
                raise CommandError(f"{name}: {chosen}: Tradeplane stores data as feather only")
        if trading_mode == "futures":
            data_dir = data_dir / "futures"
        pairs = set(flags["pairs"]) if flags["pairs"] else None
        # Django's own --no-color is Freqtrade's flag too.
        colour = not flags.get("no_color") and self.stdout.isatty()
        if flags["trades"]:
            text = render(trades_table(data_dir, pairs, trading_mode), colour)
        else:
            stored = stored_candles(data_dir, trading_mode, pairs)
            if flags["show_timerange"]:
                text = render(timerange_table(stored), colour)
            else:
                text = render(timeframes_table(stored), colour) if stored else ""
        self.stdout.write(text, ending="")

    def _settings(self, flags: dict[str, Any]) -> tuple[Path, str, str]:
        """The data folder (before ``futures/``), the trading mode and the config's format."""
        config = utility_config(flags)
        user_data_dir = flags["user_data_dir"]
        exchange = flags["exchange"]
        trading_mode, data_format = "spot", "feather"
        if config is not None:
            # The config's exchange folder (a replay's data_exchange), under --userdir if given.
            user_data_dir = user_data_dir or config.user_data_dir
            exchange = exchange or config.data_dir.name
            trading_mode, data_format = config.trading_mode, config.dataformat_ohlcv
        base = Path(user_data_dir or "user_data") / "data" / (exchange or "")
        if flags["datadir"]:
            base = Path(flags["datadir"])
            if not base.is_dir():
                raise CommandError(f"--datadir: {base}: no such folder")
        return base, flags["trading_mode"] or trading_mode, data_format


def stored_candles(
    data_dir: Path, trading_mode: str, pairs: set[str] | None
) -> list[StoredCandles]:
    """The candle files in ``data_dir`` for ``trading_mode``, in Freqtrade's order: by pair,
    then timeframe length, then candle type."""
    if not data_dir.is_dir():
        return []
    found = []
    for path in data_dir.iterdir():
        parts = candle_file_parts(path.name)
        if parts is None or not path.is_file():
            continue
        pair, timeframe, candle_type = parts
        # Spot and margin read the plain files; futures the typed ones in futures/.
        if (candle_type == "spot") != (trading_mode != "futures"):
            continue
        if pairs is None or pair in pairs:
            found.append(StoredCandles(pair, timeframe, candle_type, path))
    return sorted(found, key=lambda c: (c.pair, timeframe_to_seconds(c.timeframe), c.candle_type))


def _title(count: int) -> str:
    return f"Found {count} pair / timeframe combinations."


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = Table(title=title, min_width=MIN_WIDTH)
    for column in columns:
        table.add_column(column, justify="right")
    return table


def timeframes_table(stored: list[StoredCandles]) -> Table:
    """One row per pair and candle type, its timeframes shortest first."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for candles in stored:
        grouped.setdefault((candles.pair, candles.candle_type), []).append(candles.timeframe)
    table = _table(_title(len(stored)), ("Pair", "Timeframe", "Type"))
    for (pair, candle_type), timeframes in grouped.items():
        table.add_row(pair, ", ".join(timeframes), candle_type)
    return table


def timerange_table(stored: list[StoredCandles]) -> Table:
    """One row per file: first and last candle (UTC), number of candles."""
    table = _table(_title(len(stored)), ("Pair", "Timeframe", "Type", "From", "To", "Candles"))
    for candles in stored:
        dates = pd.to_datetime(
            pd.read_feather(candles.path, columns=["date"])["date"], utc=True
        ).drop_duplicates()
        first, last = (
            (f"{dates.min():%Y-%m-%d %H:%M:%S}", f"{dates.max():%Y-%m-%d %H:%M:%S}")
            if len(dates)
            else ("", "")
        )
        table.add_row(
            candles.pair, candles.timeframe, candles.candle_type, first, last, str(len(dates))
        )
    return table


def trades_table(data_dir: Path, pairs: set[str] | None, trading_mode: str) -> Table:
    """Freqtrade's ``--trades`` listing (Tradeplane itself stores no trades data)."""
    found = sorted(
        filename_to_pair(match["pair"])
        for path in (data_dir.iterdir() if data_dir.is_dir() else ())
        if (match := _TRADES_FILE.match(path.name))
    )
    found = [pair for pair in found if pairs is None or pair in pairs]
    table = _table(f"Found trades data for {len(found)} pairs.", ("Pair", "Type"))
    for pair in found:
        table.add_row(pair, trading_mode)
    return table
