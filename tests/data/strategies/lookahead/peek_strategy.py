"""PeekStrategy: an EMA crossover that also reads the NEXT candle's close (lookahead bias).

``future_close`` is ``close.shift(-1)``: on the full range every row but the last knows the
candle after it, on data cut at a trade's entry the last row does not. Its entries depend on it,
so lookahead-analysis must flag it (biased entry signals, indicator ``future_close``).
"""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class PeekStrategy(IStrategy):
    INTERFACE_VERSION = 3

    timeframe = "5m"
    minimal_roi = {"0": 0.02}
    stoploss = -0.05
    startup_candle_count = 30

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["ema_fast"] = ta.EMA(dataframe, timeperiod=5)
        dataframe["ema_slow"] = ta.EMA(dataframe, timeperiod=20)
        dataframe["future_close"] = dataframe["close"].shift(-1)  # the bias
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        rising = dataframe["future_close"] > dataframe["close"] * 1.004
        trend = dataframe["ema_fast"] > dataframe["ema_slow"]
        dataframe["enter_long"] = np.where(rising & trend & (dataframe["volume"] > 0), 1, 0)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["exit_long"] = np.where(dataframe["ema_fast"] < dataframe["ema_slow"], 1, 0)
        return dataframe
