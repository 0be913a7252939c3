"""ParityExitRules: exit rules the first references do not reach (a test fixture).

A trailing stop that trails from the entry, ``exit_profit_only`` with an offset,
``ignore_roi_if_entry_signal``, limit entries below the open (``custom_entry_price``: some never
fill and time out) and exits above it (``custom_exit_price``), ``custom_stake_amount``,
``confirm_trade_exit`` refusing early ROI exits on one pair, and the MaxDrawdown and
LowProfitPairs protections with minute-based periods.
"""

from datetime import datetime, timedelta

import talib.abstract as ta
from freqtrade.persistence import Trade
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class ParityExitRules(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    startup_candle_count = 40
    minimal_roi = {"0": 0.03, "20": 0.015, "90": 0.004}
    stoploss = -0.04
    trailing_stop = True
    trailing_stop_positive = 0.006
    trailing_stop_positive_offset = 0.012
    trailing_only_offset_is_reached = False
    use_exit_signal = True
    exit_profit_only = True
    exit_profit_offset = 0.002
    ignore_roi_if_entry_signal = True

    @property
    def protections(self):
        return [
            {
                "method": "MaxDrawdown",
                "lookback_period_candles": 48,
                "trade_limit": 4,
                "stop_duration_candles": 6,
                "max_allowed_drawdown": 0.02,
            },
            {
                "method": "LowProfitPairs",
                "lookback_period": 360,
                "trade_limit": 2,
                "stop_duration": 60,
                "required_profit": 0.0,
            },
        ]

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        dataframe["ema_fast"] = ta.EMA(dataframe, timeperiod=9)
        dataframe["ema_slow"] = ta.EMA(dataframe, timeperiod=21)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        up = (dataframe["ema_fast"] > dataframe["ema_slow"]) & (
            dataframe["ema_fast"].shift(1) <= dataframe["ema_slow"].shift(1)
        )
        low = dataframe["rsi"] < 27
        volume = dataframe["volume"] > 0
        dataframe.loc[low & volume, ["enter_long", "enter_tag"]] = (1, "rsi_low")
        dataframe.loc[up & volume, ["enter_long", "enter_tag"]] = (1, "ema_up")
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        down = (dataframe["ema_fast"] < dataframe["ema_slow"]) & (
            dataframe["ema_fast"].shift(1) >= dataframe["ema_slow"].shift(1)
        )
        dataframe.loc[down & (dataframe["volume"] > 0), ["exit_long", "exit_tag"]] = (
            1,
            "ema_down",
        )
        return dataframe

    def custom_entry_price(
        self,
        pair: str,
        trade: Trade | None,
        current_time: datetime,
        proposed_rate: float,
        entry_tag: str | None,
        side: str,
        **kwargs,
    ) -> float:
        if pair in ("ETH/BTC", "LTC/BTC"):
            return proposed_rate * 0.998
        return proposed_rate

    def custom_exit_price(
        self,
        pair: str,
        trade: Trade,
        current_time: datetime,
        proposed_rate: float,
        current_profit: float,
        exit_tag: str | None,
        **kwargs,
    ) -> float:
        return proposed_rate * 1.003

    def custom_stake_amount(
        self,
        pair: str,
        current_time: datetime,
        current_rate: float,
        proposed_stake: float,
        min_stake: float | None,
        max_stake: float,
        leverage: float,
        entry_tag: str | None,
        side: str,
        **kwargs,
    ) -> float:
        return proposed_stake * 0.7 if entry_tag == "rsi_low" else proposed_stake

    def confirm_trade_exit(
        self,
        pair: str,
        trade: Trade,
        order_type: str,
        amount: float,
        rate: float,
        time_in_force: str,
        exit_reason: str,
        current_time: datetime,
        **kwargs,
    ) -> bool:
        young = current_time - trade.open_date_utc < timedelta(minutes=10)
        return not (exit_reason == "roi" and pair == "XMR/BTC" and young)
