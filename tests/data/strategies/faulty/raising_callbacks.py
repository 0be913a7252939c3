"""Every callback raises: the bot must log it, use Freqtrade's defaults and keep trading.

custom_exit runs before the stoploss and ROI checks, so those must still close the trades.
"""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class RaisingCallbacksStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 0.01}
    stoploss = -0.01
    startup_candle_count = 20

    def bot_start(self, **kwargs) -> None:
        raise RuntimeError("bot_start blew up on purpose")

    def bot_loop_start(self, current_time, **kwargs) -> None:
        raise RuntimeError("bot_loop_start blew up on purpose")

    def informative_pairs(self):
        raise RuntimeError("informative_pairs blew up on purpose")

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = np.where(dataframe["rsi"] < 35, 1.0, np.nan)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def custom_stake_amount(self, pair, current_time, current_rate, proposed_stake, **kwargs):
        raise ValueError("custom_stake_amount blew up on purpose")

    def confirm_trade_entry(self, pair, order_type, amount, rate, time_in_force, **kwargs):
        raise KeyError("confirm_trade_entry blew up on purpose")

    def custom_exit(self, pair, trade, current_time, current_rate, current_profit, **kwargs):
        raise ZeroDivisionError("custom_exit blew up on purpose")

    def confirm_trade_exit(self, pair, trade, order_type, amount, rate, time_in_force, **kwargs):
        raise RuntimeError("confirm_trade_exit blew up on purpose")
