"""Signals parity with the real Freqtrade: ``GET /api/v1/pair_history`` must give the signal rows
Freqtrade 2026.9's own ``pair_history`` gave for the same strategy file on the same candles.

The references are tests/data/freqtrade/signals/*.json, made by running Freqtrade itself (see
that folder's README.md); each holds, per pair, the answer's extent and every row carrying an
entry/exit signal or a tag. Each strategy is loaded here by Tradeplane's loader from a strategy
folder holding only its file, over a data folder with the very candles Freqtrade read.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from api.context import configure_webserver
from bot_engine import runtime
from bot_engine.config.builder import build_config
from bot_engine.data.candles import load_candles, store_candles
from tests.fixtures.api import USER_DATA, config_dict

REPO = Path(__file__).resolve().parents[3]
SIGNALS = REPO / "tests" / "data" / "freqtrade" / "signals"
TEST_STRATEGIES = REPO / "tests" / "data" / "strategies"
PARITY_STRATEGIES = TEST_STRATEGIES / "parity"
PAIRS = ("ETH/BTC", "LTC/BTC", "ADA/BTC")

# fixture name -> (strategy file, class name Tradeplane loads)
CASES = {
    "EmaCrossStrategy": (USER_DATA / "strategies" / "ema_cross_strategy.py", None),
    "SampleStrategy": (USER_DATA / "strategies" / "sample_strategy.py", None),
    "FreqtradeSampleStrategy": (
        TEST_STRATEGIES / "freqtrade_template" / "sample_strategy.py",
        "SampleStrategy",
    ),
    "ParityQtpylibBands": (PARITY_STRATEGIES / "parity_qtpylib_bands.py", None),
    "ParityTechnicalQtpylib": (PARITY_STRATEGIES / "parity_technical_qtpylib.py", None),
    "ParityPandasTa": (PARITY_STRATEGIES / "parity_pandas_ta.py", None),
    "ParityInformativeMerge": (PARITY_STRATEGIES / "parity_informative_merge.py", None),
    "ParityInformativeDecorator": (PARITY_STRATEGIES / "parity_informative_decorator.py", None),
    "ParityTagAppend": (PARITY_STRATEGIES / "parity_tag_append.py", None),
    # the 5m strategy asked for 1h candles: run on them, as Freqtrade does
    "EmaCrossStrategy_1h": (USER_DATA / "strategies" / "ema_cross_strategy.py", "EmaCrossStrategy"),
    "ParityInformativeMerge_1h": (
        PARITY_STRATEGIES / "parity_informative_merge.py",
        "ParityInformativeMerge",
    ),
}
# name -> reason, for a strategy whose support is not in the tree yet (an xfail until it is)
PENDING: dict[str, str] = {}


def hourly(frame: pd.DataFrame) -> pd.DataFrame:
    """The 1h candles Freqtrade was given (make_signals.py's rule): a bucket the 5m data starts
    inside of is dropped, and an hour without any 5m candle gives no candle."""
    grouped = frame.set_index("date").resample("1h", label="left", closed="left")
    out = grouped.agg(
        {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
    )
    out = out[grouped["close"].count() > 0].reset_index()
    if frame["date"].iloc[0] != out["date"].iloc[0]:
        out = out.iloc[1:]
    return out.reset_index(drop=True)


@pytest.fixture(scope="module")
def candles() -> dict[tuple[str, str], pd.DataFrame]:
    source = USER_DATA / "data" / "binance"
    frames = {}
    for pair in PAIRS:
        five = load_candles(source, pair, "5m")
        frames[pair, "5m"], frames[pair, "1h"] = five, hourly(five)
    return frames


def webserver_with(tmp_path: Path, strategy_file: Path, candles: dict) -> None:
    """Webserver mode over a user_data holding one strategy file and the reference candles."""
    user_data = tmp_path / "user_data"
    (user_data / "strategies").mkdir(parents=True)
    shutil.copy(strategy_file, user_data / "strategies" / strategy_file.name)
    for (pair, timeframe), frame in candles.items():
        store_candles(user_data / "data" / "binance", pair, timeframe, frame)
    config = build_config(
        config_dict(user_data_dir=str(user_data), exchange={"name": "binance"}), path=None
    )
    runtime.register(None)
    configure_webserver(config)


def signal_rows(body: dict) -> list[list]:
    """The answer's rows carrying a signal or a tag, as the fixtures record them."""
    at = {name: body["columns"].index(name) for name in body["columns"]}
    rows = []
    for row in body["data"]:
        enter, exit_ = row[at["enter_long"]] == 1, row[at["exit_long"]] == 1
        enter_tag = row[at["enter_tag"]] if "enter_tag" in at else ""
        exit_tag = row[at["exit_tag"]] if "exit_tag" in at else ""
        if enter or exit_ or enter_tag or exit_tag:
            rows.append([row[at["__date_ts"]], enter, exit_, enter_tag or "", exit_tag or ""])
    return rows


def reference_rows(rows: list[list]) -> list[list]:
    return [
        [ts, enter == 1, exit_ == 1, etag or "", xtag or ""]
        for ts, enter, exit_, etag, xtag in rows
    ]


def _case(name: str):
    marks = [pytest.mark.xfail(strict=False, reason=PENDING[name])] if name in PENDING else []
    return pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", [_case(name) for name in CASES])
def test_pair_history_signals_match_freqtrade(db, tmp_path, candles, client_basic, name):
    reference = json.loads((SIGNALS / f"{name}.json").read_text())
    path, class_name = CASES[name]
    webserver_with(tmp_path, path, candles)
    try:
        for index, (pair, expected) in enumerate(reference["pairs"].items()):
            params = {
                "pair": pair,
                "timeframe": reference["timeframe"],
                "strategy": class_name or name,
                "timerange": reference["timerange"],
            }
            if index == 1:  # POST answers as GET does (one pair is enough to show it)
                response = client_basic.post("/api/v1/pair_history", params, format="json")
            else:
                response = client_basic.get("/api/v1/pair_history", params)
            assert response.status_code == 200, response.content[:500]
            body = response.json()
            framing = {key: body[key] for key in ("length", "data_start_ts", "data_stop_ts")}
            assert framing == {key: expected[key] for key in framing}, pair
            assert signal_rows(body) == reference_rows(expected["rows"]), pair
            assert (body["enter_long_signals"], body["exit_long_signals"]) == (
                expected["enter_long_signals"],
                expected["exit_long_signals"],
            ), pair
    finally:
        configure_webserver(None)


def test_every_reference_names_its_freqtrade_version_and_has_signals():
    """A fixture without signals would make its parity test pass vacuously."""
    files = sorted(SIGNALS.glob("*.json"))
    assert {f.stem for f in files} == set(CASES)
    for path in files:
        reference = json.loads(path.read_text())
        assert reference["freqtrade_version"] == "2026.9"
        assert set(reference["pairs"]) == set(PAIRS)
        for pair, expected in reference["pairs"].items():
            assert expected["enter_long_signals"] > 0, (path.name, pair)
            assert any(row[1] == 1 for row in expected["rows"]), (path.name, pair)


POPULATION_STD_BANDS = """
        typical = qtpylib.typical_price(dataframe)
        mid = typical.rolling(20).mean()
        std = typical.rolling(20).std(ddof=0)  # the deleted stand-in's population deviation
        bands = {"lower": mid - 2 * std, "mid": mid, "upper": mid + 2 * std}
"""


def test_the_references_tell_population_std_bands_apart(db, tmp_path, candles, client_basic):
    """The parity test can fail: the stand-in qtpylib's bands (population std, 0.9747x as wide)
    give signals the Freqtrade reference does not have."""
    source = (PARITY_STRATEGIES / "parity_qtpylib_bands.py").read_text()
    original = (
        "        bands = qtpylib.bollinger_bands(qtpylib.typical_price(dataframe), window=20, "
        "stds=2)\n"
    )
    assert original in source
    variant = tmp_path / "variant" / "parity_qtpylib_bands.py"
    variant.parent.mkdir()
    variant.write_text(source.replace(original, POPULATION_STD_BANDS.lstrip("\n")))
    reference = json.loads((SIGNALS / "ParityQtpylibBands.json").read_text())
    webserver_with(tmp_path, variant, candles)
    try:
        response = client_basic.get(
            "/api/v1/pair_history",
            {
                "pair": "ETH/BTC",
                "timeframe": "5m",
                "strategy": "ParityQtpylibBands",
                "timerange": reference["timerange"],
            },
        )
    finally:
        configure_webserver(None)
    assert response.status_code == 200, response.content[:300]
    rows = signal_rows(response.json())
    assert rows and rows != reference_rows(reference["pairs"]["ETH/BTC"]["rows"])
