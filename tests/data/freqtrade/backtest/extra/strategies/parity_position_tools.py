"""ParityPositionTools: position adjustment both ways, custom ROI, callbacks with memory.

``adjust_trade_position`` sells half once the trade is 1.2 % up (order tag ``half_off``) and
adds half the stake up to twice when it is 2.5 % down (``dca``); ``use_custom_roi`` lowers the
ROI to 0.8 % for ``bb_low`` trades older than an hour; ``order_filled`` counts fills in the
trade's custom data and ``custom_exit`` (``after_dca``) leaves a trade with 3 fills once it is
in profit; a custom stoploss from the absolute price of the lower band. A test fixture.
"""

from datetime import datetime

import talib.abstract as ta
from freqtrade.persistence import Order, Trade
from freqtrade.strategy import IStrategy, stoploss_from_absolute
from pandas import DataFrame


class ParityPositionTools(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    startup_candle_count = 30
    minimal_roi = {"0": 0.04, "60": 0.02, "240": 0.01}
    stoploss = -0.06
    use_custom_stoploss = True
    use_custom_roi = True
    position_adjustment_enable = True
    max_entry_position_adjustment = 2

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        bands = ta.BBANDS(dataframe, timeperiod=20, nbdevup=2.0, nbdevdn=2.0)
        dataframe["bb_lower"] = bands["lowerband"]
        dataframe["bb_upper"] = bands["upperband"]
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        below = dataframe["close"] < dataframe["bb_lower"]
        volume = dataframe["volume"] > 0
        dataframe.loc[below & volume, ["enter_long", "enter_tag"]] = (1, "bb_low")
        dataframe.loc[(dataframe["rsi"] < 25) & volume, ["enter_long", "enter_tag"]] = (
            1,
            "rsi_deep",
        )
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        above = dataframe["close"] > dataframe["bb_upper"]
        dataframe.loc[above & (dataframe["volume"] > 0), "exit_long"] = 1
        return dataframe

    def custom_roi(
        self,
        pair: str,
        trade: Trade,
        current_time: datetime,
        trade_duration: int,
        entry_tag: str | None,
        side: str,
        **kwargs,
    ) -> float | None:
        if entry_tag == "bb_low" and trade_duration > 60:
            return 0.008
        return None

    def adjust_trade_position(
        self,
        trade: Trade,
        current_time: datetime,
        current_rate: float,
        current_profit: float,
        min_stake: float | None,
        max_stake: float,
        current_entry_rate: float,
        current_exit_rate: float,
        current_entry_profit: float,
        current_exit_profit: float,
        **kwargs,
    ):
        if trade.nr_of_successful_exits == 0 and current_profit > 0.012:
            return -(trade.stake_amount / 2), "half_off"
        if current_profit < -0.025 and trade.nr_of_successful_entries < 3:
            return trade.stake_amount * 0.5, "dca"
        return None

    def order_filled(
        self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs
    ) -> None:
        trade.set_custom_data("fills", trade.get_custom_data("fills", 0) + 1)

    def custom_exit(
        self,
        pair: str,
        trade: Trade,
        current_time: datetime,
        current_rate: float,
        current_profit: float,
        **kwargs,
    ):
        if trade.get_custom_data("fills", 0) >= 3 and current_profit > 0:
            return "after_dca"
        return None

    def custom_stoploss(
        self,
        pair: str,
        trade: Trade,
        current_time: datetime,
        current_rate: float,
        current_profit: float,
        after_fill: bool,
        **kwargs,
    ) -> float | None:
        dataframe, _ = self.dp.get_analyzed_dataframe(pair, self.timeframe)
        if dataframe.empty or current_profit < 0.01:
            return None
        floor = dataframe["bb_lower"].iat[-1]
        if floor != floor or floor >= current_rate:
            return None
        return stoploss_from_absolute(floor, current_rate, is_short=trade.is_short)
