"""Backtesting: the live engine's rules run over stored candles; Freqtrade's trades, exactly.

``options.py`` holds what a run is asked to do, ``outcome.py`` what the simulation hands to the
report; ``simulator.py`` feeds candles through the shared rules: ``data.py`` (timerange, startup
candles, gaps, informative timeframes), ``markets.py`` (steps and ticks from the candles),
``signals.py`` (the strategy once per pair), ``engine.py`` (the candle loop) with ``entries.py``,
``exits.py``, ``orders.py`` and ``exit_rules.py``, over ``trade.py``'s in-memory trades (orders:
``local_order.py``) and ``ledger.py``'s book (trades, locks, wallet); ``report.py`` turns the
outcome into Freqtrade's result block and tables; ``export.py`` writes and reads Freqtrade's
result files; ``jobs.py`` runs backtests as stored jobs. Freqtrade's bias checks run on top:
``lookahead.py`` and ``recursive.py`` (the analysed frames of cut ranges: ``analysis_frames.py``;
their tables: ``analysis_tables.py``; as jobs: ``analysis_jobs.py``).
"""
