"""SampleStrategy: RSI + Bollinger band mean reversion, written as a Freqtrade v3 strategy file."""

import freqtrade.vendor.qtpylib.indicators as qtpylib
import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IntParameter, IStrategy
from pandas import DataFrame


class SampleStrategy(IStrategy):
    """Buy oversold dips below the Bollinger mid band; sell when RSI turns overbought.

    Two entry reasons, told apart by ``enter_tag``:
    - ``rsi_cross``: RSI crosses up through ``buy_rsi`` while TEMA is under the mid band and
      rising (the dip is turning);
    - ``bb_rebound``: the close crosses back above the lower band while RSI is still under
      ``buy_rsi``.
    Exit when RSI crosses above ``sell_rsi``; ROI, the stoploss and the exit signal race.
    """

    INTERFACE_VERSION = 3

    timeframe = "5m"
    can_short = False

    # Minutes open -> minimum profit ratio that closes the trade.
    minimal_roi = {"60": 0.01, "30": 0.02, "0": 0.04}
    stoploss = -0.10
    trailing_stop = False

    process_only_new_candles = True
    use_exit_signal = True
    exit_profit_only = False
    ignore_roi_if_entry_signal = False

    # RSI(14) and the 20-candle bands need this many candles before they are meaningful.
    startup_candle_count = 30

    buy_rsi = IntParameter(10, 40, default=30, space="buy")
    sell_rsi = IntParameter(60, 90, default=70, space="sell")

    order_types = {
        "entry": "limit",
        "exit": "limit",
        "stoploss": "market",
        "stoploss_on_exchange": False,
    }
    order_time_in_force = {"entry": "GTC", "exit": "GTC"}

    plot_config = {
        "main_plot": {
            "tema": {},
            "bb_upperband": {"color": "grey"},
            "bb_middleband": {"color": "orange"},
            "bb_lowerband": {"color": "grey"},
        },
        "subplots": {
            "RSI": {"rsi": {"color": "red"}},
        },
    }

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        bands = ta.BBANDS(dataframe, timeperiod=20, nbdevup=2.0, nbdevdn=2.0)
        dataframe["bb_lowerband"] = bands["lowerband"]
        dataframe["bb_middleband"] = bands["middleband"]
        dataframe["bb_upperband"] = bands["upperband"]
        dataframe["tema"] = ta.TEMA(dataframe, timeperiod=9)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        has_volume = dataframe["volume"] > 0
        rsi_cross = (
            qtpylib.crossed_above(dataframe["rsi"], self.buy_rsi.value)
            & (dataframe["tema"] <= dataframe["bb_middleband"])
            & (dataframe["tema"] > dataframe["tema"].shift(1))
            & has_volume
        )
        bb_rebound = (
            qtpylib.crossed_above(dataframe["close"], dataframe["bb_lowerband"])
            & (dataframe["rsi"] < self.buy_rsi.value)
            & has_volume
        )
        # np.where instead of .loc: analyze runs every candle for every pair, and a masked
        # .loc assignment costs pandas about ten times more. rsi_cross wins the tag on a tie.
        dataframe["enter_long"] = np.where(rsi_cross | bb_rebound, 1.0, np.nan)
        dataframe["enter_tag"] = np.where(
            rsi_cross, "rsi_cross", np.where(bb_rebound, "bb_rebound", None)
        )
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        overbought = (
            qtpylib.crossed_above(dataframe["rsi"], self.sell_rsi.value)
            & (dataframe["volume"] > 0)
        )
        dataframe["exit_long"] = np.where(overbought, 1.0, np.nan)
        dataframe["exit_tag"] = np.where(overbought, "rsi_overbought", None)
        return dataframe
