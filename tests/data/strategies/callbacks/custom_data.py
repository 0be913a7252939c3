"""Trade custom data: each filled order bumps a counter; the entry stores its candle's RSI
(float), tag (str), a dict, a list and a bool; the exit records why (str)."""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class CustomDataStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 0.04}
    stoploss = -0.10
    startup_candle_count = 20

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = np.where(dataframe["rsi"] < 30, 1, 0)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def order_filled(self, pair, trade, order, current_time, **kwargs):
        trade.set_custom_data("fills", trade.get_custom_data("fills", 0) + 1)
        if order.ft_order_side == "buy":
            trade.set_custom_data("entry", {"pair": pair, "price": order.safe_price})
            trade.set_custom_data("path", [pair, 1, None])
            trade.set_custom_data("Flag", True)
            trade.set_custom_data("unserialisable", object())  # logged, not stored
        else:
            trade.set_custom_data("exit_reason", trade.exit_reason)
