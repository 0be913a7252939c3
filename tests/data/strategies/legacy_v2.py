"""An interface-version-2 strategy: populate_buy_trend / populate_sell_trend writing buy / sell."""

from freqtrade.strategy.interface import IStrategy
from pandas import DataFrame


class LegacyV2Strategy(IStrategy):
    INTERFACE_VERSION = 2

    minimal_roi = {"0": 0.05}
    stoploss = -0.05

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["up"] = dataframe["close"] > dataframe["open"]
        return dataframe

    def populate_buy_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[dataframe["up"], "buy"] = 1
        dataframe.loc[dataframe["up"], "buy_tag"] = "green"
        return dataframe

    def populate_sell_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[~dataframe["up"], "sell"] = 1
        return dataframe
