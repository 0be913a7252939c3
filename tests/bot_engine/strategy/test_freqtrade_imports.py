"""Strategy files written for Freqtrade 2026.9 import what they import there and run here.

Each strategy is loaded by the real loader and run by the engine on the bundled replay candles:
qtpylib from the real ``technical`` package (sample-std Bollinger bands), ``pandas_ta``,
``Trade``/``PairLocks`` over the running bot's rows, the enum/constant/helper names, and
Freqtrade's own ``SampleStrategy`` template unchanged.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from bot_engine.models import Bot, PairLock, Trade
from bot_engine.strategy.persistence import bind_bot
from tests.fixtures.engine import TEST_STRATEGIES, run_candles

PAIRS = ["ETH/BTC", "XLM/BTC"]
# Two days into the bundled candles, so the first analysis gets a full window (300 candles).
LATER_START = {"replay": {"start": "20180112"}}


@pytest.fixture
def strategy_folder(tmp_path):
    folder = tmp_path / "strategies"
    folder.mkdir()
    yield folder
    bind_bot(None)  # the next test's bot binds its own; none may see this one's rows


def analysed(bot, pair: str) -> pd.DataFrame:
    frame = bot.dataframes[pair].frame
    assert len(frame) > 50
    return frame


INDICATOR_LIBRARIES = """
import pandas_ta
import scipy.stats
import talib.abstract as ta
from pandas import DataFrame
from technical import qtpylib
from freqtrade.strategy import IStrategy
from freqtrade.vendor.qtpylib import indicators as ft_qtpylib


class LibrariesStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 10.0}
    stoploss = -0.99

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        bands = qtpylib.bollinger_bands(qtpylib.typical_price(dataframe), window=20, stds=2)
        dataframe["bb_upper"] = bands["upper"]
        dataframe["bb_mid"] = bands["mid"]
        vendored = ft_qtpylib.bollinger_bands(qtpylib.typical_price(dataframe), window=20, stds=2)
        dataframe["bb_upper_vendor"] = vendored["upper"]
        dataframe["ao"] = qtpylib.awesome_oscillator(dataframe)
        dataframe["rsi_pta"] = dataframe.ta.rsi(length=14)
        dataframe["rsi_talib"] = ta.RSI(dataframe, timeperiod=14)
        dataframe["close_z"] = scipy.stats.zscore(dataframe["close"])
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = 0
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["exit_long"] = 0
        return dataframe
"""


def test_qtpylib_is_technicals_with_sample_std_bands(make_running_bot, strategy_folder) -> None:
    """``from technical import qtpylib`` and ``freqtrade.vendor.qtpylib`` are one module; its
    Bollinger bands use the sample deviation (ddof=1) from the first rows on, as Freqtrade's."""
    (strategy_folder / "libraries.py").write_text(INDICATOR_LIBRARIES)
    bot = make_running_bot(
        strategy="LibrariesStrategy", strategy_path=str(strategy_folder), exchange=LATER_START
    )
    run_candles(bot, 1)
    frame = analysed(bot, "ETH/BTC")
    typical = (frame["high"] + frame["low"] + frame["close"]) / 3
    sample_std = typical.rolling(20, min_periods=1).std(ddof=1)
    mid = typical.rolling(20, min_periods=1).mean()
    np.testing.assert_allclose(frame["bb_mid"], mid)
    np.testing.assert_allclose(frame["bb_upper"][1:], (mid + 2 * sample_std)[1:])
    # The stand-in's population deviation gave bands sqrt(19/20) as wide: not these.
    population = typical.rolling(20).std(ddof=0)
    assert not np.allclose(frame["bb_upper"][19:], (mid + 2 * population)[19:])
    pd.testing.assert_series_equal(frame["bb_upper_vendor"], frame["bb_upper"], check_names=False)
    # awesome_oscillator came with technical's qtpylib (the stand-in had none).
    midprice = (frame["high"] + frame["low"]) / 2
    ao = midprice.rolling(5).mean() - midprice.rolling(34).mean()
    np.testing.assert_allclose(frame["ao"][40:], ao[40:])
    # pandas_ta's RSI (Wilder smoothing) converges on TA-Lib's once past the warm-up.
    np.testing.assert_allclose(frame["rsi_pta"][100:], frame["rsi_talib"][100:], rtol=1e-6)
    assert frame["close_z"].abs().max() > 0


BOOKKEEPING = """
from datetime import datetime, timedelta

from pandas import DataFrame

from freqtrade.constants import Config, ListPairsWithTimeframes
from freqtrade.data.dataprovider import DataProvider
from freqtrade.enums import CandleType, ExitType, RunMode, SignalDirection, TradingMode
from freqtrade.exceptions import OperationalException
from freqtrade.exchange import date_minus_candles, timeframe_to_minutes
from freqtrade.persistence import Order
from freqtrade.strategy import IStrategy, PairLocks, Trade, informative

LOCK_MINUTES = 30


class BookkeepingStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 10.0}
    stoploss = -0.99

    def bot_start(self, **kwargs) -> None:
        if self.config["stake_currency"] != "BTC":
            raise OperationalException("This strategy trades BTC pairs only.")

    def informative_pairs(self) -> ListPairsWithTimeframes:
        return []

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        last = dataframe["date"].iloc[-1].to_pydatetime()
        dataframe["window_start"] = date_minus_candles(self.timeframe, len(dataframe) - 1, last)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        pair = metadata["pair"]
        closed = Trade.get_trades_proxy(pair=pair, is_open=False)
        queried = Trade.get_trades([Trade.pair == pair, Trade.is_open.is_(False)]).all()
        dataframe["enter_long"] = 1
        dataframe["enter_tag"] = f"after{len(closed)}/{len(queried)}"
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["exit_long"] = 0
        return dataframe

    def custom_exit(self, pair: str, trade: Trade, current_time: datetime, current_rate: float,
                    current_profit: float, **kwargs) -> str | None:
        if current_time - trade.open_date_utc < timedelta(minutes=5):
            return None
        mine = trade.trade_id in [t.trade_id for t in Trade.get_open_trades()]
        PairLocks.lock_pair(pair, current_time + timedelta(minutes=LOCK_MINUTES), "cooldown")
        locked = PairLocks.is_pair_locked(pair) and PairLocks.is_pair_locked(pair, side="*")
        return f"{ExitType.CUSTOM_EXIT.value}:open={mine}:locked={locked}"
"""


def test_trade_and_pairlocks_read_the_running_bots_rows(make_running_bot, strategy_folder):
    """``Trade.get_trades_proxy``/``get_trades``/``get_open_trades`` see this bot's trades only,
    and a lock a strategy takes with ``PairLocks.lock_pair`` holds the engine's entries back."""
    other = Bot.objects.create(name="another-bot")
    Trade.objects.create(  # another bot's closed ETH/BTC trade: never counted
        bot=other,
        trade_id=1,
        exchange="replay",
        pair="ETH/BTC",
        is_open=False,
        open_date=pd.Timestamp("2018-01-01", tz="UTC"),
        close_date=pd.Timestamp("2018-01-02", tz="UTC"),
    )
    (strategy_folder / "bookkeeping.py").write_text(BOOKKEEPING)
    bot = make_running_bot(
        strategy="BookkeepingStrategy", strategy_path=str(strategy_folder), exchange=LATER_START
    )
    run_candles(bot, 40)

    frame = analysed(bot, "ETH/BTC")
    assert frame["window_start"].iloc[-1] == frame["date"].iloc[0]
    trades = list(Trade.objects.for_bot(bot.bot_id).filter(pair="ETH/BTC").order_by("trade_id"))
    assert len(trades) >= 3
    assert [t.enter_tag for t in trades[:3]] == ["after0/0", "after1/1", "after2/2"]
    closed = [t for t in trades if not t.is_open]
    assert {t.exit_reason for t in closed} == {"custom_exit:open=True:locked=True"}
    for done, following in zip(closed, trades[1:], strict=False):
        # Locked 30 minutes from the exit, to the candle boundary after (Freqtrade's rounding).
        assert following.open_date == done.close_date + timedelta(minutes=35)
    locks = PairLock.objects.filter(bot_id=bot.bot_id, pair="ETH/BTC", reason="cooldown")
    assert locks.count() == len(closed)
    assert not PairLock.objects.filter(bot=other).exists()


def test_freqtrades_sample_strategy_template_runs_unchanged(make_running_bot) -> None:
    """Freqtrade 2026.9's ``SampleStrategy`` template (``from technical import qtpylib``,
    ``Trade``/``Order``/``PairLocks``/``informative`` imports) loads and analyses both pairs."""
    bot = make_running_bot(
        strategy="SampleStrategy",
        strategy_path=str(TEST_STRATEGIES / "freqtrade_template"),
        exchange=LATER_START,
    )
    assert bot.strategy.__file__.endswith("freqtrade_template/sample_strategy.py")
    run_candles(bot, 2)
    for pair in PAIRS:
        frame = analysed(bot, pair)
        for column in ("rsi", "tema", "bb_middleband", "sar", "htsine", "enter_long", "exit_long"):
            assert column in frame.columns, column
        # Its bands are qtpylib's: sample deviation of the typical price, window 20, 2 stds.
        typical = (frame["high"] + frame["low"] + frame["close"]) / 3
        expected = typical.rolling(20, min_periods=1).mean() - 2 * typical.rolling(
            20, min_periods=1
        ).std(ddof=1)
        np.testing.assert_allclose(frame["bb_lowerband"][1:], expected[1:])
