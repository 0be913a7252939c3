"""Parity fixture: indicators from ``pandas_ta`` (ft-pandas-ta, shipped by Freqtrade; item 1)."""

import pandas_ta as pta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class ParityPandasTa(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    minimal_roi = {"0": 0.04}
    stoploss = -0.10
    startup_candle_count = 50

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = pta.rsi(dataframe["close"], length=14)
        dataframe["sma_fast"] = pta.sma(dataframe["close"], length=10)
        dataframe["sma_slow"] = pta.sma(dataframe["close"], length=30)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        cross = (dataframe["sma_fast"] > dataframe["sma_slow"]) & (
            dataframe["sma_fast"].shift(1) <= dataframe["sma_slow"].shift(1)
        )
        dataframe.loc[cross & (dataframe["rsi"] < 60), ["enter_long", "enter_tag"]] = (
            1,
            "sma_cross",
        )
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[dataframe["rsi"] > 75, ["exit_long", "exit_tag"]] = (1, "rsi_high")
        return dataframe
