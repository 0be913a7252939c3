"""/pair_history frames its answer as Freqtrade's does (issue 16): startup candles trimmed, gaps
filled with quiet candles, both ends of the timerange included, ``timerange: ""`` accepted, and
a strategy's integer column names answered, not a 500."""

import shutil

import pandas as pd
import pytest

from api.context import configure_webserver
from bot_engine import runtime
from bot_engine.config.builder import build_config
from bot_engine.data.candles import load_candles, store_candles
from tests.fixtures.api import USER_DATA, config_dict

STEP = pd.Timedelta(minutes=5)
INT_COLUMNS_STRATEGY = """
from freqtrade.strategy import IStrategy


class IntColumnStrategy(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    stoploss = -0.1
    startup_candle_count = 10

    def populate_indicators(self, dataframe, metadata):
        dataframe[0] = dataframe["close"] * 2  # an integer column label, as some strategies do
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        dataframe.loc[dataframe["close"] > dataframe["open"], "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe, metadata):
        return dataframe
"""


@pytest.fixture
def framing_webserver(db, tmp_path):
    """Webserver mode over a tmp user_data: the bundled strategies plus IntColumnStrategy, and
    the bundled ETH/BTC (no gaps) and ADA/BTC (a 2h50 gap on 2018-01-15) 5m candles."""
    user_data = tmp_path / "user_data"
    shutil.copytree(USER_DATA / "strategies", user_data / "strategies")
    (user_data / "strategies" / "int_column.py").write_text(INT_COLUMNS_STRATEGY)
    for pair in ("ETH/BTC", "ADA/BTC"):
        candles = load_candles(USER_DATA / "data" / "binance", pair, "5m")
        store_candles(user_data / "data" / "binance", pair, "5m", candles)
    config = build_config(
        config_dict(user_data_dir=str(user_data), exchange={"name": "binance"}), path=None
    )
    runtime.register(None)
    configure_webserver(config)
    yield config
    configure_webserver(None)


def history(client, method: str, **params) -> dict:
    params = {"timeframe": "5m", "strategy": "SampleStrategy", **params}
    if method == "GET":
        response = client.get("/api/v1/pair_history", params)
    else:
        response = client.post("/api/v1/pair_history", params, format="json")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def frame_of(body: dict) -> pd.DataFrame:
    frame = pd.DataFrame(body["data"], columns=body["columns"])
    frame["date"] = pd.to_datetime(frame["date"], utc=True)
    return frame


@pytest.mark.parametrize(
    ("method", "timerange"), [("GET", ""), ("POST", ""), ("POST", None)], ids=str
)
def test_empty_timerange_is_all_data_less_the_startup_candles(
    framing_webserver, client_basic, method, timerange
):
    stored = load_candles(USER_DATA / "data" / "binance", "ETH/BTC", "5m")
    body = history(client_basic, method, pair="ETH/BTC", timerange=timerange)
    startup = 30  # SampleStrategy's startup_candle_count
    assert body["length"] == len(stored) - startup
    first = stored["date"].iloc[startup]
    assert body["data_start_ts"] == int(first.timestamp() * 1000)
    assert body["data_stop_ts"] == int(stored["date"].iloc[-1].timestamp() * 1000)


def test_timerange_includes_its_stop_candle_and_cuts_the_startup(framing_webserver, client_basic):
    body = history(client_basic, "GET", pair="ETH/BTC", timerange="20180115-20180116")
    assert body["data_start"] == "2018-01-15 00:00:00+00:00"
    assert body["data_stop"] == "2018-01-16 00:00:00+00:00"
    assert body["length"] == 24 * 12 + 1


def test_gaps_are_filled_with_quiet_candles_at_the_previous_close(framing_webserver, client_basic):
    stored = load_candles(USER_DATA / "data" / "binance", "ADA/BTC", "5m")
    body = history(client_basic, "GET", pair="ADA/BTC", timerange="20180115-20180116")
    frame = frame_of(body)
    assert (frame["date"].diff().iloc[1:] == STEP).all()
    assert len(frame) == 24 * 12 + 1
    missing = frame[~frame["date"].isin(stored["date"])]
    # 10:10, 10:30, 11:10-11:25, 11:45 and 14:50-17:30 on 2018-01-15 are not stored
    assert len(missing) == 1 + 1 + 4 + 1 + 33
    before = frame["close"].shift(1)[missing.index]
    for column in ("open", "high", "low", "close"):
        assert (missing[column] == before).all(), column
    assert (missing["volume"] == 0).all()


def test_integer_column_names_are_answered(framing_webserver, client_basic):
    params = {"pair": "ETH/BTC", "timerange": "20180115-20180116", "strategy": "IntColumnStrategy"}
    body = history(client_basic, "GET", **params)
    assert "0" in body["columns"] and "0" in body["all_columns"]
    frame = frame_of(body)
    assert (frame["0"] == frame["close"] * 2).all()
    picked = history(client_basic, "POST", columns=["0"], **params)
    assert "0" in picked["columns"]
    assert picked["enter_long_signals"] == body["enter_long_signals"] > 0
