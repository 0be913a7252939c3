"""Reading trades: the ``/trades`` page, open trades, one trade, and the ``/count`` totals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Prefetch

from bot_engine.models import Order, Trade
from bot_engine.selectors.closed_cache import closed_count
from bot_engine.selectors.trade_records import (
    OpenTradeRecord,
    TradeRecord,
    open_trade_record,
    trade_record,
)
from bot_engine.trade_stats import seq_sum

# The exit-side price of a pair now, None when unknown (the running bot's cached rate).
RateOf = Callable[[str], float | None]


def _open(bot_id: int):
    """The bot's open trades. ``is_open IN (true)`` rather than the bare-column predicate of
    ``.open()``: only the former lets SQLite use the (bot, is_open) index."""
    return Trade.objects.for_bot(bot_id).filter(is_open__in=[True]).order_by()


def _with_orders(queryset):
    """Orders in id order, fetched in one extra query for the whole page."""
    return queryset.prefetch_related(Prefetch("orders", queryset=Order.objects.order_by("id")))


class _Row(SimpleNamespace):
    """A trade or order read with ``.values()``: attribute access like the model, without
    building model instances (a 500-trade page has 1,500 rows; instances double its cost)."""

    @property
    def pk(self) -> int:
        return self.id


@dataclass(slots=True)
class TradePage:
    """One page of closed trades: the records, where the page starts, how many there are."""

    trades: list[TradeRecord]
    offset: int
    total: int


def closed_trades_page(
    *, bot_id: int, limit: int, offset: int, order_by_id: bool = True
) -> TradePage:
    """``/trades``: closed trades only, by id ascending or newest close first (contract §3.2)."""
    closed = Trade.objects.for_bot(bot_id).closed()
    total = closed_count(bot_id)
    ordering = ("trade_id",) if order_by_id else ("-close_date", "-trade_id")
    if total // 2 < offset < total:
        # A page in the back half is read from the other end: OFFSET walks every row it skips.
        reverse = tuple(name[1:] if name[0] == "-" else f"-{name}" for name in ordering)
        end = min(offset + limit, total)
        rows = closed.order_by(*reverse)[total - end : total - offset].values()
        page = [_Row(**row) for row in list(rows)[::-1]]
    else:
        page = [_Row(**row) for row in closed.order_by(*ordering)[offset : offset + limit].values()]
    orders = defaultdict(list)
    if page:
        rows = Order.objects.filter(trade_id__in=[t.id for t in page]).order_by("id").values()
        for row in rows:
            orders[row["trade_id"]].append(_Row(**row))
    return TradePage([trade_record(trade, orders[trade.id]) for trade in page], offset, total)


class _PrefetchedOrders:
    """``trade.orders`` once prefetched: ``all()``, iteration and ``len`` answer from the
    orders read for the whole page (id order); any other queryset method (``filter``,
    ``count``, ...) runs on the database, as the related manager would. Django's own prefetch
    builds a filtered queryset per trade for this, a third of ``/status``' database time."""

    __slots__ = ("_orders", "_trade")

    def __init__(self, trade: Trade, orders: list[Order]) -> None:
        self._trade = trade
        self._orders = orders

    def all(self) -> _PrefetchedOrders:
        return self

    def __iter__(self):
        return iter(self._orders)

    def __len__(self) -> int:
        return len(self._orders)

    def __bool__(self) -> bool:
        return bool(self._orders)

    def __getitem__(self, index):
        return self._orders[index]

    def __getattr__(self, name: str):
        if name.startswith("_"):  # copy/pickle protocol probes: not a queryset method
            raise AttributeError(name)
        return getattr(Order.objects.filter(trade=self._trade).order_by("id"), name)


def open_trades(*, bot_id: int) -> list[Trade]:
    """Every open trade of the bot in id order, orders prefetched (``/status``)."""
    # Sorted here, not in SQL: ORDER BY trade_id would steer SQLite to the (bot, trade_id)
    # index and a scan of every closed trade instead of the (bot, is_open) lookup.
    trades = sorted(_open(bot_id), key=lambda trade: trade.trade_id)
    orders = defaultdict(list)
    if trades:
        for order in Order.objects.filter(trade_id__in=[t.pk for t in trades]).order_by("id"):
            orders[order.trade_id].append(order)
    for trade in trades:
        trade._prefetched_objects_cache = {"orders": _PrefetchedOrders(trade, orders[trade.pk])}
    return trades


def open_trade_records(*, bot_id: int, current_rate: RateOf) -> list[OpenTradeRecord]:
    """``/status``: every open trade, id order, priced at ``current_rate(pair)`` (§3.3)."""
    return [
        open_trade_record(trade, current_rate=current_rate(trade.pair))
        for trade in open_trades(bot_id=bot_id)
    ]


def priced_trade(*, bot_id: int, trade_id: int, current_rate: RateOf) -> OpenTradeRecord | None:
    """``/trade/{id}``: one trade, open or closed, priced like ``/status``; None if absent."""
    trade = get_trade(bot_id=bot_id, trade_id=trade_id)
    return None if trade is None else priced(trade, current_rate=current_rate)


def priced(trade: Trade, *, current_rate: RateOf) -> OpenTradeRecord:
    """``trade`` as TradeOpen shows it: an open one at ``current_rate(pair)``, a closed one at
    its close rate."""
    return open_trade_record(
        trade, current_rate=current_rate(trade.pair) if trade.is_open else None
    )


def get_trade(*, bot_id: int, trade_id: int) -> Trade | None:
    """One trade (open or closed) by the bot's trade id, orders prefetched; None if absent."""
    return _with_orders(Trade.objects.for_bot(bot_id).filter(trade_id=trade_id)).first()


def open_trades_count_and_stake(*, bot_id: int) -> tuple[int, float]:
    """(number of open trades, Σ open_rate·amount) for ``/count`` (not Σ stake_amount)."""
    rows = sorted(_open(bot_id).values_list("trade_id", "open_rate", "amount"))
    stakes = [open_rate * amount for _, open_rate, amount in rows]
    return len(stakes), seq_sum(stakes)
