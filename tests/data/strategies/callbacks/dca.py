"""adjust_trade_position: one extra entry (tag dca_add) when a trade is 1 % down, then half of
the position sold (a partial exit) once it is 1 % up; max_entry_position_adjustment = 1.
confirm_trade_entry / confirm_trade_exit record each question (asked for a new trade and a
full exit, not for an add-on or a partial exit)."""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class DcaStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 0.03}
    stoploss = -0.10
    startup_candle_count = 20
    position_adjustment_enable = True
    max_entry_position_adjustment = 1

    def __init__(self, config):
        super().__init__(config)
        self.confirmed = []  # (pair, entry_tag)
        self.exits_confirmed = []  # (pair, exit_reason)

    def confirm_trade_entry(
        self, pair, order_type, amount, rate, time_in_force, current_time, entry_tag, side, **kwargs
    ):
        self.confirmed.append((pair, entry_tag))
        return True

    def confirm_trade_exit(
        self,
        pair,
        trade,
        order_type,
        amount,
        rate,
        time_in_force,
        exit_reason,
        current_time,
        **kwargs,
    ):
        self.exits_confirmed.append((pair, exit_reason))
        return True

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = np.where(dataframe["rsi"] < 30, 1, 0)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def adjust_trade_position(self, trade, current_time, current_rate, current_profit, **kw):
        if current_profit < -0.01:
            return trade.stake_amount, "dca_add"  # refused once one adjustment was made
        if current_profit > 0.01 and trade.nr_of_successful_exits == 0:
            return -(trade.stake_amount / 2), "take_half"
        return None
