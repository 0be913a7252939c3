"""Parity fixture: ``from technical import qtpylib`` (Freqtrade's template import, issue 16 item 1).

Uses helpers the old stand-in lacked: ``awesome_oscillator`` and ``keltner_channel``.
"""

from freqtrade.strategy import IStrategy
from pandas import DataFrame
from technical import qtpylib


class ParityTechnicalQtpylib(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    minimal_roi = {"0": 0.04}
    stoploss = -0.10
    startup_candle_count = 40

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["ao"] = qtpylib.awesome_oscillator(dataframe, weighted=False, fast=5, slow=34)
        keltner = qtpylib.keltner_channel(dataframe, window=20, atrs=2)
        dataframe["kc_lower"] = keltner["lower"]
        dataframe["kc_upper"] = keltner["upper"]
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        ao_turn = qtpylib.crossed_above(dataframe["ao"], 0)
        dataframe.loc[ao_turn & (dataframe["volume"] > 0), ["enter_long", "enter_tag"]] = (
            1,
            "ao_cross",
        )
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            qtpylib.crossed_above(dataframe["high"], dataframe["kc_upper"]),
            ["exit_long", "exit_tag"],
        ] = (1, "keltner_top")
        return dataframe
