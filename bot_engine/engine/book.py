"""The engine's in-memory view of its open trades, open orders and locks.

The engine is the only writer of its bot's rows, so it reads them once and re-reads only after a
change (its own, or one made by a command from the API). A replay at speed 0 then costs a few
queries per trade event instead of a dozen per candle.
"""

from __future__ import annotations

from datetime import datetime

from bot_engine.engine.locks import ALL_PAIRS
from bot_engine.models import Order, PairLock, Trade


class TradeBook:
    def __init__(self, bot_id: int) -> None:
        self.bot_id = bot_id
        self._dirty = True
        self._trades: list[Trade] = []
        self._open_orders: list[Order] = []
        self._locks: list[PairLock] = []

    def mark_dirty(self) -> None:
        self._dirty = True

    def refresh(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self._trades = list(Trade.objects.for_bot(self.bot_id).open().order_by("trade_id"))
        by_pk = {trade.pk: trade for trade in self._trades}
        self._open_orders = []
        for order in Order.objects.filter(bot_id=self.bot_id).open().order_by("id"):
            trade = by_pk.get(order.trade_id)
            if trade is None:  # an open order on a closed trade: load that trade too
                trade = Trade.objects.get(pk=order.trade_id)
            order.trade = trade
            self._open_orders.append(order)
        self._locks = list(PairLock.objects.filter(bot_id=self.bot_id, active=True))

    def open_trades(self) -> list[Trade]:
        self.refresh()
        return list(self._trades)

    def open_orders(self) -> list[Order]:
        self.refresh()
        return list(self._open_orders)

    def has_open_order(self, trade: Trade) -> bool:
        self.refresh()
        return any(order.trade_id == trade.pk for order in self._open_orders)

    def open_pairs(self) -> set[str]:
        return {trade.pair for trade in self.open_trades()}

    def drop_expired_locks(self, now: datetime) -> None:
        """Forget locks that ended (the clock never goes back): a long replay piles up one
        auto-lock per exit, and every entry check would walk them all."""
        self.refresh()
        self._locks = [lock for lock in self._locks if lock.lock_end_time > now]

    def is_pair_locked(self, pair: str, now: datetime, side: str = "long") -> bool:
        self.refresh()
        return any(
            lock.pair in (pair, ALL_PAIRS)
            and lock.side in (side, ALL_PAIRS)
            and lock.lock_end_time > now
            for lock in self._locks
        )
