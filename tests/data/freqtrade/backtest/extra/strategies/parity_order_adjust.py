"""ParityOrderAdjust: limit orders that wait, are moved, or are given up (a test fixture).

Entries are placed 0.6 % under the open (``custom_entry_price``) and exits 0.8 % over it
(``custom_exit_price``), so many wait a candle or more. ``adjust_entry_price`` moves a waiting
entry to the new candle's open, except on XLM/BTC, where it gives the entry up (``None``);
``adjust_exit_price`` moves a waiting exit halfway to the open. Timeouts are long
(``unfilledtimeout`` 30 min in the run's config), so the adjustments act first.
"""

from datetime import datetime

import talib.abstract as ta
from freqtrade.persistence import Order, Trade
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class ParityOrderAdjust(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    startup_candle_count = 30
    minimal_roi = {"0": 0.025, "40": 0.01}
    stoploss = -0.05

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        low = (dataframe["rsi"] < 30) & (dataframe["volume"] > 0)
        dataframe.loc[low, ["enter_long", "enter_tag"]] = (1, "rsi_30")
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[(dataframe["rsi"] > 65) & (dataframe["volume"] > 0), "exit_long"] = 1
        return dataframe

    def custom_entry_price(self, pair: str, proposed_rate: float, **kwargs) -> float:
        return proposed_rate * 0.994

    def custom_exit_price(self, pair: str, proposed_rate: float, **kwargs) -> float:
        return proposed_rate * 1.008

    def adjust_entry_price(
        self,
        trade: Trade,
        order: Order | None,
        pair: str,
        current_time: datetime,
        proposed_rate: float,
        current_order_rate: float,
        entry_tag: str | None,
        side: str,
        **kwargs,
    ) -> float | None:
        if pair == "XLM/BTC":
            return None
        return proposed_rate

    def adjust_exit_price(
        self,
        trade: Trade,
        order: Order | None,
        pair: str,
        current_time: datetime,
        proposed_rate: float,
        current_order_rate: float,
        entry_tag: str | None,
        side: str,
        **kwargs,
    ) -> float | None:
        return (current_order_rate + proposed_rate) / 2
