"""custom_entry_price / custom_exit_price: asks far off the market, which the bot must keep
within 2 % (custom_price_max_distance_ratio) of the proposed price."""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class CustomPricesStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 0.01}
    stoploss = -0.10
    startup_candle_count = 20

    def __init__(self, config):
        super().__init__(config)
        self.proposed = []  # (side, pair, proposed_rate)

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = np.where(dataframe["rsi"] < 30, 1, 0)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["exit_long"] = np.where(dataframe["rsi"] > 70, 1, 0)
        return dataframe

    def custom_entry_price(self, pair, trade, current_time, proposed_rate, entry_tag, side, **kw):
        self.proposed.append(("buy", pair, proposed_rate))
        return proposed_rate * 0.5  # clamped to 2 % under the proposed price

    def custom_exit_price(self, pair, trade, current_time, proposed_rate, current_profit, **kw):
        self.proposed.append(("sell", pair, proposed_rate))
        return proposed_rate * 1.005
