"""A strategy that subclasses another strategy file from the same folder."""

from freqtrade_style import FreqtradeStyleStrategy


class DerivedStrategy(FreqtradeStyleStrategy):
    stoploss = -0.02
