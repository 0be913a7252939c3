"""The fallback ``freqtrade`` package: qtpylib (technical's), informative merge, stoploss helpers,
and the ``Trade`` name strategies annotate their callbacks with."""

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
import talib

from bot_engine.models import Trade
from bot_engine.strategy import install_freqtrade_shim
from tests.fixtures.engine import run_candles

install_freqtrade_shim()

import freqtrade.vendor.qtpylib.indicators as qtpylib  # noqa: E402
from freqtrade.exchange import timeframe_to_prev_date  # noqa: E402
from freqtrade.strategy import (  # noqa: E402
    merge_informative_pair,
    stoploss_from_absolute,
    stoploss_from_open,
    timeframe_to_minutes,
    timeframe_to_seconds,
)


def test_crossed_above_on_a_hand_series() -> None:
    fast = pd.Series([1.0, 2.0, 3.0, 2.0, 1.0, 2.5, 2.5, 3.0])
    slow = pd.Series([2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.5, 2.0])
    # Row 6 only touches (2.5 == 2.5); leaving a touch upwards on row 7 is a cross too.
    assert qtpylib.crossed_above(fast, slow).tolist() == [
        False,
        False,
        True,
        False,
        False,
        True,
        False,
        True,
    ]
    assert qtpylib.crossed_below(fast, slow).tolist() == [
        False,
        False,
        False,
        False,
        True,
        False,
        False,
        False,
    ]
    assert qtpylib.crossed(fast, slow).sum() == 4


def test_crossed_above_a_constant_and_through_equality() -> None:
    rsi = pd.Series([25.0, 30.0, 31.0, 29.0, 35.0], index=[10, 11, 12, 13, 14])
    crossed = qtpylib.crossed_above(rsi, 30)
    # 30 -> 31 counts (previous <= level), 25 -> 30 does not (not strictly above yet).
    assert crossed.tolist() == [False, False, True, False, True]
    assert list(crossed.index) == [10, 11, 12, 13, 14]


def test_crossed_ignores_nan() -> None:
    series = pd.Series([np.nan, 1.0, 3.0])
    assert qtpylib.crossed_above(series, 2).tolist() == [False, False, True]
    assert qtpylib.crossed_above(pd.Series([np.nan, 3.0]), 2).tolist() == [False, False]


def test_bollinger_bands_use_the_sample_deviation_from_the_first_rows() -> None:
    """technical's qtpylib (Freqtrade's): ddof=1 and min_periods=1, unlike TA-Lib's BBANDS."""
    prices = pd.Series(np.linspace(1.0, 2.0, 60) + np.sin(np.arange(60)) * 0.1)
    bands = qtpylib.bollinger_bands(prices, window=20, stds=2)
    mid = prices.rolling(20, min_periods=1).mean()
    std = prices.rolling(20, min_periods=1).std(ddof=1)
    np.testing.assert_allclose(bands["mid"], mid)
    np.testing.assert_allclose(bands["upper"][1:], (mid + 2 * std)[1:])
    np.testing.assert_allclose(bands["lower"][1:], (mid - 2 * std)[1:])
    upper, _, _ = talib.BBANDS(prices, timeperiod=20, nbdevup=2.0, nbdevdn=2.0)
    assert (bands["upper"][19:] > upper[19:]).all()  # population deviation: narrower


def test_heikinashi_matches_its_recursive_definition() -> None:
    rng = np.random.default_rng(1)
    close = 1 + rng.random(30)
    bars = pd.DataFrame(
        {
            "open": close + 0.01,
            "high": close + 0.05,
            "low": close - 0.05,
            "close": close,
            "volume": 1.0,
        }
    )
    ha = qtpylib.heikinashi(bars)
    expected_open = [(bars["open"][0] + bars["close"][0]) / 2]
    ha_close = (bars["open"] + bars["high"] + bars["low"] + bars["close"]) / 4
    for i in range(1, len(bars)):
        expected_open.append((expected_open[-1] + ha_close[i - 1]) / 2)
    np.testing.assert_allclose(ha["open"], expected_open)
    np.testing.assert_allclose(ha["close"], ha_close)
    assert (ha["high"] >= ha[["open", "close"]].max(axis=1)).all()


def test_typical_price_and_vwap() -> None:
    bars = pd.DataFrame(
        {"high": [3.0, 6.0], "low": [1.0, 2.0], "close": [2.0, 4.0], "volume": [1.0, 3.0]}
    )
    assert qtpylib.typical_price(bars).tolist() == [2.0, 4.0]
    # Freqtrade's qtpylib refuses the whole-frame vwap (it looks ahead); the rolling one is it.
    with pytest.raises(ValueError, match="lookahead"):
        qtpylib.vwap(bars)
    assert qtpylib.rolling_vwap(bars, window=2, min_periods=1).tolist() == [2.0, 3.5]


def base_and_hourly() -> tuple[pd.DataFrame, pd.DataFrame]:
    base = pd.DataFrame(
        {
            "date": pd.date_range("2018-01-10 00:00", periods=36, freq="5min", tz="UTC"),
            "close": np.arange(36.0),
        }
    )
    hourly = pd.DataFrame(
        {
            "date": pd.date_range("2018-01-10 00:00", periods=3, freq="1h", tz="UTC"),
            "close": [100.0, 200.0, 300.0],
        }
    )
    return base, hourly


def test_merge_informative_pair_has_no_lookahead() -> None:
    base, hourly = base_and_hourly()
    merged = merge_informative_pair(base, hourly, "5m", "1h", ffill=True)
    by_time = merged.set_index("date")["close_1h"]
    # The 00:00 hourly candle closes at 01:00: the 5m candle opening 00:55 (closing 01:00)
    # is the first that may see it; every candle before has nothing.
    assert by_time[:"2018-01-10 00:50"].isna().all()
    assert by_time["2018-01-10 00:55"] == 100.0
    assert by_time["2018-01-10 01:50"] == 100.0
    assert by_time["2018-01-10 01:55"] == 200.0
    assert by_time["2018-01-10 02:55"] == 300.0
    assert len(merged) == len(base)
    assert list(merged.columns) == ["date", "close", "date_1h", "close_1h"]
    assert merged.loc[11, "date_1h"] == pd.Timestamp("2018-01-10 00:00", tz="UTC")


def test_merge_informative_pair_without_ffill_and_with_suffix() -> None:
    base, hourly = base_and_hourly()
    merged = merge_informative_pair(
        base, hourly, "5m", "1h", ffill=False, append_timeframe=False, suffix="hour"
    )
    assert merged["close_hour"].notna().sum() == 3
    assert merged.set_index("date").loc["2018-01-10 01:55", "close_hour"] == 200.0


def test_merge_informative_pair_refuses_a_faster_timeframe() -> None:
    base, hourly = base_and_hourly()
    with pytest.raises(ValueError, match="faster timeframe"):
        merge_informative_pair(hourly, base, "1h", "5m")


def test_timeframes() -> None:
    assert timeframe_to_minutes("5m") == 5
    assert timeframe_to_minutes("1h") == 60
    assert timeframe_to_seconds("1d") == 86400
    moment = datetime(2018, 1, 10, 10, 7, 30, tzinfo=UTC)
    assert timeframe_to_prev_date("5m", moment) == datetime(2018, 1, 10, 10, 5, tzinfo=UTC)
    with pytest.raises(ValueError):
        timeframe_to_minutes("5 minutes")


def test_stoploss_helpers() -> None:
    assert stoploss_from_open(0.07, 0.10) == pytest.approx(1 - 1.07 / 1.10)
    assert stoploss_from_open(0.10, 0.05) == 0.0  # the stop would be above the current rate
    assert stoploss_from_open(0.05, -1) == 1.0
    assert stoploss_from_open(0.07, 0.10, is_short=True) == pytest.approx(-1 + 0.93 / 0.90)
    assert stoploss_from_absolute(95.0, 100.0) == pytest.approx(0.05)
    assert stoploss_from_absolute(105.0, 100.0, is_short=True) == pytest.approx(0.05)
    assert stoploss_from_absolute(1.0, 0.0) == 1.0


HINTED_STRATEGY = """
from datetime import datetime

from freqtrade.persistence import Trade
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class TradeHintStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 10.0}
    stoploss = -0.99

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = 1
        dataframe["enter_tag"] = "hinted"
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["exit_long"] = 0
        return dataframe

    def custom_exit(self, pair: str, trade: Trade, current_time: datetime, current_rate: float,
                    current_profit: float, **kwargs) -> str | None:
        if trade.pair == pair and trade.calc_profit_ratio(current_rate) == current_profit:
            return f"{trade.enter_tag}-{trade.pair}"
        return None
"""


def test_callbacks_hinted_with_trade_get_the_engines_trade(make_running_bot, tmp_path) -> None:
    """``trade: Trade`` (freqtrade.persistence) as Freqtrade strategies write it: the file loads
    and ``custom_exit`` gets the engine's trade, whose fields decide the exit."""
    folder = tmp_path / "strategies"
    folder.mkdir()
    (folder / "trade_hint.py").write_text(HINTED_STRATEGY)
    bot = make_running_bot(strategy="TradeHintStrategy", strategy_path=str(folder))
    run_candles(bot, 3)
    closed = Trade.objects.for_bot(bot.bot_id).closed()
    assert sorted({(t.pair, t.exit_reason) for t in closed}) == [
        ("ETH/BTC", "hinted-ETH/BTC"),
        ("XLM/BTC", "hinted-XLM/BTC"),
    ]
