"""Reference signals from the real Freqtrade, for tests/bot_engine/strategy/test_signal_parity.py.

Run with Freqtrade's own interpreter, never Tradeplane's (Freqtrade is not a project
dependency); the exact command is in this folder's README.md. For each strategy it calls the
function behind Freqtrade's ``GET /api/v1/pair_history`` (``RPC._rpc_analysed_history_full``,
webserver mode, candles from disk) on each pair and keeps, per pair, the frame's extent and the
rows that carry a signal or a tag -- not the whole frame, to keep the fixtures small.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import freqtrade
import numpy as np
import pandas as pd
from freqtrade.configuration import Configuration
from freqtrade.enums import RunMode
from freqtrade.rpc.rpc import RPC

REPO = Path(__file__).resolve().parents[4]
CANDLES = REPO / "user_data" / "data" / "binance"
PAIRS = ("ETH/BTC", "LTC/BTC", "ADA/BTC")  # ADA/BTC has gaps in its 5m candles
TIMEFRAME = "5m"
TIMERANGE = "20180115-20180118"
# name -> folder holding its file (each run sees only that folder, so class names may repeat)
STRATEGIES = {
    "EmaCrossStrategy": REPO / "user_data" / "strategies",
    "SampleStrategy": REPO / "user_data" / "strategies",
    # Freqtrade's own template, copied unchanged (below a header) from the 2026.9 wheel
    "FreqtradeSampleStrategy": REPO / "tests" / "data" / "strategies" / "freqtrade_template",
    "ParityQtpylibBands": REPO / "tests" / "data" / "strategies" / "parity",
    "ParityTechnicalQtpylib": REPO / "tests" / "data" / "strategies" / "parity",
    "ParityPandasTa": REPO / "tests" / "data" / "strategies" / "parity",
    "ParityInformativeMerge": REPO / "tests" / "data" / "strategies" / "parity",
    "ParityInformativeDecorator": REPO / "tests" / "data" / "strategies" / "parity",
    "ParityTagAppend": REPO / "tests" / "data" / "strategies" / "parity",
    # A 5m strategy asked for 1h candles: Freqtrade runs it on the 1h candles (the request's
    # timeframe replaces the strategy's).
    "EmaCrossStrategy_1h": REPO / "user_data" / "strategies",
    "ParityInformativeMerge_1h": REPO / "tests" / "data" / "strategies" / "parity",
}
# fixture name -> (timeframe, timerange) when not TIMEFRAME / TIMERANGE
FRAMES = {
    "EmaCrossStrategy_1h": ("1h", "20180113-20180129"),
    "ParityInformativeMerge_1h": ("1h", "20180113-20180129"),
}
SIGNAL_COLUMNS = ("enter_long", "exit_long", "enter_tag", "exit_tag")


def hourly(frame: pd.DataFrame) -> pd.DataFrame:
    """1h candles from 5m ones the way an exchange reports them: a bucket the data starts inside
    of is dropped, and an hour without any 5m candle gives no candle."""
    grouped = frame.set_index("date").resample("1h", label="left", closed="left")
    out = grouped.agg(
        {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
    )
    out = out[grouped["close"].count() > 0].reset_index()
    if frame["date"].iloc[0] != out["date"].iloc[0]:
        out = out.iloc[1:]
    return out.reset_index(drop=True)


def build_datadir(root: Path) -> Path:
    datadir = root / "binance"
    datadir.mkdir(parents=True)
    for pair in PAIRS:
        name = pair.replace("/", "_")
        shutil.copy(CANDLES / f"{name}-5m.feather", datadir / f"{name}-5m.feather")
        candles = pd.read_feather(CANDLES / f"{name}-5m.feather")
        hourly(candles).to_feather(datadir / f"{name}-1h.feather")
    return datadir


def class_name(fixture: str) -> str:
    if fixture == "FreqtradeSampleStrategy":
        return "SampleStrategy"
    return fixture.split("_")[0]


def config_for(strategy: str, folder: Path, datadir: Path, user_data: Path) -> dict:
    timeframe, timerange = FRAMES.get(strategy, (TIMEFRAME, TIMERANGE))
    path = user_data / "config.json"
    path.write_text(
        json.dumps(
            {
                "dry_run": True,
                "stake_currency": "BTC",
                "stake_amount": 0.05,
                "max_open_trades": 3,
                "timeframe": timeframe,
                "exchange": {"name": "binance", "pair_whitelist": list(PAIRS)},
                "pairlists": [{"method": "StaticPairList"}],
                "entry_pricing": {"price_side": "same"},
                "exit_pricing": {"price_side": "same"},
                "user_data_dir": str(user_data),
                "dataformat_ohlcv": "feather",
            }
        )
    )
    config = Configuration.from_files([str(path)])
    config.update(
        {
            "runmode": RunMode.WEBSERVER,
            "strategy": class_name(strategy),
            "strategy_path": str(folder),
            "timerange": timerange,
            "timeframe": timeframe,
            "datadir": datadir,  # the config file's datadir is replaced by user_data_dir's
        }
    )
    return config


def _cell(value: object) -> object:
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


class MarketsOnly:
    """The one thing the DataProvider asks the exchange in webserver mode: ``@informative`` with
    an asset reads the asset's base and quote from the markets (binance's, offline)."""

    markets = {
        pair: {"symbol": pair, "base": pair.split("/")[0], "quote": pair.split("/")[1]}
        for pair in PAIRS
    }


def pair_signals(config: dict, pair: str) -> dict:
    timeframe = config["timeframe"]
    body = RPC._rpc_analysed_history_full(config, pair, timeframe, MarketsOnly(), None, False)
    columns = body["columns"]
    at = {name: columns.index(name) for name in ("__date_ts", *SIGNAL_COLUMNS) if name in columns}
    rows = []
    for row in body["data"]:
        cells = [_cell(row[at[name]]) if name in at else None for name in SIGNAL_COLUMNS]
        enter, exit_, enter_tag, exit_tag = cells
        if enter == 1 or exit_ == 1 or enter_tag or exit_tag:
            rows.append([row[at["__date_ts"]], *cells])
    return {
        "length": body["length"],
        "data_start_ts": body["data_start_ts"],
        "data_stop_ts": body["data_stop_ts"],
        "enter_long_signals": body["enter_long_signals"],
        "exit_long_signals": body["exit_long_signals"],
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        datadir = build_datadir(root / "data")
        for strategy, folder in STRATEGIES.items():
            user_data = root / strategy
            user_data.mkdir()
            config = config_for(strategy, folder, datadir, user_data)
            fixture = {
                "freqtrade_version": freqtrade.__version__,
                "strategy": strategy,
                "timeframe": config["timeframe"],
                "timerange": config["timerange"],
                "row_columns": ["__date_ts", *SIGNAL_COLUMNS],
                "pairs": {pair: pair_signals(config, pair) for pair in PAIRS},
            }
            text = json.dumps(fixture, separators=(",", ":"))
            # One pair per line: small diffs when a fixture is regenerated.
            text = text.replace('},"', '},\n"')
            (args.out / f"{strategy}.json").write_text(text + "\n")
            print(strategy, {p: len(v["rows"]) for p, v in fixture["pairs"].items()})


if __name__ == "__main__":
    main()
