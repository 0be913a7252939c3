"""Parity fixture: ``self.dp`` + ``merge_informative_pair`` with a 1h frame of the same pair and
of another pair (issue 16 item 3). No ``if self.dp:`` guard: a missing DataProvider must fail
loudly rather than quietly drop the filter."""

from freqtrade.strategy import IStrategy, merge_informative_pair
from pandas import DataFrame


class ParityInformativeMerge(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    minimal_roi = {"0": 0.04}
    stoploss = -0.10
    startup_candle_count = 30
    other_pair = "ETH/BTC"

    def informative_pairs(self):
        return [(pair, "1h") for pair in self.dp.current_whitelist()] + [(self.other_pair, "1h")]

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        # Rolling windows only: their values do not depend on how much history is loaded.
        hourly = self.dp.get_pair_dataframe(pair=metadata["pair"], timeframe="1h")
        hourly["sma"] = hourly["close"].rolling(6).mean()
        dataframe = merge_informative_pair(dataframe, hourly, self.timeframe, "1h", ffill=True)
        other = self.dp.get_pair_dataframe(pair=self.other_pair, timeframe="1h")
        other["up"] = (other["close"] > other["close"].rolling(4).mean()).astype(int)
        other = other[["date", "close", "up"]].rename(columns={"close": "o_close", "up": "o_up"})
        dataframe = merge_informative_pair(dataframe, other, self.timeframe, "1h", ffill=True)
        dataframe["sma_fast"] = dataframe["close"].rolling(12).mean()
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        above = (dataframe["sma_fast"] > dataframe["sma_1h"]) & (
            dataframe["sma_fast"].shift(1) <= dataframe["sma_1h"].shift(1)
        )
        dataframe.loc[above & (dataframe["o_up_1h"] == 1), ["enter_long", "enter_tag"]] = (
            1,
            "above_1h_sma",
        )
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        below = (dataframe["sma_fast"] < dataframe["sma_1h"]) & (
            dataframe["sma_fast"].shift(1) >= dataframe["sma_1h"].shift(1)
        )
        dataframe.loc[below, ["exit_long", "exit_tag"]] = (1, "below_1h_sma")
        return dataframe
