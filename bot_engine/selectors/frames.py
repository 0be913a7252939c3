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
import math
import time
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Func, Max, QuerySet, Sum, TextField

from bot_engine.models import Bot, Order, Trade

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
    makes 100k rows affordable.
    """
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
    bot_id: int, fields: Sequence[str], *, is_open: bool | None = False
) -> dict[str, np.ndarray]:
    """Columns of the bot's (closed, by default) trades in trade-id order; datetimes as int64
    µs. ``id`` is the internal primary key, ``trade_id`` the bot's own trade number."""
    queryset = Trade.objects.for_bot(bot_id)
    if is_open is not None:
        queryset = queryset.filter(is_open=is_open)
    kinds = {
        name: _KINDS.get(Trade._meta.get_field(name).get_internal_type(), "str") for name in fields
    }
    return fetch_columns(queryset.order_by("trade_id"), kinds)


def entry_order_costs(
    bot_id: int, trade_pks: np.ndarray, is_short: np.ndarray, leverage: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Filled entry orders of the given trades, in order-id order: (index into the trade
    arrays, stake). Orders of other trades are ignored.

    The stake of an order is filled amount x average price (else price, else ft_price) /
    leverage: the 2026.9 denominator of the performance ratios (contract §3.6).
    """
    if not len(trade_pks):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    queryset = Order.objects.filter(bot_id=bot_id, filled__gt=0)
    if not is_short.any():
        queryset = queryset.filter(ft_order_side="buy")  # halves the rows of a spot bot
    cols = fetch_columns(
        queryset.order_by("id"),
        {
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
    return index[keep], (quantity * rate / leverage)[keep]


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


def group_seq_sums(codes: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Per-group left-to-right sums of ``values`` (row order kept inside each group).

    pandas' groupby sum compensates rounding (Kahan); SQLite's grouped ``SUM`` does not.
    """
    out = np.zeros(groups, dtype=np.float64)
    if len(values) == 0:
        return out
    order = np.argsort(codes, kind="stable")
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
            volume_order_pks=self.volume_order_pks[volume_keep],
            volume_rows=new_row[self.volume_rows[volume_keep]],
            volume_costs=self.volume_costs[volume_keep],
            memo={},
        )

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


# bot id -> (cheap fingerprint, full fingerprint, monotonic time it was counted, columns).
_cache: dict[int, tuple[tuple, tuple, float, ClosedTrades]] = {}
# Up to this many closed trades the fingerprint also sums the profits (a cheap scan).
FULL_FINGERPRINT_MAX_TRADES = 10_000
# Past this many, counting the closed trades on every poll is what costs (a scan of the index:
# ~250 ms for a million rows on PostgreSQL): the count is then redone every RECOUNT_SECONDS,
# and in between only index lookups (newest close, highest ids) tell that something changed.
COUNT_FREE_MIN_TRADES = 200_000
RECOUNT_SECONDS = 60.0


def closed_trades(bot_id: int) -> ClosedTrades:
    """The bot's closed trades, from the in-process cache while its fingerprint holds.

    The fingerprint is a few index-only aggregates: newest close date and highest trade id of
    the closed trades, the bot row's creation time (a test database that rolled
    back hands out the same ids again), plus their count and Σ primary key. Σ close_profit_abs
    needs a scan of the whole table, which is what the cache avoids, so it joins the fingerprint
    only while the bot is small enough for that scan to be cheap; past ``COUNT_FREE_MIN_TRADES``
    the count too is only redone every ``RECOUNT_SECONDS``. Closed trades are not edited or
    deleted in place by the engine; one that is (outside the engine) shows after the next
    close, or for a very large bot at the latest after ``RECOUNT_SECONDS``.
    """
    closed = Trade.objects.for_bot(bot_id).closed()
    cheap: tuple = (
        Bot.objects.filter(pk=bot_id).values_list("created_at", flat=True).first(),
        closed.aggregate(last_close=Max("close_date"))["last_close"],
        closed.aggregate(last_id=Max("trade_id"))["last_id"],
    )
    cached = _cache.get(bot_id)
    now = time.monotonic()
    if (
        cached is not None
        and cached[0] == cheap
        and len(cached[3]) > COUNT_FREE_MIN_TRADES
        and now - cached[2] < RECOUNT_SECONDS
    ):
        return cached[3]
    counts = closed.aggregate(count=Count("id"), pk_sum=Sum("id"))
    full = (*cheap, *counts.values())
    if counts["count"] <= FULL_FINGERPRINT_MAX_TRADES:
        full += tuple(
            closed.aggregate(abs=Sum("close_profit_abs"), ratio=Sum("close_profit")).values()
        )
    if cached is not None and cached[1] == full:
        _cache[bot_id] = (cheap, full, now, cached[3])
        return cached[3]
    loaded = _load_closed(bot_id)
    _cache[bot_id] = (cheap, full, now, loaded)
    return loaded


def closed_count(bot_id: int) -> int:
    """How many closed trades the bot has: from the cache for a very large bot (counting
    scans the whole index), else one COUNT query."""
    cached = _cache.get(bot_id)
    if cached is not None and len(cached[3]) > COUNT_FREE_MIN_TRADES:
        return len(closed_trades(bot_id))
    return Trade.objects.for_bot(bot_id).closed().count()


def clear_cache() -> None:
    """Forget every cached bot (the fingerprint makes this optional)."""
    _cache.clear()


def _load_closed(bot_id: int) -> ClosedTrades:
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
    )
    cost_rows, costs = entry_order_costs(bot_id, cols["id"], cols["is_short"], cols["leverage"])
    volume = fetch_columns(
        Order.objects.filter(
            bot_id=bot_id, status="closed", order_filled_date__isnull=False, cost__isnull=False
        ).order_by("id"),
        {"id": "int", "trade_id": "int", "cost": "float"},
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
        volume_order_pks=volume["id"][of_closed],
        volume_rows=volume_rows[of_closed],
        volume_costs=volume["cost"][of_closed],
        profit_sum=seq_sum(profit_abs[np.argsort(cols["id"], kind="stable")]),
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
    return value.astimezone(UTC).strftime(DATETIME_PRINT_FORMAT) if value else None


def timestamp_ms(value: datetime | None) -> int | None:
    """Epoch milliseconds the way Freqtrade computes them (float seconds x 1000, truncated)."""
    return int(value.timestamp() * 1000) if value else None


def finite_or_none(value: float | None) -> float | None:
    """NaN and ±inf have no JSON form; the contract writes them as null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)
