"""custom_exit_price on stoploss exits: a tight stop, no ROI, no exit signal, so only stops close
trades; the strategy prices every exit 0.5 % under the proposed rate and records its exit tag.
Freqtrade's bot asks custom_exit_price for a stoploss exit placed as a limit order."""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class StopExitPriceStrategy(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 10}
    stoploss = -0.01
    startup_candle_count = 20

    def __init__(self, config):
        super().__init__(config)
        self.asked = []  # (pair, exit_tag, proposed_rate)

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = np.where(dataframe["rsi"] < 30, 1, 0)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def custom_exit_price(self, pair, trade, current_time, proposed_rate, current_profit, **kw):
        self.asked.append((pair, kw.get("exit_tag"), proposed_rate))
        return proposed_rate * 0.995
