"""Read-only queries behind the API: typed results (``api/serializers`` writes their JSON).

Selectors take a ``bot_id`` (and plain values such as prices and the clock), read the database
and never change it. One module per area: ``trades``/``trade_records`` (trade records),
``profit``, ``performance``, ``timeunit``, ``stats``, ``balance``; ``frames`` loads columns.
"""
