"""Read-only queries behind the API: typed results (``api/serializers`` writes their JSON).

Selectors take a ``bot_id`` (and plain values such as prices and the clock), read the database
and never change it. One module per area: ``trades``/``trade_records`` (trade records),
``profit``, ``performance``, ``timeunit``, ``stats``, ``balance``; ``columns`` reads trade and
order columns into numpy, ``closed_cache`` keeps the closed trades in memory.
"""
