"""Freqtrade's InformativeSample pattern: ``if self.dp:`` merge this pair's 15m candles and another
pair's 1h candles with ``merge_informative_pair``; dp in a callback too."""

from datetime import datetime

from freqtrade.strategy import IStrategy, merge_informative_pair
from pandas import DataFrame

OTHER_PAIR = "ETH/BTC"


class InformativeSampleLike(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    minimal_roi = {"0": 0.01}
    stoploss = -0.05
    startup_candle_count = 20

    def bot_start(self, **kwargs) -> None:
        self.seen = {"runmode": self.dp.runmode.value, "exit_checks": []}

    def informative_pairs(self):
        pairs = self.dp.current_whitelist()
        return [(pair, "15m") for pair in pairs] + [(OTHER_PAIR, "1h")]

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["sma12"] = dataframe["close"].rolling(12).mean()
        if self.dp:
            self.seen["whitelist"] = self.dp.current_whitelist()
            fifteen = self.dp.get_pair_dataframe(pair=metadata["pair"], timeframe="15m")
            fifteen["sma4"] = fifteen["close"].rolling(4).mean()
            dataframe = merge_informative_pair(dataframe, fifteen, self.timeframe, "15m")
            other = self.dp.get_pair_dataframe(pair=OTHER_PAIR, timeframe="1h")
            other["rising"] = (other["close"] > other["open"]).astype(int)
            dataframe = merge_informative_pair(dataframe, other, self.timeframe, "1h", ffill=True)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (dataframe["close_15m"] < dataframe["sma4_15m"])
            & (dataframe["close"] < dataframe["sma12"])
            & (dataframe["rising_1h"] == 1),
            "enter_long",
        ] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def custom_exit(
        self, pair: str, trade, current_time: datetime, current_rate, current_profit, **kwargs
    ):
        dataframe, analysed_at = self.dp.get_analyzed_dataframe(pair, self.timeframe)
        last_candle = dataframe.iloc[-1].squeeze()
        self.seen["exit_checks"].append((current_time, last_candle["date"], analysed_at))
        if last_candle["rising_1h"] == 0 and current_profit > 0.002:
            return "eth_hour_fell"
        return None
