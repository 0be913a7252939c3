"""order_filled and check_exit_timeout: every fill is reported; exit orders rest 1 % above the
market (custom_exit_price) and the strategy cancels each one a candle after placing it,
before the config's 10-minute unfilledtimeout would."""

from datetime import timedelta

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class OrderCallbacksStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 0.01}
    stoploss = -0.10
    startup_candle_count = 20

    def __init__(self, config):
        super().__init__(config)
        self.filled = []  # (order_id, side, trade_id)

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = np.where(dataframe["rsi"] < 30, 1, 0)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def custom_exit_price(self, pair, trade, current_time, proposed_rate, current_profit, **kw):
        return proposed_rate * 1.01

    def check_exit_timeout(self, pair, trade, order, current_time, **kwargs):
        return current_time - order.order_date >= timedelta(minutes=5)

    def order_filled(self, pair, trade, order, current_time, **kwargs):
        self.filled.append((order.order_id, order.ft_order_side, trade.trade_id))
