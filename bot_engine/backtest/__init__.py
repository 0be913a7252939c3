"""Backtesting: the live engine's rules run over stored candles; Freqtrade's trades, exactly.

``options.py`` holds what a run is asked to do, ``outcome.py`` what the simulation hands to the
report; ``simulator.py`` feeds candles through the shared rules; ``report.py`` turns the outcome
into Freqtrade's result block and tables; ``export.py`` writes and reads Freqtrade's result files;
``jobs.py`` runs backtests as stored jobs.
"""
