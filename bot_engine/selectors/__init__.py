"""Read-only queries behind the API: plain dicts and lists shaped like the contract's schemas.

Selectors take a ``bot_id`` (and plain values such as prices and the clock), read the database
and never change it. One module per area: ``trades``/``trade_views`` (trade records),
``profit``, ``performance``, ``timeunit``, ``stats``, ``balance``; ``frames`` loads columns.
"""
