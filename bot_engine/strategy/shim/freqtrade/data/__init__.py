"""``freqtrade.data``: the package of ``freqtrade.data.dataprovider``."""
