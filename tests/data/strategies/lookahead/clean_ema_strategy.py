"""CleanEmaStrategy: a fast/slow EMA crossover reading only closed candles (no lookahead).

The same rules as the bundled EmaCrossStrategy (user_data/strategies), copied here so the
recorded analyses keep their strategy when the bundled one changes.
"""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class CleanEmaStrategy(IStrategy):
    INTERFACE_VERSION = 3

    timeframe = "5m"
    minimal_roi = {"0": 0.05}
    stoploss = -0.05
    startup_candle_count = 60

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["ema_fast"] = ta.EMA(dataframe, timeperiod=12)
        dataframe["ema_slow"] = ta.EMA(dataframe, timeperiod=26)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        fast, slow = dataframe["ema_fast"], dataframe["ema_slow"]
        cross_up = (fast > slow) & (fast.shift(1) <= slow.shift(1))
        dataframe["enter_long"] = np.where(cross_up & (dataframe["volume"] > 0), 1, 0)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        fast, slow = dataframe["ema_fast"], dataframe["ema_slow"]
        cross_down = (fast < slow) & (fast.shift(1) >= slow.shift(1))
        dataframe["exit_long"] = np.where(cross_down, 1, 0)
        return dataframe
