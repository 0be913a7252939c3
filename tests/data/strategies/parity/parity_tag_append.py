"""Parity fixture: tags built up in place (``+=``), a common community pattern. It works in
Freqtrade because the frame handed to populate_entry_trend / populate_exit_trend already has
``enter_tag`` / ``exit_tag`` set to "" (untagged)."""

import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class ParityTagAppend(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    minimal_roi = {"0": 0.04}
    stoploss = -0.10
    startup_candle_count = 30

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        dataframe["sma"] = ta.SMA(dataframe, timeperiod=20)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        oversold = dataframe["rsi"] < 32
        under = dataframe["close"] < dataframe["sma"] * 0.99
        dataframe.loc[oversold, "enter_tag"] += "rsi "
        dataframe.loc[under, "enter_tag"] += "sma_gap "
        dataframe.loc[oversold & under, "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[dataframe["rsi"] > 70, "exit_tag"] += "rsi_high"
        dataframe.loc[dataframe["rsi"] > 70, "exit_long"] = 1
        return dataframe
