"""The trade tables; every row belongs to one Bot."""

from bot_engine.models.bot import Bot
from bot_engine.models.order import Order
from bot_engine.models.pair_lock import PairLock
from bot_engine.models.trade import Trade

__all__ = ["Bot", "Order", "PairLock", "Trade"]
