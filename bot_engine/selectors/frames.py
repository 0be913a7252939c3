"""Trade and order columns loaded straight into numpy/pandas, and the float rules that go with them.

Aggregates never build model instances: ``values_list()`` rows go into arrays, and datetime
columns come back from the database as text (no per-row converter) and are parsed in bulk into
int64 **microseconds since the epoch, UTC**.

Summation order is part of the contract: Freqtrade's answers were produced by Python ``sum()`` and
SQLite ``SUM`` (both plain left-to-right), numpy/pandas ``.sum()``/``.mean()`` (pairwise) and
bottleneck's ``nanstd`` (two left-to-right passes). Matching its bodies to the last digit means
using the same kind of sum in the same place, so the helpers below name which one they are.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Func, QuerySet, TextField

from bot_engine.models import Order, Trade

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
    "FloatField": "float", "DecimalField": "float", "DateTimeField": "datetime",
    "BooleanField": "bool", "IntegerField": "int", "PositiveIntegerField": "int",
    "BigIntegerField": "int", "BigAutoField": "int", "AutoField": "int", "ForeignKey": "int",
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
    annotations = {f"_{name}_text": UtcText(name) for name, kind in kinds.items()
                   if kind == "datetime"}
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
    bot_id: int,
    fields: Sequence[str],
    *,
    is_open: bool | None = False,
    direction: str | None = None,
    pair: str | None = None,
    closed_since: datetime | None = None,
    order_by: Sequence[str] = ("trade_id",),
) -> dict[str, np.ndarray]:
    """Columns of the bot's trades (trade-id order unless told); datetimes as int64 µs.

    ``id`` is the internal primary key, ``trade_id`` the bot's own trade number.
    """
    queryset = Trade.objects.for_bot(bot_id)
    if is_open is not None:
        queryset = queryset.filter(is_open=is_open)
    if direction in ("long", "short"):
        queryset = queryset.filter(is_short=direction == "short")
    if pair is not None:
        queryset = queryset.filter(pair=pair)
    if closed_since is not None:
        queryset = queryset.filter(close_date__gte=closed_since)
    kinds = {name: _KINDS.get(Trade._meta.get_field(name).get_internal_type(), "str")
             for name in fields}
    return fetch_columns(queryset.order_by(*order_by), kinds)


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
    cols = fetch_columns(queryset.order_by("id"), {
        "trade_id": "int", "ft_order_side": "str", "filled": "float", "amount": "float",
        "average": "float", "price": "float", "ft_price": "float",
    })
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


def us_to_datetime(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(us))


def us_to_ms(us: np.ndarray | int) -> np.ndarray | int:
    """Freqtrade's ``int(dt.timestamp() * 1000)``, float steps included, for microseconds."""
    if isinstance(us, np.ndarray):
        return np.trunc((us / 1e6) * 1000).astype(np.int64)
    return int((int(us) / 1e6) * 1000)


def format_us(us: int | None) -> str:
    """"YYYY-MM-DD HH:MM:SS" of a microsecond timestamp, "" when missing."""
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
