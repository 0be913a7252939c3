"""Tests of bot_engine.strategy: base class, parameters, loader, Freqtrade shim, samples."""
