"""RecursiveEmaStrategy: a long EMA and an RSI with far too few startup candles.

EMA and RSI are recursive: each value depends on every candle before it, so their values change
with the number of startup candles loaded. The SMA is not (a fixed window of 50 candles).
recursive-analysis must show differences for ``ema_long`` and ``rsi`` but none for ``sma``.
"""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class RecursiveEmaStrategy(IStrategy):
    INTERFACE_VERSION = 3

    timeframe = "5m"
    minimal_roi = {"0": 0.03}
    stoploss = -0.05
    startup_candle_count = 10  # far too few for a 200-candle EMA

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["ema_long"] = ta.EMA(dataframe, timeperiod=200)
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        dataframe["sma"] = ta.SMA(dataframe, timeperiod=50)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dip = (dataframe["rsi"] < 30) & (dataframe["close"] > dataframe["ema_long"])
        dataframe["enter_long"] = np.where(dip & (dataframe["volume"] > 0), 1, 0)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["exit_long"] = np.where(dataframe["rsi"] > 70, 1, 0)
        return dataframe
