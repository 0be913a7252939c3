"""Parity fixture: Bollinger bands from ``freqtrade.vendor.qtpylib`` (sample std, issue 16 item 2).

Entries fire where the close dips under the lower band, so a band 0.9747x as wide (population
std) moves them; the tags tell the two entry reasons apart.
"""

import freqtrade.vendor.qtpylib.indicators as qtpylib
import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class ParityQtpylibBands(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    minimal_roi = {"0": 0.04}
    stoploss = -0.10
    startup_candle_count = 30

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        bands = qtpylib.bollinger_bands(qtpylib.typical_price(dataframe), window=20, stds=2)
        dataframe["bb_lower"] = bands["lower"]
        dataframe["bb_mid"] = bands["mid"]
        dataframe["bb_upper"] = bands["upper"]
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        below = qtpylib.crossed_below(dataframe["close"], dataframe["bb_lower"])
        dataframe.loc[below & (dataframe["volume"] > 0), ["enter_long", "enter_tag"]] = (
            1,
            "bb_dip",
        )
        back = qtpylib.crossed_above(dataframe["close"], dataframe["bb_lower"])
        dataframe.loc[back & (dataframe["rsi"] < 35), ["enter_long", "enter_tag"]] = (
            1,
            "bb_back_rsi",
        )
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        over = qtpylib.crossed_above(dataframe["close"], dataframe["bb_upper"])
        dataframe.loc[over, ["exit_long", "exit_tag"]] = (1, "bb_upper")
        return dataframe
