"""Read and list OHLCV files in Freqtrade's layout: ``<data_dir>/ETH_BTC-5m.feather``."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd

COLUMNS = ["date", "open", "high", "low", "close", "volume"]
# Freqtrade's file names: ETH_BTC-5m.feather (spot), ETH_USDT_USDT-1h-futures.feather (futures:
# the pair ETH/USDT:USDT, then the candle type: futures, mark, index, funding_rate, ...).
_FILE = re.compile(
    r"^(?P<pair>[A-Za-z0-9]+_[A-Za-z0-9]+(?:_[A-Za-z0-9]+)?)-(?P<tf>\d+[smhdwMy])"
    r"(?:-(?P<ct>[A-Za-z_]+))?\.feather$"
)


def pair_to_filename(pair: str) -> str:
    """``ETH/BTC`` -> ``ETH_BTC``, as Freqtrade names files; every character that is not a
    letter, digit, ``_`` or ``-`` becomes ``_``, so no pair name can leave the data folder."""
    return _UNSAFE_FILENAME_CHARS.sub("_", pair)


_UNSAFE_FILENAME_CHARS = re.compile(r"[^A-Za-z0-9_-]")


def filename_to_pair(stem: str) -> str:
    """``ETH_BTC`` -> ``ETH/BTC``, ``ETH_USDT_USDT`` -> ``ETH/USDT:USDT`` (a futures pair)."""
    base, _, rest = stem.partition("_")
    quote, _, settle = rest.partition("_")
    return f"{base}/{quote}:{settle}" if settle else f"{base}/{quote}"


def candle_file(data_dir: Path, pair: str, timeframe: str) -> Path:
    return data_dir / f"{pair_to_filename(pair)}-{timeframe}.feather"


def load_candles(data_dir: Path, pair: str, timeframe: str) -> pd.DataFrame:
    """The stored candles sorted by date, without duplicates; empty frame if there is no file."""
    path = candle_file(data_dir, pair, timeframe)
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.read_feather(path, columns=COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"], utc=True)
    frame = frame.drop_duplicates(subset="date", keep="last").sort_values("date")
    return frame.reset_index(drop=True)


def store_candles(data_dir: Path, pair: str, timeframe: str, frame: pd.DataFrame) -> Path:
    """Write ``frame`` (the OHLCV columns) as the pair's file, atomically.

    The frame goes to a temporary file in the same folder, which then replaces the old file in
    one rename: a reader or a crash mid-write sees the old file or the new one, never half.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = candle_file(data_dir, pair, timeframe)
    out = frame[COLUMNS].reset_index(drop=True)
    handle, temp = tempfile.mkstemp(dir=data_dir, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            out.to_feather(stream, compression="lz4")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def candle_file_parts(name: str) -> tuple[str, str, str] | None:
    """``(pair, timeframe, candle_type)`` of a candle file's name, None for another file."""
    match = _FILE.match(name)
    if match is None:
        return None
    return filename_to_pair(match["pair"]), match["tf"], match["ct"] or "spot"


def available_data(data_dir: Path) -> list[tuple[str, str, str]]:
    """``(pair, timeframe, candle_type)`` for every file on disk, sorted."""
    if not data_dir.is_dir():
        return []
    found = (candle_file_parts(path.name) for path in data_dir.iterdir())
    return sorted(parts for parts in found if parts is not None)
