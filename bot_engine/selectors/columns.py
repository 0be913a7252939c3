"""Trade and order columns read straight into numpy: no model instances, no per-row converters.

``values_list()`` rows go into arrays, and datetime columns come back from the database as text
and are parsed in bulk into int64 **microseconds since the epoch, UTC** (``NAT`` when missing).
On PostgreSQL a binary COPY skips Python objects altogether (``_copy_columns``): what makes the
aggregate endpoints affordable over a million trades.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BigIntegerField,
    BooleanField,
    DateTimeField,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    TextField,
)
from django.db.models.functions import Cast

from bot_engine.models import Order, Trade

NAT = np.iinfo(np.int64).min  # missing datetime in a microsecond column
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def us_to_datetime(us: int) -> datetime:
    """The UTC datetime of microseconds since the epoch (a microsecond column's value)."""
    return EPOCH + timedelta(microseconds=int(us))


def datetime_to_us(value: datetime) -> int:
    """Microseconds since the epoch, exactly (a float timestamp would round)."""
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


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
    where: Q | None = None,
) -> dict[str, np.ndarray]:
    """Columns of the bot's (closed, by default) trades in trade-id order; datetimes as int64
    µs. ``id`` is the internal primary key, ``trade_id`` the bot's own trade number.
    ``where``: only the trades matching it."""
    queryset = Trade.objects.for_bot(bot_id)
    if is_open is not None:
        queryset = queryset.filter(is_open=is_open)
    if where is not None:
        queryset = queryset.filter(where)
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


def stable_order(values: np.ndarray) -> np.ndarray:
    """``np.argsort(values, kind="stable")``, without sorting values already in order."""
    if len(values) < 2 or bool((values[1:] >= values[:-1]).all()):
        return np.arange(len(values))
    return np.argsort(values, kind="stable")


def label_codes(values: np.ndarray, *, missing: str) -> tuple[np.ndarray, np.ndarray]:
    """A text column as (sorted distinct labels, per-row index into them); NULL is ``missing``."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object).fillna(missing))
    labels = np.array([str(value) for value in uniques], dtype=object)
    order = np.argsort(labels, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return labels[order], rank[codes] if len(codes) else codes.astype(np.int64)
