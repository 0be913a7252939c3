"""The ``@informative`` decorator: this pair's 1h candles and another pair's 30m candles."""

from freqtrade.strategy import IStrategy, informative
from pandas import DataFrame


class InformativeDecorated(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    minimal_roi = {"0": 0.01}
    stoploss = -0.05

    @informative("1h")
    def populate_indicators_1h(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["sma3"] = dataframe["close"].rolling(3).mean()
        return dataframe

    @informative("30m", "ETH/{stake}")
    def populate_indicators_eth_30m(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["up"] = (dataframe["close"] > dataframe["open"]).astype(int)
        return dataframe

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        # The decorated columns are there before populate_indicators runs.
        dataframe["above_hour"] = (dataframe["close"] > dataframe["sma3_1h"]).astype(int)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (dataframe["above_hour"] == 0) & (dataframe["eth_btc_up_30m"] == 1), "enter_long"
        ] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe
