"""/available_pairs, /pair_history, /plot_config on a data folder built by the test, and /edge."""

import shutil

import pandas as pd
import pytest

from api.context import configure_webserver
from bot_engine import runtime
from bot_engine.config.builder import build_config
from bot_engine.config.model import EdgeConfig
from bot_engine.data.candles import load_candles, store_candles
from bot_engine.edge.positioning import EdgePositioning
from bot_engine.edge.simulation import PairEdge
from tests.fixtures.api import USER_DATA, config_dict


@pytest.fixture
def data_webserver(db, tmp_path):
    """Webserver mode over a tmp user_data: ETH/BTC 5m + 1h, ADA/USDT 5m, a stray temp file."""
    user_data = tmp_path / "user_data"
    shutil.copytree(USER_DATA / "strategies", user_data / "strategies")
    data_dir = user_data / "data" / "binance"
    eth = load_candles(USER_DATA / "data" / "binance", "ETH/BTC", "5m")
    store_candles(data_dir, "ETH/BTC", "5m", eth)
    hourly = (
        eth.set_index("date")
        .resample("1h")
        .agg({"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"})
        .reset_index()
    )
    store_candles(data_dir, "ETH/BTC", "1h", hourly)
    store_candles(data_dir, "ADA/USDT", "5m", eth.head(50))
    (data_dir / ".ETH_BTC-5m.feather.abc.tmp").write_bytes(b"half a file")
    config = build_config(
        config_dict(user_data_dir=str(user_data), exchange={"name": "binance"}), path=None
    )
    runtime.register(None)
    configure_webserver(config)
    yield config
    configure_webserver(None)


def test_available_pairs_lists_exactly_what_is_on_disk(data_webserver, client_basic):
    body = client_basic.get("/api/v1/available_pairs?timeframe=&stake_currency=").json()
    assert body == {
        "length": 2,
        "pairs": ["ADA/USDT", "ETH/BTC"],
        "pair_interval": [
            ["ADA/USDT", "5m", "spot"],
            ["ETH/BTC", "1h", "spot"],
            ["ETH/BTC", "5m", "spot"],
        ],
    }
    by_tf = client_basic.get("/api/v1/available_pairs", {"timeframe": "1h"}).json()
    assert by_tf["pairs"] == ["ETH/BTC"] and by_tf["pair_interval"] == [["ETH/BTC", "1h", "spot"]]
    by_stake = client_basic.get("/api/v1/available_pairs", {"stake_currency": "USDT"}).json()
    assert by_stake["pairs"] == ["ADA/USDT"]


@pytest.mark.parametrize(
    ("strategy", "timeframe", "timerange", "rows"),
    [
        ("SampleStrategy", "5m", "20180115-20180116", 289),  # both ends included, as Freqtrade
        ("EmaCrossStrategy", "5m", "20180115-", None),
        ("SampleStrategy", "1h", "", None),
    ],
)
def test_pair_history_any_strategy_timeframe_and_range(
    data_webserver, client_basic, strategy, timeframe, timerange, rows
):
    response = client_basic.get(
        "/api/v1/pair_history",
        {
            "pair": "ETH/BTC",
            "timeframe": timeframe,
            "strategy": strategy,
            "timerange": timerange,
            "freqaimodel": "None",
        },
    )
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert (body["strategy"], body["timeframe"]) == (strategy, timeframe)
    if rows is not None:
        assert body["length"] == rows
    columns = body["columns"]
    for needed in ("__date_ts", "open", "close", "_enter_long_signal_close", "enter_tag"):
        assert needed in columns
    enter = columns.index("enter_long")
    fired = [row for row in body["data"] if row[enter] == 1]
    assert len(fired) == body["enter_long_signals"] == body["buy_signals"]
    close, marker = columns.index("close"), columns.index("_enter_long_signal_close")
    assert all(row[marker] == row[close] for row in fired)
    assert all(len(row) == len(columns) for row in body["data"])
    dates = pd.to_datetime([row[0] for row in body["data"]], utc=True)
    assert dates.is_monotonic_increasing and dates.is_unique
    if timerange.startswith("20180115"):
        assert body["data_start"] == "2018-01-15 00:00:00+00:00"


def test_pair_history_errors(data_webserver, client_basic):
    params = {"pair": "ETH/BTC", "timeframe": "5m", "timerange": "20200101-20200102"}
    missing = client_basic.get("/api/v1/pair_history", {**params, "strategy": "SampleStrategy"})
    assert missing.status_code == 502
    unknown = client_basic.get("/api/v1/pair_history", {**params, "strategy": "NoSuchStrategy"})
    assert unknown.status_code == 502


def test_plot_config_of_each_strategy(data_webserver, client_basic):
    sample = client_basic.get("/api/v1/plot_config", {"strategy": "SampleStrategy"}).json()
    assert set(sample["main_plot"]) >= {"tema", "bb_upperband"} and "RSI" in sample["subplots"]
    ema = client_basic.get("/api/v1/plot_config", {"strategy": "EmaCrossStrategy"}).json()
    assert "main_plot" in ema and "subplots" in ema and ema != sample


def test_edge_lists_accepted_pairs_when_enabled(api, running_bot):
    edges = {
        "ETH/BTC": PairEdge("ETH/BTC", -0.03, 0.7, 2.0, 0.43, 1.1, 14, 52.5),
        "XLM/BTC": PairEdge("XLM/BTC", -0.05, 0.4, 1.0, 1.5, -0.2, 11, 80.0),
    }
    running_bot.edge = EdgePositioning(
        EdgeConfig(enabled=True), lambda *a: edges, fallback_stoploss=-0.1, capital_ratio=0.99
    )
    assert api.get("/api/v1/edge").json() == []  # nothing calculated yet
    running_bot.edge.refresh(pairs=list(edges), now=None, fees={}, wait=True)
    assert api.get("/api/v1/edge").json() == [
        {
            "Pair": "ETH/BTC",
            "Winrate": 0.7,
            "Expectancy": 1.1,
            "Stoploss": -0.03,
            "RiskRewardRatio": 2.0,
            "RequiredRiskRewardRatio": 0.43,
            "NbTrades": 14,
            "AvgTradeDuration": 52.5,
        }
    ]


def test_edge_disabled_is_502(webserver, client_basic):
    body = client_basic.get("/api/v1/edge").json()
    assert body == {"error": "Error querying /api/v1/edge: Edge is not enabled."}
