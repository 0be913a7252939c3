"""use_custom_stoploss: the stop follows 2 % under the price once a trade is 1 % up.

Below that it answers a looser -50 %, which must never lower the -10 % initial stop.
"""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class CustomStoplossStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 10}
    stoploss = -0.10
    use_exit_signal = False
    use_custom_stoploss = True
    startup_candle_count = 20

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = np.where(dataframe["rsi"] < 30, 1, 0)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def custom_stoploss(self, pair, trade, current_time, current_rate, current_profit, **kwargs):
        return -0.02 if current_profit > 0.01 else -0.5
