"""Valid syntax, but it imports a module that does not exist."""

import tradeplane_no_such_module  # noqa: F401
from freqtrade.strategy import IStrategy


class BrokenImportStrategy(IStrategy):
    def populate_indicators(self, dataframe, metadata):
        return dataframe
