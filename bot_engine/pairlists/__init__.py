"""Freqtrade's pairlist handlers: which pairs a bot trades (``pairlists`` in the config).

``registry.py`` names them; ``generators.py`` (StaticPairList, VolumePairList,
PercentChangePairList), ``filters.py`` (Age, Precision, Price, Spread, Offset, Shuffle,
Performance) and ``ranges.py`` (RangeStability, Volatility) implement them; ``chain.py`` runs a
config's list; ``params.py`` checks a config's parameters. The engine refreshes its whitelist
through a chain (``engine/pairlist.py``); ``/pairlists/evaluate`` runs one as a job.
"""
