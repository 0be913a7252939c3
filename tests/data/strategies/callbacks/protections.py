"""protections: CooldownPeriod keeps a pair out for 6 candles after each exit."""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class ProtectionsStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 0.005}
    stoploss = -0.10
    startup_candle_count = 20

    @property
    def protections(self):
        return [{"method": "CooldownPeriod", "stop_duration_candles": 6}]

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = np.where(dataframe["rsi"] < 40, 1, 0)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe
