"""``manage.py list_data`` prints what Freqtrade 2026.9's ``list-data`` printed on the same
folders (``tests/data/freqtrade/cli/list/``, made by its ``record.sh``)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.fixtures.commands import command_output, one_line_error
from tests.fixtures.freqtrade_data import FREQTRADE_DIR

RECORDED = FREQTRADE_DIR / "cli" / "list"
REPO = FREQTRADE_DIR.parent.parent.parent
CANDLES_5M = REPO / "user_data" / "data" / "binance"
CANDLES_1H = FREQTRADE_DIR / "backtest" / "data"


@pytest.fixture(scope="module")
def data_folders(tmp_path_factory) -> dict[str, Path]:
    """record.sh's folders: a user_data with the bundled 5m candles; a data folder with 5m and
    1h candles of every pair and, under futures/, futures and mark candles."""
    root = tmp_path_factory.mktemp("list_data")
    user_data = root / "user_data"
    shutil.copytree(CANDLES_5M, user_data / "data" / "binance")
    mixed = root / "mixed"
    shutil.copytree(CANDLES_5M, mixed)
    for path in CANDLES_1H.glob("*.feather"):
        shutil.copy(path, mixed / path.name)
    futures = mixed / "futures"
    futures.mkdir()
    shutil.copy(CANDLES_5M / "ETH_BTC-5m.feather", futures / "ETH_BTC_BTC-5m-futures.feather")
    shutil.copy(CANDLES_1H / "ETH_BTC-1h.feather", futures / "ETH_BTC_BTC-1h-mark.feather")
    shutil.copy(CANDLES_1H / "LTC_BTC-1h.feather", futures / "LTC_BTC_BTC-1h-futures.feather")
    return {"user_data": user_data, "mixed": mixed}


def list_data(*args: str) -> str:
    return command_output("list_data", *args)


def recorded(name: str) -> str:
    return (RECORDED / name).read_text(encoding="utf-8")


USERDIR = ["--userdir", "{user_data}"]
MIXED = ["-d", "{mixed}"]


@pytest.mark.parametrize(
    ("fixture", "args"),
    [
        ("data.txt", [*USERDIR, "--exchange", "binance"]),
        ("data-timerange.txt", [*USERDIR, "--exchange", "binance", "--show-timerange"]),
        ("data-no-exchange.txt", USERDIR),
        ("data-no-exchange-timerange.txt", [*USERDIR, "--show-timerange"]),
        ("data-mixed.txt", MIXED),
        (
            "data-mixed-timerange-pairs.txt",
            [*MIXED, "--show-timerange", "-p", "ETH/BTC", "ADA/BTC"],
        ),
        ("data-futures.txt", [*MIXED, "--trading-mode", "futures"]),
        ("data-futures-timerange.txt", [*MIXED, "--trading-mode", "futures", "--show-timerange"]),
        ("data-unknown-pair.txt", [*MIXED, "-p", "XYZ/BTC"]),
        ("data-unknown-pair-timerange.txt", [*MIXED, "-p", "XYZ/BTC", "--show-timerange"]),
        ("data-trades.txt", [*MIXED, "--trades"]),
    ],
)
def test_list_data_output_is_freqtrades(data_folders, fixture, args):
    args = [arg.format(**data_folders) for arg in args]
    assert list_data(*args) == recorded(fixture)


def test_the_table_is_read_from_the_files(data_folders, tmp_path):
    """Fewer candles in a file show as a shorter range and a smaller count."""
    data = tmp_path / "binance"
    shutil.copytree(CANDLES_5M, data)
    frame = pd.read_feather(data / "ETH_BTC-5m.feather")
    frame.iloc[:100].reset_index(drop=True).to_feather(data / "ETH_BTC-5m.feather")
    output = list_data("-d", str(data), "--show-timerange")
    assert output != recorded("data-timerange.txt")
    assert (
        "│  ETH/BTC │        5m │ spot │ 2018-01-10 04:55:00 │ 2018-01-10 13:10:00 │     100 │"
        in (output)
    )


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--datadir", "/no/such/folder"], "--datadir"),
        (["--userdir", "/no/such/folder"], "--userdir"),
        (["--config", "/no/such/config.json"], "--config"),
        (["-d", "{mixed}", "--data-format-ohlcv", "json"], "--data-format-ohlcv"),
    ],
)
def test_bad_input_is_one_error_naming_the_flag(data_folders, args, flag):
    given = [arg.format(**data_folders) for arg in args]
    assert one_line_error("list_data", *given).startswith(f"{flag}: ")


def test_a_config_that_does_not_load_is_an_error(tmp_path):
    config = tmp_path / "config.json"
    config.write_text('{"max_open_trades": 3,')
    assert one_line_error("list_data", "--config", str(config)).startswith("--config: ")


def test_an_unknown_trading_mode_is_refused(data_folders):
    with pytest.raises(CommandError, match="--trading-mode"):
        list_data("-d", str(data_folders["mixed"]), "--trading-mode", "options")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_table_is_styled_as_freqtrades(data_folders):
    out = Terminal()
    args = ["-d", str(data_folders["mixed"]), "--show-timerange", "-p", "ETH/BTC"]
    call_command("list_data", *args, stdout=out, stderr=io.StringIO())
    assert out.getvalue() == recorded("data-mixed-terminal.txt")


def test_the_folders_come_from_a_utility_config(data_folders, tmp_path):
    """As in Freqtrade, a config without the keys only trading needs is enough."""
    config = tmp_path / "config.json"
    config.write_text(
        '{{"exchange": {{"name": "binance"}}, "user_data_dir": "{ud}"}}'.format(
            ud=data_folders["user_data"]
        )
    )
    assert list_data("--config", str(config)) == recorded("data.txt")
