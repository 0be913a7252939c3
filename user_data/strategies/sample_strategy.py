"""SampleStrategy: RSI + Bollinger band mean reversion, written as a Freqtrade v3 strategy file."""

import numpy as np
import talib.abstract as ta
from freqtrade.strategy import IntParameter, IStrategy
from pandas import DataFrame, concat


class SampleStrategy(IStrategy):
    """Buy oversold dips below the Bollinger mid band; sell when RSI turns overbought.

    Two entry reasons, told apart by ``enter_tag``:
    - ``rsi_cross``: RSI crosses up through ``buy_rsi`` while TEMA is under the mid band and
      rising (the dip is turning);
    - ``bb_rebound``: the close crosses back above the lower band while RSI is still under
      ``buy_rsi``.
    Exit when RSI crosses above ``sell_rsi``; ROI, the stoploss and the exit signal race.
    """

    INTERFACE_VERSION = 3

    timeframe = "5m"
    can_short = False

    # Minutes open -> minimum profit ratio that closes the trade.
    minimal_roi = {"60": 0.01, "30": 0.02, "0": 0.04}
    stoploss = -0.10
    trailing_stop = False

    process_only_new_candles = True
    use_exit_signal = True
    exit_profit_only = False
    ignore_roi_if_entry_signal = False

    # RSI(14) and the 20-candle bands need this many candles before they are meaningful.
    startup_candle_count = 30

    buy_rsi = IntParameter(10, 40, default=30, space="buy")
    sell_rsi = IntParameter(60, 90, default=70, space="sell")

    order_types = {
        "entry": "limit",
        "exit": "limit",
        "stoploss": "market",
        "stoploss_on_exchange": False,
    }
    order_time_in_force = {"entry": "GTC", "exit": "GTC"}

    plot_config = {
        "main_plot": {
            "tema": {},
            "bb_upperband": {"color": "grey"},
            "bb_middleband": {"color": "orange"},
            "bb_lowerband": {"color": "grey"},
        },
        "subplots": {
            "RSI": {"rsi": {"color": "red"}},
        },
    }

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        bands = ta.BBANDS(dataframe, timeperiod=20, nbdevup=2.0, nbdevdn=2.0)
        # One concat instead of one insert per column: analyze runs every candle for every
        # pair, and each pandas column insert costs more than the indicator itself.
        indicators = DataFrame(
            {
                "rsi": ta.RSI(dataframe, timeperiod=14),
                "bb_lowerband": bands["lowerband"],
                "bb_middleband": bands["middleband"],
                "bb_upperband": bands["upperband"],
                "tema": ta.TEMA(dataframe, timeperiod=9),
            },
            index=dataframe.index,
        )
        return concat([dataframe, indicators], axis=1)

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        # Plain numpy arrays: the engine analyses every pair on every candle, and each pandas
        # Series operation costs far more than the arithmetic on 300 values.
        close = dataframe["close"].to_numpy()
        rsi = dataframe["rsi"].to_numpy()
        tema = dataframe["tema"].to_numpy()
        has_volume = dataframe["volume"].to_numpy() > 0
        buy_rsi = self.buy_rsi.value
        tema_rising = tema > _previous(tema)
        rsi_cross = (
            _crossed_above(rsi, np.full_like(rsi, buy_rsi))
            & (tema <= dataframe["bb_middleband"].to_numpy())
            & tema_rising
            & has_volume
        )
        bb_rebound = (
            _crossed_above(close, dataframe["bb_lowerband"].to_numpy())
            & (rsi < buy_rsi)
            & has_volume
        )
        # rsi_cross wins the tag on a tie.
        signals = DataFrame(
            {
                "enter_long": np.where(rsi_cross | bb_rebound, 1.0, np.nan),
                "enter_tag": np.where(
                    rsi_cross, "rsi_cross", np.where(bb_rebound, "bb_rebound", None)
                ),
            },
            index=dataframe.index,
        )
        return concat([dataframe, signals], axis=1)

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        rsi = dataframe["rsi"].to_numpy()
        overbought = _crossed_above(rsi, np.full_like(rsi, self.sell_rsi.value)) & (
            dataframe["volume"].to_numpy() > 0
        )
        signals = DataFrame(
            {
                "exit_long": np.where(overbought, 1.0, np.nan),
                "exit_tag": np.where(overbought, "rsi_overbought", None),
            },
            index=dataframe.index,
        )
        return concat([dataframe, signals], axis=1)


def _previous(values: np.ndarray) -> np.ndarray:
    """The array shifted one candle later (NaN first), like ``Series.shift(1)``."""
    return np.concatenate(([np.nan], values[:-1]))


def _crossed_above(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """True where ``first`` moved from at or below ``second`` to above it (qtpylib semantics)."""
    with np.errstate(invalid="ignore"):
        return (first > second) & (_previous(first) <= _previous(second))
