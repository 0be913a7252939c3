"""Tradeplane's stand-in for the ``freqtrade`` package, so Freqtrade strategy files import."""

__version__ = "tradeplane-shim"
