"""Candle data on disk (Freqtrade's layout) and timeframe helpers."""
