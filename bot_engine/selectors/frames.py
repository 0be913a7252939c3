"""Trade and order columns loaded straight into numpy, cached per bot, and the float rules.

Aggregates never build model instances: ``values_list()`` rows go into arrays, and datetime
columns come back from the database as text (no per-row converter) and are parsed in bulk into
int64 **microseconds since the epoch, UTC**. ``closed_trades(bot_id)`` keeps a bot's closed
trades in memory behind a cheap fingerprint query, so ``/profit``, ``/performance``, ``/stats``
and ``/daily`` over 100k trades do not reload them on every poll.

Summation order is part of the contract: Freqtrade's answers were produced by Python ``sum()`` and
SQLite ``SUM`` (both plain left-to-right), numpy/pandas ``.sum()``/``.mean()`` (pairwise) and
bottleneck's ``nanstd`` (two left-to-right passes). Matching its bodies to the last digit means
using the same kind of sum in the same place, so the helpers below name which one they are.
"""

from __future__ import annotations

import gc
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import numpy as np
import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, connections
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    Max,
    Q,
    QuerySet,
    Sum,
    TextField,
)
from django.db.models.functions import Cast

from bot_engine.models import Bot, Order, Trade

logger = logging.getLogger(__name__)

T = TypeVar("T")
DATETIME_PRINT_FORMAT = "%Y-%m-%d %H:%M:%S"
NAT = np.iinfo(np.int64).min  # missing datetime in a microsecond column
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FINAL_ORDER_STATUSES = ("closed", "canceled", "cancelled", "expired", "rejected")


class UtcText(Func):
    """A datetime column as UTC text ("YYYY-MM-DD HH:MM:SS[.ffffff]"), for bulk parsing."""

    output_field = TextField()
    template = "CAST(%(expressions)s AS TEXT)"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST((%(expressions)s AT TIME ZONE 'UTC') AS TEXT)",
            **extra_context,
        )


def parse_us(values: Sequence[str | None]) -> np.ndarray:
    """Database datetime text -> int64 microseconds since the epoch (``NAT`` for NULL)."""
    if len(values) == 0:
        return np.empty(0, dtype=np.int64)
    parsed = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601", utc=True)
    return parsed.dt.as_unit("us").to_numpy(dtype="datetime64[us]").view(np.int64)


_KINDS = {
    "FloatField": "float",
    "DecimalField": "float",
    "DateTimeField": "datetime",
    "BooleanField": "bool",
    "IntegerField": "int",
    "PositiveIntegerField": "int",
    "BigIntegerField": "int",
    "BigAutoField": "int",
    "AutoField": "int",
    "ForeignKey": "int",
}


@contextmanager
def _gc_paused():
    """Building 100k row tuples trips the cyclic GC over and over; none of them are cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def fetch_columns(queryset: QuerySet, kinds: Mapping[str, str]) -> dict[str, np.ndarray]:
    """Run ``queryset.values_list(*kinds)`` on a plain cursor and return numpy columns.

    ``kinds`` maps each field to "int", "float" (NULL -> NaN), "bool", "str" or "datetime"
    (read as text, parsed in bulk to int64 µs). Skipping Django's per-row converters is what
    makes 100k rows affordable; on PostgreSQL a binary COPY skips Python objects altogether
    (``_copy_columns``), which is what makes a million affordable.
    """
    if connections[queryset.db].vendor == "postgresql":
        columns = _copy_columns(queryset, kinds)
        if columns is not None:
            return columns
    annotations = {
        f"_{name}_text": UtcText(name) for name, kind in kinds.items() if kind == "datetime"
    }
    selected = [f"_{name}_text" if kind == "datetime" else name for name, kind in kinds.items()]
    values = queryset.annotate(**annotations).values_list(*selected)
    try:
        sql, params = values.query.get_compiler(using=values.db).as_sql()
    except EmptyResultSet:
        rows: list[tuple] = []
    else:
        with _gc_paused(), connections[values.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    with _gc_paused():
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in kinds]
        return {
            name: _as_array(column, kind)
            for (name, kind), column in zip(kinds.items(), columns, strict=True)
        }


class _Sql(Func):
    """A column inside a fixed SQL template (``%(expressions)s`` is the column)."""

    def __init__(self, name: str, template: str, output_field) -> None:
        super().__init__(F(name), template=template, output_field=output_field)


# Binary COPY: each column as a fixed-width, never-NULL value, so that every row has the same
# length and the whole answer is one numpy structured array. NULL floats become NaN, NULL
# datetimes -infinity (stored as the int64 minimum: NAT); text is replaced by a 64-bit hash
# and a NULL flag, and each distinct hash is turned back into its text by looking up one row.
_COPY_TYPES = {
    "int": (">i8", lambda n: Cast(n, BigIntegerField())),
    "float": (">f8", lambda n: _Sql(n, "COALESCE(%(expressions)s, 'NaN'::float8)", FloatField())),
    "bool": ("u1", lambda n: F(n)),
    "datetime": (
        ">i8",
        lambda n: _Sql(n, "COALESCE(%(expressions)s, '-infinity'::timestamptz)", DateTimeField()),
    ),
    "str": (
        ">i8",
        lambda n: _Sql(n, "COALESCE(hashtextextended(%(expressions)s, 0), 0)", BigIntegerField()),
    ),
    "null": ("u1", lambda n: _Sql(n, "(%(expressions)s IS NULL)", BooleanField())),
}
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
PG_EPOCH_US = 946_684_800_000_000  # PostgreSQL counts timestamps from 2000-01-01 (µs)


def _copy_columns(queryset: QuerySet, kinds: Mapping[str, str]) -> dict[str, np.ndarray] | None:
    """``fetch_columns`` through ``COPY (query) TO STDOUT (FORMAT binary)`` into numpy, with
    the very same values; None when the query does not fit (nullable int/bool columns,
    an unexpected layout, a row that vanished before its text was read)."""
    meta = queryset.model._meta
    if any(kind not in _COPY_TYPES or kind == "null" for kind in kinds.values()):
        return None
    if any(kind in ("int", "bool") and meta.get_field(name).null for name, kind in kinds.items()):
        return None
    texts = [name for name, kind in kinds.items() if kind == "str"]
    wanted = [("_copy_pk", "int", "pk")] if texts else []
    for name, kind in kinds.items():
        wanted.append((f"_copy_{name}", kind, name))
        if kind == "str":
            wanted.append((f"_copy_{name}_null", "null", name))
    values = queryset.annotate(
        **{alias: _COPY_TYPES[kind][1](name) for alias, kind, name in wanted}
    ).values_list(*(alias for alias, _, _ in wanted))
    connection = connections[values.db]
    try:
        sql, params = values.query.get_compiler(using=values.db).as_sql()
    except EmptyResultSet:
        return None
    statement = connection.ops.compose_sql(f"COPY ({sql}) TO STDOUT (FORMAT binary)", params)
    data = bytearray()  # appended row by row: twice as fast as joining a million of them
    with connection.cursor() as cursor, _gc_paused():
        logged = cursor.debug_sql(statement) if hasattr(cursor, "debug_sql") else nullcontext()
        with logged, cursor.cursor.copy(statement) as copy:
            for block in copy:
                data += block
    dtype = [("fields", ">i2")]
    for alias, kind, _ in wanted:
        dtype += [(f"{alias}_len", ">i4"), (alias, _COPY_TYPES[kind][0])]
    row = np.dtype(dtype)
    if data[:11] != _COPY_SIGNATURE:
        return None
    start = 19 + int.from_bytes(data[15:19], "big")
    count, rest = divmod(len(data) - start - 2, row.itemsize)
    if rest:
        return None
    rows = np.frombuffer(data, dtype=row, count=count, offset=start)
    if not (rows["fields"] == len(wanted)).all() or any(
        not (rows[f"{alias}_len"] == row[alias].itemsize).all() for alias, _, _ in wanted
    ):
        return None
    columns: dict[str, np.ndarray] = {}
    for name, kind in kinds.items():
        column = rows[f"_copy_{name}"]
        if kind == "float":
            columns[name] = column.astype(np.float64)
        elif kind == "int":
            columns[name] = column.astype(np.int64)
        elif kind == "bool":
            columns[name] = column.astype(bool)
        elif kind == "datetime":
            us = column.astype(np.int64)
            columns[name] = np.where(us == NAT, NAT, us + PG_EPOCH_US)
    if texts and not _copy_texts(queryset, rows, texts, columns):
        return None
    return columns


def _copy_texts(
    queryset: QuerySet, rows: np.ndarray, names: list[str], columns: dict[str, np.ndarray]
) -> bool:
    """Text columns from their hashes: one row per distinct (hash, column) is read back by
    primary key (a handful of rows), and its text given to every row with that hash. Two
    different texts of one bot sharing a 64-bit hash is not a practical concern."""
    pks = rows["_copy_pk"].astype(np.int64)
    per_column = []
    wanted: set[int] = set()
    for name in names:
        nulls = rows[f"_copy_{name}_null"].astype(bool)
        hashes = rows[f"_copy_{name}"].astype(np.int64)
        distinct, first = np.unique(hashes[~nulls], return_index=True)
        samples = pks[~nulls][first].tolist()
        per_column.append((name, nulls, hashes, distinct, samples))
        wanted.update(samples)
    found = {}
    if wanted:
        texts = queryset.order_by().filter(pk__in=sorted(wanted)).values_list("pk", *names)
        found = {row[0]: row[1:] for row in texts}
    for index, (name, nulls, hashes, distinct, samples) in enumerate(per_column):
        if any(pk not in found for pk in samples):
            return False  # deleted meanwhile: read it all the plain way
        labels = np.array([found[pk][index] for pk in samples] + [None], dtype=object)
        codes = np.searchsorted(distinct, hashes)
        codes[nulls] = len(distinct)
        columns[name] = labels[codes]
    return True


def _as_array(values: Sequence, kind: str) -> np.ndarray:
    if kind == "datetime":
        return parse_us(values)
    if kind == "float":
        return np.array(values, dtype=np.float64)  # None -> NaN
    if kind == "bool":
        return np.array(values, dtype=bool)
    if kind == "int" and None not in values:
        return np.array(values, dtype=np.int64)
    return np.array(values, dtype=object)


def trade_columns(
    bot_id: int,
    fields: Sequence[str],
    *,
    is_open: bool | None = False,
    since: _Watch | None = None,
) -> dict[str, np.ndarray]:
    """Columns of the bot's (closed, by default) trades in trade-id order; datetimes as int64
    µs. ``id`` is the internal primary key, ``trade_id`` the bot's own trade number.
    ``since``: only the trades open at that watch or created after it."""
    queryset = Trade.objects.for_bot(bot_id)
    if is_open is not None:
        queryset = queryset.filter(is_open=is_open)
    if since is not None:
        last = -1 if since.last_trade_id is None else since.last_trade_id
        queryset = queryset.filter(Q(id__in=since.open_pks) | Q(trade_id__gt=last))
    kinds = {
        name: _KINDS.get(Trade._meta.get_field(name).get_internal_type(), "str") for name in fields
    }
    return fetch_columns(queryset.order_by("trade_id"), kinds)


def entry_order_costs(
    bot_id: int,
    trade_pks: np.ndarray,
    is_short: np.ndarray,
    leverage: np.ndarray,
    *,
    only_these: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Filled entry orders of the given trades, in order-id order: (index into the trade
    arrays, stake, order primary key). Orders of other trades are ignored; ``only_these``
    asks the database for the given trades' orders only (a few trades of a large bot).

    The stake of an order is filled amount x average price (else price, else ft_price) /
    leverage: the 2026.9 denominator of the performance ratios (contract §3.6).
    """
    if not len(trade_pks):
        empty = np.empty(0, dtype=np.int64)
        return empty, np.empty(0, dtype=np.float64), empty
    queryset = Order.objects.filter(bot_id=bot_id, filled__gt=0)
    if only_these:
        queryset = queryset.filter(trade_id__in=trade_pks.tolist())
    if not is_short.any():
        queryset = queryset.filter(ft_order_side="buy")  # halves the rows of a spot bot
    cols = fetch_columns(
        queryset.order_by("id"),
        {
            "id": "int",
            "trade_id": "int",
            "ft_order_side": "str",
            "filled": "float",
            "amount": "float",
            "average": "float",
            "price": "float",
            "ft_price": "float",
        },
    )
    index, found = rows_of(trade_pks, cols["trade_id"])
    keep = found & (cols["ft_order_side"] == np.where(is_short[index], "sell", "buy"))
    quantity = np.where(np.isnan(cols["filled"]), cols["amount"], cols["filled"])
    rate = np.where(
        np.isnan(cols["average"]),
        np.where(np.isnan(cols["price"]), cols["ft_price"], cols["price"]),
        cols["average"],
    )
    leverage = np.nan_to_num(leverage[index].astype(np.float64), nan=1.0)
    return index[keep], (quantity * rate / leverage)[keep], cols["id"][keep]


def rows_of(pks: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``wanted``: its position in ``pks`` and whether it is there at all."""
    if not len(pks):
        return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=bool)
    by_pk = np.argsort(pks, kind="stable")
    index = by_pk[np.clip(np.searchsorted(pks[by_pk], wanted), 0, len(pks) - 1)]
    return index, pks[index] == wanted


def seq_sum(values: np.ndarray | Sequence[float]) -> float:
    """Left-to-right float sum: Python 3.11 ``sum()`` and SQLite ``SUM`` (not pairwise)."""
    array = np.asarray(values, dtype=np.float64)
    return float(np.cumsum(array)[-1]) if len(array) else 0.0


def seq_sum_inserted(
    values: np.ndarray, running: np.ndarray, positions: np.ndarray, extra: np.ndarray
) -> float:
    """``seq_sum(np.insert(values, positions, extra))`` (``positions`` ascending) without
    re-adding the untouched prefix: ``running`` is ``np.cumsum(values)``, and a left-to-right
    sum continued from its value before the first insertion is the very same sum."""
    if not len(extra):
        return float(running[-1]) if len(running) else 0.0
    first = int(positions[0])
    tail = np.insert(np.asarray(values[first:], dtype=np.float64), positions - first, extra)
    if first == 0:
        return seq_sum(tail)
    return float(np.cumsum(np.concatenate([running[first - 1 : first], tail]))[-1])


def pairwise_sum(values: np.ndarray) -> float:
    """numpy/pandas ``.sum()`` (pairwise summation) over a contiguous copy."""
    return float(np.sum(np.ascontiguousarray(values, dtype=np.float64)))


def bn_std(values: np.ndarray, ddof: int = 0) -> float:
    """Standard deviation the way bottleneck (behind pandas ``.std()``) computes it."""
    array = np.asarray(values, dtype=np.float64)
    count = len(array)
    if count <= ddof:
        return math.nan
    mean = seq_sum(array) / count
    deviation = array - mean
    return math.sqrt(seq_sum(deviation * deviation) / (count - ddof))


def small_ints(codes: np.ndarray) -> np.ndarray:
    """``codes`` as uint16 when they fit: a stable sort of those is a radix sort, four times
    faster than sorting int64 over a million rows, and puts the rows in the same order."""
    if len(codes) and codes.min() >= 0 and codes.max() <= np.iinfo(np.uint16).max:
        return codes.astype(np.uint16)
    return codes


def group_seq_sums(codes: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Per-group left-to-right sums of ``values`` (row order kept inside each group).

    pandas' groupby sum compensates rounding (Kahan); SQLite's grouped ``SUM`` does not.
    """
    out = np.zeros(groups, dtype=np.float64)
    if len(values) == 0:
        return out
    order = np.argsort(small_ints(codes), kind="stable")
    sorted_codes = codes[order]
    sorted_values = np.asarray(values, dtype=np.float64)[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    ends = np.r_[starts[1:], len(sorted_codes)]
    for start, end in zip(starts, ends, strict=True):
        out[sorted_codes[start]] = np.cumsum(sorted_values[start:end])[-1]
    return out


def rank_groups(
    labels: np.ndarray,
    codes: np.ndarray,
    profit_abs: np.ndarray,
    cost_rows: np.ndarray,
    costs: np.ndarray,
) -> list[tuple[str, float, float, int]]:
    """(key, Σ profit_abs / Σ entry stake, Σ profit_abs, count), best Σ profit_abs first.

    ``codes``/``profit_abs`` are per trade (id order), ``codes`` indexing ``labels``; ``costs``
    per filled entry order with ``cost_rows`` its trade's row. Groups without any filled entry
    order are left out (an inner join in Freqtrade). Sums run left to right, as SQLite's
    grouped SUM does (contract §3.6).
    """
    if not len(codes):
        return []
    profits = group_seq_sums(codes, profit_abs, len(labels))
    counts = np.bincount(codes, minlength=len(labels))
    cost_codes = codes[cost_rows]
    stakes = group_seq_sums(cost_codes, costs, len(labels))
    has_cost = np.bincount(cost_codes, minlength=len(labels)) > 0
    rows = [
        (str(labels[i]), float(profits[i] / stakes[i]), float(profits[i]), int(counts[i]))
        for i in range(len(labels))
        if has_cost[i] and counts[i]
    ]
    rows.sort(key=lambda row: row[2], reverse=True)
    return rows


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


def stable_order(values: np.ndarray) -> np.ndarray:
    """``np.argsort(values, kind="stable")``, without sorting values already in order."""
    if len(values) < 2 or bool((values[1:] >= values[:-1]).all()):
        return np.arange(len(values))
    return np.argsort(values, kind="stable")


def _load_closed(bot_id: int, *, since: _Watch | None = None) -> ClosedTrades:
    """The bot's closed trades; with ``since``, only those that were open then or were created
    after it (the candidates for having closed since)."""
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
        since=since,
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
    pair_labels, pair_codes = _codes(cols["pair"])
    enter_labels, enter_codes = _codes(cols["enter_tag"])
    exit_labels, exit_codes = _codes(cols["exit_reason"])
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


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct labels, per-row index into them); NULL becomes "Other"."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object).fillna(OTHER))
    labels = np.array([str(value) for value in uniques], dtype=object)
    order = np.argsort(labels, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return labels[order], rank[codes] if len(codes) else codes.astype(np.int64)


def us_to_datetime(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(us))


def us_to_ms(us: np.ndarray | int) -> np.ndarray | int:
    """Freqtrade's ``int(dt.timestamp() * 1000)``, float steps included, for microseconds."""
    if isinstance(us, np.ndarray):
        return np.trunc((us / 1e6) * 1000).astype(np.int64)
    return int((int(us) / 1e6) * 1000)


def format_us(us: int | None) -> str:
    """ "YYYY-MM-DD HH:MM:SS" of a microsecond timestamp, "" when missing."""
    if us is None or us == NAT:
        return ""
    return us_to_datetime(us).strftime(DATETIME_PRINT_FORMAT)


def format_date(value: datetime | None) -> str | None:
    """ "YYYY-MM-DD HH:MM:SS" in UTC (``isoformat`` is twice as fast as ``strftime``, and the
    same text for four-digit years)."""
    if not value:
        return None
    value = value.astimezone(UTC)
    if value.year < 1000:
        return value.strftime(DATETIME_PRINT_FORMAT)
    return value.isoformat(" ", "seconds")[:19]


def timestamp_ms(value: datetime | None) -> int | None:
    """Epoch milliseconds the way Freqtrade computes them (float seconds x 1000, truncated)."""
    return int(value.timestamp() * 1000) if value else None


def finite_or_none(value: float | None) -> float | None:
    """NaN and ±inf have no JSON form; the contract writes them as null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)
