"""Parity fixture: the ``@informative`` decorator, same pair and another asset (issue 16 item 3).

Columns arrive as ``{column}_1h`` and ``{base}_{quote}_{column}_1h`` (Freqtrade's defaults).
"""

from freqtrade.strategy import IStrategy, informative
from pandas import DataFrame


class ParityInformativeDecorator(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    minimal_roi = {"0": 0.04}
    stoploss = -0.10
    startup_candle_count = 30

    @informative("1h")
    def populate_indicators_1h(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["hmax"] = dataframe["high"].rolling(4).max()
        return dataframe

    @informative("1h", "ETH/BTC")
    def populate_indicators_eth_1h(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rising"] = (dataframe["close"] > dataframe["close"].shift(3)).astype(int)
        return dataframe

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["lmin"] = dataframe["low"].rolling(24).min()
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        breakout = (dataframe["close"] > dataframe["hmax_1h"]) & (
            dataframe["close"].shift(1) <= dataframe["hmax_1h"].shift(1)
        )
        dataframe.loc[breakout, ["enter_long", "enter_tag"]] = (1, "hourly_breakout")
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (dataframe["close"] <= dataframe["lmin"]) & (dataframe["eth_btc_rising_1h"] == 0),
            ["exit_long", "exit_tag"],
        ] = (1, "new_low")
        return dataframe
