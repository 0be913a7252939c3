"""A bot's closed trades as numpy columns, cached in the process behind a cheap fingerprint.

``closed_trades(bot_id)`` keeps them in memory, so ``/profit``, ``/performance``, ``/stats`` and
``/daily`` over 100k trades do not reload them on every poll: a few index lookups tell whether
anything changed, and the trades closed since are merged in rather than everything re-read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar

import numpy as np
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Q, Sum

from bot_engine.models import Bot, Order, Trade
from bot_engine.selectors.columns import (
    entry_order_costs,
    fetch_columns,
    label_codes,
    rows_of,
    stable_order,
    trade_columns,
)
from bot_engine.trade_stats import rank_groups, seq_sum

logger = logging.getLogger(__name__)

T = TypeVar("T")

OTHER = "Other"  # the group of trades without an enter tag / exit reason (Freqtrade's coalesce)
_PER_TRADE = (
    "pks",
    "trade_ids",
    "is_short",
    "pair_codes",
    "enter_codes",
    "exit_codes",
    "ratio",
    "profit_abs",
    "open_us",
    "close_us",
)


@dataclass(frozen=True)
class ClosedTrades:
    """A bot's closed trades as columns in trade-id order (datetimes in µs, UTC), with their
    filled entry orders' stakes and the cost of their filled orders: everything the
    aggregate endpoints need, loaded once and cached (see ``closed_trades``)."""

    pks: np.ndarray
    trade_ids: np.ndarray
    is_short: np.ndarray
    pair_codes: np.ndarray  # index into pair_labels (likewise enter_/exit_)
    pair_labels: np.ndarray
    enter_codes: np.ndarray
    enter_labels: np.ndarray  # NULL tag -> "Other"
    exit_codes: np.ndarray
    exit_labels: np.ndarray
    ratio: np.ndarray  # close_profit, NULL -> 0
    profit_abs: np.ndarray  # close_profit_abs, NULL -> 0
    open_us: np.ndarray
    close_us: np.ndarray
    by_close: np.ndarray  # rows by close date, ties by trade id (stable sort)
    cost_rows: np.ndarray  # per filled entry order (order-id order): its trade's row
    costs: np.ndarray
    cost_order_pks: np.ndarray
    volume_order_pks: np.ndarray  # per closed, filled order with a cost (order-id order)
    volume_rows: np.ndarray
    volume_costs: np.ndarray
    profit_sum: float  # Σ close_profit_abs in primary-key order (the wallet's SQL SUM)
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.trade_ids)

    def subset(self, keep: np.ndarray) -> ClosedTrades:
        """The trades where ``keep`` is true, with their orders."""
        new_row = np.cumsum(keep) - 1
        cost_keep = keep[self.cost_rows]
        volume_keep = keep[self.volume_rows]
        return replace(
            self,
            **{name: getattr(self, name)[keep] for name in _PER_TRADE},
            by_close=new_row[self.by_close[keep[self.by_close]]],
            cost_rows=new_row[self.cost_rows[cost_keep]],
            costs=self.costs[cost_keep],
            cost_order_pks=self.cost_order_pks[cost_keep],
            volume_order_pks=self.volume_order_pks[volume_keep],
            volume_rows=new_row[self.volume_rows[volume_keep]],
            volume_costs=self.volume_costs[volume_keep],
            memo={},
        )

    def memoized(self, key: object, compute: Callable[[], T], *, version: object = None) -> T:
        """``compute()`` once for these trades (per ``key``); ``version`` names what else it
        depends on (e.g. the starting balance): a new version replaces the kept value."""
        kept = self.memo.get(key)
        if kept is None or kept[0] != version:
            kept = self.memo[key] = (version, compute())
        return kept[1]

    def cumsum(self, name: str) -> np.ndarray:
        """Left-to-right running sum of column ``name`` (kept: the prefix of ``seq_sum``s)."""
        return self.memoized(("cumsum", name), lambda: np.cumsum(getattr(self, name)))

    def only(self, *, direction: str | None = None, pair: str | None = None) -> ClosedTrades:
        """The trades of one direction ("long"/"short") and/or one pair; kept for reuse."""
        if direction not in ("long", "short"):
            direction = None
        if direction is None and pair is None:
            return self
        key = ("only", direction, pair)
        if key not in self.memo:
            keep = np.ones(len(self), dtype=bool)
            if direction is not None:
                keep &= self.is_short == (direction == "short")
            if pair is not None:
                keep &= np.isin(self.pair_codes, np.flatnonzero(self.pair_labels == pair))
            self.memo[key] = self.subset(keep)
        return self.memo[key]

    def ranked(self, column: str) -> list[tuple[str, float, float, int]]:
        """``rank_groups`` by "pair", "enter_tag" or "exit_reason", computed once."""
        key = ("ranked", column)
        if key not in self.memo:
            prefix = {"pair": "pair", "enter_tag": "enter", "exit_reason": "exit"}[column]
            self.memo[key] = rank_groups(
                getattr(self, f"{prefix}_labels"),
                getattr(self, f"{prefix}_codes"),
                self.profit_abs,
                self.cost_rows,
                self.costs,
            )
        return self.memo[key]


@dataclass(frozen=True)
class _Watch:
    """What tells, with index lookups only, that a bot's closed trades may have changed: a
    trade closes (it leaves the open ones) or a new one is created (a higher trade id). The
    bot row's creation time catches a test database that rolled back and reused the ids."""

    created: datetime | None
    open_pks: tuple[int, ...]
    last_trade_id: int | None

    @classmethod
    def read(cls, bot_id: int) -> _Watch:
        trades = Trade.objects.for_bot(bot_id)
        return cls(
            created=Bot.objects.filter(pk=bot_id).values_list("created_at", flat=True).first(),
            # Unordered: ORDER BY trade_id would steer SQLite to a scan of every trade.
            open_pks=tuple(sorted(trades.open().order_by().values_list("id", flat=True))),
            last_trade_id=trades.aggregate(last=Max("trade_id"))["last"],
        )


@dataclass(frozen=True)
class _Cached:
    watch: _Watch  # read before the trades were
    counted: tuple  # (count, Σ primary key[, Σ close_profit_abs, Σ close_profit])
    counted_at: float  # time.monotonic() of the last count
    trades: ClosedTrades


_cache: dict[int, _Cached] = {}
# Up to this many closed trades the fingerprint also sums the profits (a cheap scan).
FULL_FINGERPRINT_MAX_TRADES = 10_000
# Past this many, counting the closed trades on every poll is what costs (a scan of the index:
# 115-275 ms for a million rows on PostgreSQL): the count is then redone every
# RECOUNT_SECONDS, and in between only the watch (index lookups) tells that something changed.
COUNT_FREE_MIN_TRADES = 200_000
RECOUNT_SECONDS = 60.0
MAX_IN_LIST = 5_000


def closed_trades(bot_id: int) -> ClosedTrades:
    """The bot's closed trades, from the in-process cache while nothing changed.

    Each call reads the ``_Watch`` (a few index lookups) and, unless the bot is very large,
    the count and Σ primary key of its closed trades (plus Σ profits while it is small:
    ``FULL_FINGERPRINT_MAX_TRADES``). A bot past ``COUNT_FREE_MIN_TRADES`` is counted only
    every ``RECOUNT_SECONDS``. When the watch moved, the trades closed since -- those that were
    open, or created since -- are read and merged into the cached columns (``_merged``): a
    close costs an index lookup, not a reload of a million trades; a count that does not
    match means some closed trade was deleted (outside the engine: it never deletes or edits
    closed trades), and everything is read again -- for a very large bot within
    ``RECOUNT_SECONDS``. A closed trade edited in place outside the engine changes the sums of
    a small bot and shows at once; in a bot past ``FULL_FINGERPRINT_MAX_TRADES`` it shows at
    the next reload (a deletion, a restart, ``clear_cache()``).
    """
    watch = _Watch.read(bot_id)
    cached = _cache.get(bot_id)
    now = time.monotonic()
    same_bot = cached is not None and cached.watch.created == watch.created
    if (
        same_bot
        and len(cached.trades) > COUNT_FREE_MIN_TRADES
        and now - cached.counted_at < RECOUNT_SECONDS
    ):
        if cached.watch == watch:
            return cached.trades
        extended = _extended(bot_id, cached, watch)
        if extended is not None:
            _cache[bot_id] = replace(cached, watch=watch, trades=extended, counted=_sums(extended))
            return extended
    closed = Trade.objects.for_bot(bot_id).closed()
    counts = closed.aggregate(count=Count("id"), pk_sum=Sum("id"))
    counted = (counts["count"], int(counts["pk_sum"] or 0))
    if counts["count"] <= FULL_FINGERPRINT_MAX_TRADES:
        counted += tuple(
            closed.aggregate(abs=Sum("close_profit_abs"), ratio=Sum("close_profit")).values()
        )
    elif same_bot:
        trades = cached.trades if cached.watch == watch else _extended(bot_id, cached, watch)
        if trades is not None and _sums(trades) == counted:
            _cache[bot_id] = _Cached(watch, counted, now, trades)
            return trades
    if same_bot and cached.watch == watch and cached.counted == counted:
        _cache[bot_id] = replace(cached, counted_at=now)
        return cached.trades
    loaded = _load_closed(bot_id)
    _cache[bot_id] = _Cached(watch, counted, now, loaded)
    return loaded


def _sums(trades: ClosedTrades) -> tuple[int, int]:
    """(count, Σ primary key) of cached trades, to compare with the database's."""
    return len(trades), int(trades.pks.sum())


def closed_count(bot_id: int) -> int:
    """How many closed trades the bot has: from the cache for a very large bot (counting
    scans the whole index), else one COUNT query."""
    cached = _cache.get(bot_id)
    if cached is not None and len(cached.trades) > COUNT_FREE_MIN_TRADES:
        return len(closed_trades(bot_id))
    return Trade.objects.for_bot(bot_id).closed().count()


def warm_cache(bot_id: int) -> None:
    """Read the bot's closed trades into the cache now (runbot calls it in a thread at start),
    so the first ``/profit`` FreqUI asks for does not wait for a million-trade read."""
    started = time.monotonic()
    try:
        trades = closed_trades(bot_id)
    except DatabaseError:
        logger.exception("Warming the closed-trade cache failed; the first request will load it")
        return
    finally:
        connection.close()  # this thread's own connection (or pool slot)
    logger.info("%d closed trades cached in %.1f s", len(trades), time.monotonic() - started)


def clear_cache() -> None:
    """Forget every cached bot (the fingerprint makes this optional)."""
    _cache.clear()


def _extended(bot_id: int, cached: _Cached, watch: _Watch) -> ClosedTrades | None:
    """The cached trades plus those closed since they were read: the ones open then, and any
    created since (a higher trade id). None when there are too many to look up that way."""
    if len(cached.watch.open_pks) > MAX_IN_LIST:
        return None
    added = _load_closed(bot_id, since=cached.watch)
    added = added.subset(~np.isin(added.pks, cached.trades.pks))
    return _merged(cached.trades, added) if len(added) else cached.trades


def _merged(old: ClosedTrades, new: ClosedTrades) -> ClosedTrades:
    """The union of two disjoint sets of closed trades, exactly as one load of both gives
    it: trades in trade-id order, orders in order-id order, labels sorted."""
    # A new trade goes in before the first old one with a higher trade id (np.insert's
    # rule), so old row i moves down by the number of new trades inserted at or before it.
    at = np.searchsorted(old.trade_ids, new.trade_ids)
    old_rows = np.arange(len(old)) + np.searchsorted(at, np.arange(len(old)), side="right")
    new_rows = at + np.arange(len(new))
    columns = {
        name: np.insert(getattr(old, name), at, getattr(new, name))
        for name in _PER_TRADE
        if not name.endswith("_codes")
    }
    for prefix in ("pair", "enter", "exit"):
        old_labels = getattr(old, f"{prefix}_labels")
        new_labels = getattr(new, f"{prefix}_labels")
        labels = np.unique(np.concatenate([old_labels, new_labels]))
        columns[f"{prefix}_labels"] = labels
        columns[f"{prefix}_codes"] = np.insert(
            np.searchsorted(labels, old_labels)[getattr(old, f"{prefix}_codes")],
            at,
            np.searchsorted(labels, new_labels)[getattr(new, f"{prefix}_codes")],
        )

    def orders(pks: str, rows: str, values: str) -> dict[str, np.ndarray]:
        order_at = np.searchsorted(getattr(old, pks), getattr(new, pks))
        return {
            pks: np.insert(getattr(old, pks), order_at, getattr(new, pks)),
            rows: np.insert(old_rows[getattr(old, rows)], order_at, new_rows[getattr(new, rows)]),
            values: np.insert(getattr(old, values), order_at, getattr(new, values)),
        }

    columns |= orders("cost_order_pks", "cost_rows", "costs")
    columns |= orders("volume_order_pks", "volume_rows", "volume_costs")
    # by_close: the old rows keep their order (renumbered), the new ones are merged in by
    # (close date, row), the key a stable argsort of all close dates would sort by.
    old_sorted = old_rows[old.by_close]
    old_close = old.close_us[old.by_close]
    new_sorted = new_rows[new.by_close]
    new_close = new.close_us[new.by_close]
    low = np.searchsorted(old_close, new_close, side="left")
    high = np.searchsorted(old_close, new_close, side="right")
    at_close = [
        lo + int(np.searchsorted(old_sorted[lo:hi], row))
        for lo, hi, row in zip(low.tolist(), high.tolist(), new_sorted.tolist(), strict=True)
    ]
    return ClosedTrades(
        **columns,
        by_close=np.insert(old_sorted, np.array(at_close, dtype=np.int64), new_sorted),
        profit_sum=seq_sum(columns["profit_abs"][stable_order(columns["pks"])]),
    )


def _load_closed(bot_id: int, *, since: _Watch | None = None) -> ClosedTrades:
    """The bot's closed trades; with ``since``, only those that were open then or were created
    after it (the candidates for having closed since)."""
    where = None
    if since is not None:
        last = -1 if since.last_trade_id is None else since.last_trade_id
        where = Q(id__in=since.open_pks) | Q(trade_id__gt=last)
    cols = trade_columns(
        bot_id,
        [
            "id",
            "trade_id",
            "pair",
            "is_short",
            "leverage",
            "enter_tag",
            "exit_reason",
            "close_profit",
            "close_profit_abs",
            "open_date",
            "close_date",
        ],
        where=where,
    )
    # A few trades: ask for their orders only (bounded: an IN list of bind parameters).
    some = since is not None and len(cols["id"]) <= MAX_IN_LIST
    cost_rows, costs, cost_order_pks = entry_order_costs(
        bot_id, cols["id"], cols["is_short"], cols["leverage"], only_these=some
    )
    volume_orders = Order.objects.filter(
        bot_id=bot_id, status="closed", order_filled_date__isnull=False, cost__isnull=False
    )
    if some:
        volume_orders = volume_orders.filter(trade_id__in=cols["id"].tolist())
    volume = fetch_columns(
        volume_orders.order_by("id"), {"id": "int", "trade_id": "int", "cost": "float"}
    )
    volume_rows, of_closed = rows_of(cols["id"], volume["trade_id"])
    pair_labels, pair_codes = label_codes(cols["pair"], missing=OTHER)
    enter_labels, enter_codes = label_codes(cols["enter_tag"], missing=OTHER)
    exit_labels, exit_codes = label_codes(cols["exit_reason"], missing=OTHER)
    profit_abs = np.nan_to_num(cols["close_profit_abs"])
    return ClosedTrades(
        pks=cols["id"],
        trade_ids=cols["trade_id"],
        is_short=cols["is_short"],
        pair_codes=pair_codes,
        pair_labels=pair_labels,
        enter_codes=enter_codes,
        enter_labels=enter_labels,
        exit_codes=exit_codes,
        exit_labels=exit_labels,
        ratio=np.nan_to_num(cols["close_profit"]),
        profit_abs=profit_abs,
        open_us=cols["open_date"],
        close_us=cols["close_date"],
        by_close=np.argsort(cols["close_date"], kind="stable"),
        cost_rows=cost_rows,
        costs=costs,
        cost_order_pks=cost_order_pks,
        volume_order_pks=volume["id"][of_closed],
        volume_rows=volume_rows[of_closed],
        volume_costs=volume["cost"][of_closed],
        profit_sum=seq_sum(profit_abs[stable_order(cols["id"])]),
    )
