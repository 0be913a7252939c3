"""``freqtrade.persistence``: ``Trade``, ``Order`` and ``PairLocks`` over the running bot's rows.

``Trade``'s helpers (``get_trades_proxy``, ``get_open_trades``, ``get_trades``...) and
``PairLocks`` read the bot the engine bound (``bot_engine/strategy/persistence.py``); the trades
they return are the engine's own rows, the same objects callbacks receive.
"""

from bot_engine.strategy.persistence import Order, PairLocks, Trade

LocalTrade = Trade  # Freqtrade's in-memory (backtest) trade class; one class here

__all__ = ["LocalTrade", "Order", "PairLocks", "Trade"]
