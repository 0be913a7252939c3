"""Import a Freqtrade database (trades, orders, custom data, pair locks, bot start) into a bot.

Two passes. The first reads only ids and checks everything that could refuse the import (not a
Freqtrade database, a corrupt file, trade ids the bot already uses for *different* trades), so a
refusal writes nothing. The second copies the rows in batches, one transaction each; should a
later batch fail anyway, the batches already written are deleted again: never a partial import.

Freqtrade's trade ids are kept as ``Trade.trade_id``. A trade the bot already holds (same id,
pair and open date) counts as already present, so running the import again is a no-op. How a
source row becomes field values (old column names, dates, defaults) is ``importer/rows.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import transaction

from bot_engine.importer.bulk import insert_rows
from bot_engine.importer.rows import order_values, trade_values, utc
from bot_engine.importer.source import FreqtradeImportError, Source, open_source
from bot_engine.models import Bot, Order, PairLock, Trade, TradeCustomData

BATCH_SIZE = 5000
SHOWN_IDS = 10  # ids named in a refusal message

# Without these a table is not Freqtrade's (present in every version since 2021).
REQUIRED = {
    "trades": {"id", "exchange", "pair", "is_open", "open_rate", "amount", "open_date"},
    "orders": {"id", "ft_trade_id", "ft_order_side", "ft_pair", "order_id"},
    "pairlocks": {"pair", "lock_time", "lock_end_time"},
    "trade_custom_data": {"ft_trade_id", "cd_key", "cd_type", "cd_value", "created_at"},
}
REASON_ORPHAN = "no trade with its ft_trade_id in the source"
REASON_TRADE_PRESENT = "its trade was imported before (a re-import does not update trades)"
REASON_ORDER_ID_USED = "the bot already has an order with this pair and order id"
REASON_NO_LOCKS_TABLE = "no pairlocks table"

Progress = Callable[[int], None]


@dataclass
class TableSummary:
    imported: int = 0
    present: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> count

    def line(self, name: str, verb: str) -> str:
        text = f"{name}: {self.imported:,} {verb}, {self.present:,} already present"
        skipped = sum(self.skipped.values())
        if skipped:
            reasons = "; ".join(f"{count:,} {reason}" for reason, count in self.skipped.items())
            text += f", {skipped:,} skipped ({reasons})"
        return text


@dataclass
class ImportSummary:
    source: str
    bot_name: str
    check_only: bool
    trades: TableSummary = field(default_factory=TableSummary)
    orders: TableSummary = field(default_factory=TableSummary)
    locks: TableSummary = field(default_factory=TableSummary)
    custom_data: TableSummary | None = None  # None: the source has no trade_custom_data
    bot_start_time: datetime | None = None

    def lines(self) -> list[str]:
        verb = "to import" if self.check_only else "imported"
        head = (
            f"Checked {self.source} for bot '{self.bot_name}': nothing written."
            if self.check_only
            else f"Imported {self.source} into bot '{self.bot_name}'."
        )
        lines = [
            head,
            self.trades.line("trades", verb),
            self.orders.line("orders", verb),
            self.locks.line("pair locks", verb),
        ]
        if self.custom_data is not None:
            lines.insert(3, self.custom_data.line("custom data", verb))
        return lines


@dataclass
class _Plan:
    """What the first pass learnt: the source's ids, and which of them the bot already holds."""

    trade_ids: list[int]
    present: set[int]
    trade_columns: list[str]
    order_columns: list[str]
    lock_columns: list[str]
    custom_data_columns: list[str]  # empty: no trade_custom_data table (Freqtrade < 2024.x)
    stored_start: datetime | None
    first_open: datetime | None
    used_orders: set[tuple[str, str]]  # (pair, order id) of the bot's orders


def import_freqtrade(
    source: str | Path,
    *,
    bot_name: str,
    check: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import (or with ``check``, only validate) ``source`` into the bot named ``bot_name``.

    ``on_total(n)`` is called once with the number of trades, ``progress(k)`` after each batch.
    Raises ``FreqtradeImportError`` with a message for the user; nothing is written then.
    """
    with open_source(source) as src:
        summary = ImportSummary(source=src.label, bot_name=bot_name, check_only=check)
        bot = Bot.objects.filter(name=bot_name).first()
        plan = _plan(src, bot)
        if plan.custom_data_columns:
            summary.custom_data = TableSummary()
        if on_total:
            on_total(len(plan.trade_ids))
        orphans = _count(
            src, "SELECT count(*) FROM orders WHERE ft_trade_id NOT IN (SELECT id FROM trades)"
        )
        if orphans:
            summary.orders.skipped[REASON_ORPHAN] = orphans
        if check:
            for batch in _chunks(plan.trade_ids, batch_size):
                _batch(src, plan, bot, batch, summary, write=False)
                if progress:
                    progress(len(batch))
            _locks(src, plan, bot, summary, write=False)
            return summary
        if bot is None:
            bot = Bot.objects.create(name=bot_name)
        written: list[int] = []
        try:
            for batch in _chunks(plan.trade_ids, batch_size):
                with transaction.atomic():
                    written += _batch(src, plan, bot, batch, summary, write=True)
                if progress:
                    progress(len(batch))
            with transaction.atomic():
                _locks(src, plan, bot, summary, write=True)
                summary.bot_start_time = _set_bot_start(bot, plan)
        except BaseException:
            _undo(bot, written)
            raise
    return summary


def import_freqtrade_sqlite(path: Path, *, bot: Bot) -> dict[str, int]:
    """Import the SQLite file at ``path`` into ``bot``; ``{"trades": n, "orders": m}``."""
    summary = import_freqtrade(path, bot_name=bot.name)
    bot.refresh_from_db()
    return {"trades": summary.trades.imported, "orders": summary.orders.imported}


def _plan(src: Source, bot: Bot | None) -> _Plan:
    tables = src.tables()
    missing = [name for name in ("trades", "orders") if name not in tables]
    if missing:
        raise FreqtradeImportError(
            f"{src.label} is not a Freqtrade database: no {' or '.join(missing)} table."
        )
    columns = {
        name: src.columns(name) for name in ("trades", "orders", "pairlocks", "trade_custom_data")
    }
    for table, needed in REQUIRED.items():
        absent = needed - set(columns[table])
        if table in tables and absent:
            raise FreqtradeImportError(
                f"{src.label} is not a Freqtrade database: table {table} lacks "
                f"{', '.join(sorted(absent))}."
            )
    problem = src.integrity_problem()
    if problem:
        raise FreqtradeImportError(f"{src.label} is corrupt ({problem}); nothing imported.")

    source_keys = {
        row[0]: (row[1], utc(row[2]))
        for row in src.rows("SELECT id, pair, open_date FROM trades ORDER BY id")
    }
    present: set[int] = set()
    if bot is not None and source_keys:
        held = Trade.objects.for_bot(bot.pk).filter(trade_id__lte=max(source_keys))
        clashes = []
        for trade_id, pair, open_date in held.values_list("trade_id", "pair", "open_date"):
            if trade_id not in source_keys:
                continue
            if source_keys[trade_id] == (pair, open_date):
                present.add(trade_id)
            else:
                clashes.append(trade_id)
        if clashes:
            clashes.sort()
            shown = ", ".join(str(i) for i in clashes[:SHOWN_IDS])
            more = f", … ({len(clashes):,} in all)" if len(clashes) > SHOWN_IDS else ""
            raise FreqtradeImportError(
                f"Bot '{bot.name}' already has different trades with the ids {shown}{more} "
                f"of {src.label}; nothing imported. Import into another bot (--bot-name)."
            )
    return _Plan(
        trade_ids=list(source_keys),
        present=present,
        trade_columns=columns["trades"],
        order_columns=columns["orders"],
        lock_columns=columns["pairlocks"] if "pairlocks" in tables else [],
        custom_data_columns=(columns["trade_custom_data"] if "trade_custom_data" in tables else []),
        stored_start=_stored_bot_start(src) if "KeyValueStore" in tables else None,
        first_open=min((key[1] for key in source_keys.values()), default=None),
        used_orders=(
            set(Order.objects.filter(bot=bot).values_list("ft_pair", "order_id")) if bot else set()
        ),
    )


def _batch(
    src: Source, plan: _Plan, bot: Bot | None, ids: list[int], summary: ImportSummary, *, write
) -> list[int]:
    """Copy the trades ``ids`` (a run of the sorted source ids) and their orders."""
    first, last = ids[0], ids[-1]
    trade_rows = _select(src, "trades", plan.trade_columns, "id", first, last)
    new_rows = [row for row in trade_rows if row["id"] not in plan.present]
    summary.trades.present += len(trade_rows) - len(new_rows)
    trades = [trade_values(row, bot) for row in new_rows]
    order_rows = _select(src, "orders", plan.order_columns, "ft_trade_id", first, last)
    pks: dict[int, int] = {}
    if write:
        insert_rows(Trade, trades)
        pks = dict(
            Trade.objects.for_bot(bot.pk)
            .filter(trade_id__gte=first, trade_id__lte=last)
            .values_list("trade_id", "pk")
        )
    new_ids = {trade["trade_id"] for trade in trades}
    used = plan.used_orders
    orders = []
    for row in order_rows:
        trade_id = row["ft_trade_id"]
        if trade_id not in new_ids:
            if trade_id in plan.present:
                if (row["ft_pair"], row["order_id"]) in used:
                    summary.orders.present += 1
                else:
                    summary.orders.skipped[REASON_TRADE_PRESENT] += 1
            continue
        if (row["ft_pair"], row["order_id"]) in used:
            summary.orders.skipped[REASON_ORDER_ID_USED] += 1
            continue
        orders.append(order_values(row, bot, pks.get(trade_id)))
    if write:
        insert_rows(Order, orders)
    summary.trades.imported += len(trades)
    summary.orders.imported += len(orders)
    _custom_data(src, plan, new_ids, pks, summary, first, last, write=write)
    return sorted(new_ids)


def _custom_data(
    src: Source,
    plan: _Plan,
    new_ids: set[int],
    pks: dict[int, int],
    summary: ImportSummary,
    first: int,
    last: int,
    *,
    write: bool,
) -> None:
    """The strategy custom data of the trades just copied (a re-import leaves it alone)."""
    if not plan.custom_data_columns:
        return
    rows = _select(src, "trade_custom_data", plan.custom_data_columns, "ft_trade_id", first, last)
    entries = []
    for row in rows:
        trade_id = row["ft_trade_id"]
        if trade_id not in new_ids:
            summary.custom_data.present += trade_id in plan.present
            continue
        entries.append(
            TradeCustomData(
                trade_id=pks.get(trade_id),
                cd_key=row["cd_key"],
                cd_type=row["cd_type"],
                cd_value=row["cd_value"],
                created_at=utc(row["created_at"]),
                updated_at=utc(row.get("updated_at")),
            )
        )
    if write:
        TradeCustomData.objects.bulk_create(entries)
    summary.custom_data.imported += len(entries)


def _locks(src: Source, plan: _Plan, bot: Bot | None, summary: ImportSummary, *, write) -> None:
    if not plan.lock_columns:
        return
    held = set()
    if bot is not None:
        held = set(
            PairLock.objects.filter(bot=bot).values_list(
                "pair", "side", "lock_time", "lock_end_time"
            )
        )
    locks = []
    names = ", ".join(f'"{name}"' for name in plan.lock_columns)
    for values in src.rows(f"SELECT {names} FROM pairlocks ORDER BY id"):
        row = dict(zip(plan.lock_columns, values, strict=True))
        lock = PairLock(
            bot=bot,
            pair=row["pair"],
            side=row.get("side") or "*",
            reason=row.get("reason"),
            lock_time=utc(row["lock_time"]),
            lock_end_time=utc(row["lock_end_time"]),
            active=bool(row.get("active", True)),
        )
        key = (lock.pair, lock.side, lock.lock_time, lock.lock_end_time)
        if key in held:
            summary.locks.present += 1
        else:
            held.add(key)
            locks.append(lock)
    if write:
        PairLock.objects.bulk_create(locks)
    summary.locks.imported += len(locks)


def _set_bot_start(bot: Bot, plan: _Plan) -> datetime | None:
    """Freqtrade's stored ``bot_start_time`` wins; else, for a new bot, the first open date
    (what Freqtrade records at its first start on that database, contract §3.4)."""
    wanted = plan.stored_start or (None if bot.bot_start_time else plan.first_open)
    if wanted and wanted != bot.bot_start_time:
        bot.bot_start_time = wanted
        bot.save(update_fields=["bot_start_time"])
    return bot.bot_start_time


def _undo(bot: Bot, trade_ids: list[int]) -> None:
    """Remove what earlier batches of a failed import committed (orders go with their trades)."""
    for batch in _chunks(trade_ids, BATCH_SIZE):
        Trade.objects.for_bot(bot.pk).filter(trade_id__in=batch).delete()


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _select(src: Source, table: str, columns: list[str], key: str, first: int, last: int):
    names = ", ".join(f'"{name}"' for name in columns)
    # In source id order: sums over the rows then add up in Freqtrade's order, to the last bit.
    sql = f'SELECT {names} FROM {table} WHERE "{key}" BETWEEN ? AND ? ORDER BY id'
    return [dict(zip(columns, values, strict=True)) for values in src.rows(sql, (first, last))]


def _count(src: Source, sql: str) -> int:
    return next(src.rows(sql))[0]


def _stored_bot_start(src: Source) -> datetime | None:
    row = next(
        src.rows('SELECT datetime_value FROM "KeyValueStore" WHERE "key" = ?', ("bot_start_time",)),
        None,
    )
    return utc(row[0]) if row else None
