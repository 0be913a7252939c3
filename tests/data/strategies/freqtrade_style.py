"""A strategy file written exactly as for Freqtrade (interface v3), to prove it loads unchanged."""

from datetime import datetime

import freqtrade.vendor.qtpylib.indicators as qtpylib
import talib.abstract as ta
from freqtrade.persistence import Trade
from freqtrade.strategy import (
    BooleanParameter,
    CategoricalParameter,
    DecimalParameter,
    IntParameter,
    IStrategy,
    RealParameter,
)
from pandas import DataFrame


class FreqtradeStyleStrategy(IStrategy):
    INTERFACE_VERSION = 3

    timeframe = "5m"
    minimal_roi = {"40": 0.0, "20": 0.01, "0": 0.03}
    stoploss = -0.08
    startup_candle_count: int = 20

    buy_params = {"buy_rsi": 35}

    buy_rsi = IntParameter(10, 50, default=30, space="buy")
    sell_rsi = IntParameter(low=50, high=95, default=70)
    buy_factor = DecimalParameter(0.5, 1.5, default=1.0123, decimals=2, space="buy")
    sell_ratio = RealParameter(0.0, 1.0, default=0.5, space="sell", optimize=False)
    buy_use_volume = BooleanParameter(default=True, space="buy")
    sell_mode = CategoricalParameter(["rsi", "cross"], default="rsi", space="sell", load=False)
    unrelated = IntParameter(1, 5, default=3)

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        dataframe["sma"] = ta.SMA(dataframe, timeperiod=10)
        dataframe["pair_seen"] = metadata["pair"]
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (
                qtpylib.crossed_above(dataframe["rsi"], self.buy_rsi.value)
                & (dataframe["volume"] > 0)
            ),
            ["enter_long", "enter_tag"],
        ] = (1, "rsi_up")
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            qtpylib.crossed_below(dataframe["rsi"], self.sell_rsi.value),
            "exit_long",
        ] = 1
        return dataframe

    def custom_exit(
        self,
        pair: str,
        trade: "Trade",
        current_time: datetime,
        current_rate: float,
        current_profit: float,
        **kwargs,
    ) -> str | None:
        return None
