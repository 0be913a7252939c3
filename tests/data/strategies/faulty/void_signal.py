"""ETH/BTC's entry column ends up of dtype ``|V0`` (as some strategies produce on a 2-candle
window): no signal for that pair, and the loop must go on trading the others."""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class VoidSignalStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 0.01}
    stoploss = -0.05
    startup_candle_count = 20

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        if metadata["pair"] == "ETH/BTC":
            dataframe["enter_long"] = np.empty(len(dataframe), dtype="V0")
        else:
            dataframe["enter_long"] = np.where(dataframe["rsi"] < 35, 1.0, np.nan)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["exit_long"] = np.empty(len(dataframe), dtype="V0")
        return dataframe
