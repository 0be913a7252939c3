"""ParityStrategyHelpers: a strategy that leans on Freqtrade's helpers (a test fixture).

``informative_pairs`` + ``merge_informative_pair`` (ETH/BTC's 5m close on every pair),
``self.lock_pair`` after a losing trade (the pair rests 30 minutes) and ``self.is_pair_locked``,
``check_exit_timeout`` cancelling exit orders that wait a candle, ``bot_loop_start`` keeping a
candle counter, ``self.wallets`` sizing stakes, ``use_exit_signal = False`` (so ``custom_exit``
is never asked) and a one-step ROI with a -1 step (exit at any price after 6 hours).
"""

from datetime import datetime, timedelta

import talib.abstract as ta
from freqtrade.persistence import Order, Trade
from freqtrade.strategy import IStrategy, merge_informative_pair
from pandas import DataFrame


class ParityStrategyHelpers(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    startup_candle_count = 50
    minimal_roi = {"0": 0.02, "360": -1}
    stoploss = -0.05
    use_exit_signal = False

    def bot_start(self, **kwargs) -> None:
        self.candles_seen = 0

    def bot_loop_start(self, current_time: datetime, **kwargs) -> None:
        self.candles_seen += 1

    def informative_pairs(self):
        return [("ETH/BTC", "5m")]

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        dataframe["sma"] = ta.SMA(dataframe, timeperiod=50)
        eth = self.dp.get_pair_dataframe("ETH/BTC", "5m")
        eth["eth_rsi"] = ta.RSI(eth, timeperiod=14)
        dataframe = merge_informative_pair(
            dataframe, eth[["date", "eth_rsi"]], self.timeframe, "5m", ffill=True
        )
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dip = (dataframe["rsi"] < 32) & (dataframe["eth_rsi_5m"] > 45) & (dataframe["volume"] > 0)
        dataframe.loc[dip, ["enter_long", "enter_tag"]] = (1, "dip_eth_ok")
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[dataframe["rsi"] > 70, "exit_long"] = 1  # unused: use_exit_signal off
        return dataframe

    def custom_exit(self, pair: str, trade: Trade, current_time: datetime, **kwargs):
        return "never_asked"

    def custom_stake_amount(self, pair: str, proposed_stake: float, **kwargs) -> float:
        # A fifth more than the configured stake while the wallet holds more than 0.9 BTC.
        if self.wallets.get_free("BTC") > 0.9:
            return proposed_stake * 1.2
        return proposed_stake

    def confirm_trade_entry(self, pair: str, current_time: datetime, **kwargs) -> bool:
        return not self.is_pair_locked(pair, candle_date=current_time - timedelta(minutes=5))

    def order_filled(
        self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs
    ) -> None:
        if order.ft_order_side == "sell" and trade.calc_profit_ratio(order.safe_price) < 0:
            self.lock_pair(pair, current_time + timedelta(minutes=30), "rest after a loss")

    def check_exit_timeout(
        self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs
    ) -> bool:
        return current_time - order.order_date_utc >= timedelta(minutes=5)

    def custom_exit_price(self, pair: str, proposed_rate: float, **kwargs) -> float:
        return proposed_rate * 1.004
