"""Import a Freqtrade database (trades, orders, custom data, pair locks, bot start) into a bot.

Two passes. The first reads only ids and checks everything that could refuse the import (not a
Freqtrade database, a corrupt file, trade ids the bot already uses for *different* trades), so a
refusal writes nothing. The second copies the rows in batches, one transaction each; should a
later batch fail anyway, the batches already written are deleted again: never a partial import.

Freqtrade's trade ids are kept as ``Trade.trade_id``. A trade the bot already holds (same id,
pair and open date) counts as already present, so running the import again is a no-op. Older
column names are accepted (``sell_reason`` -> exit_reason, ``buy_tag`` -> enter_tag) and columns
newer than the database get Freqtrade's migration defaults.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from bot_engine import trade_math
from bot_engine.importer.bulk import insert_rows
from bot_engine.importer.source import FreqtradeImportError, Source, open_source
from bot_engine.models import Bot, Order, PairLock, Trade, TradeCustomData

BATCH_SIZE = 5000
SHOWN_IDS = 10  # ids named in a refusal message

# Freqtrade column -> Trade field, where the names differ.
TRADE_RENAMES = {"sell_reason": "exit_reason", "buy_tag": "enter_tag"}
TRADE_DATETIMES = ("open_date", "close_date")
ORDER_DATETIMES = ("order_date", "order_filled_date", "order_update_date")
# Without these a table is not Freqtrade's (present in every version since 2021).
REQUIRED = {
    "trades": {"id", "exchange", "pair", "is_open", "open_rate", "amount", "open_date"},
    "orders": {"id", "ft_trade_id", "ft_order_side", "ft_pair", "order_id"},
    "pairlocks": {"pair", "lock_time", "lock_end_time"},
    "trade_custom_data": {"ft_trade_id", "cd_key", "cd_type", "cd_value", "created_at"},
}
TRADE_SKIP = {"id", "bot_id", "trade_id"}  # funding_fee_running, record_version: not ours
ORDER_SKIP = {"id", "bot_id", "trade_id", "ft_trade_id"}
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
        row[0]: (row[1], _utc(row[2]))
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
    trades = [_trade(row, bot) for row in new_rows]
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
        orders.append(_order(row, bot, pks.get(trade_id)))
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
                created_at=_utc(row["created_at"]),
                updated_at=_utc(row.get("updated_at")),
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
            lock_time=_utc(row["lock_time"]),
            lock_end_time=_utc(row["lock_end_time"]),
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


@functools.cache
def _field_names(model) -> frozenset[str]:
    return frozenset(f.attname for f in model._meta.concrete_fields)


def _utc(value: Any) -> datetime | None:
    """Freqtrade stores naive UTC ("2018-01-10 21:40:35.088734"; a datetime from PostgreSQL)."""
    if value is None or value == "":
        return None
    try:
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise FreqtradeImportError(f"Not a date: {value!r}.") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _trade(row: Mapping[str, Any], bot: Bot | None) -> dict[str, Any]:
    """A ``trades`` row as Trade field values."""
    fields = _field_names(Trade)
    values: dict[str, Any] = {}
    for column, value in row.items():
        name = TRADE_RENAMES.get(column, column)
        if name in TRADE_SKIP or name not in fields:
            continue
        if name in values and value is None:
            continue  # both old and new column present: keep the filled one
        values[name] = value
    for name in TRADE_DATETIMES:
        values[name] = _utc(values.get(name))
    for name in ("is_open", "is_short", "is_stop_loss_trailing"):
        values[name] = bool(values.get(name))
    # Freqtrade's TradingMode enum is stored by name ("SPOT"); the wire value is lower case.
    values["trading_mode"] = str(values.get("trading_mode") or "spot").lower()
    # Freqtrade's own migration defaults for columns an older database lacks.
    for name, default in (
        ("leverage", 1.0),
        ("interest_rate", 0.0),
        ("realized_profit", 0.0),
        ("stop_loss", 0.0),
        ("initial_stop_loss", 0.0),
        ("strategy", ""),
        ("fee_open", 0.0),
        ("fee_close", 0.0),
        ("stake_amount", 0.0),
    ):
        if values.get(name) is None:
            values[name] = default
    if values.get("max_stake_amount") is None:
        values["max_stake_amount"] = values["stake_amount"]
    pair = str(row["pair"])
    if not values.get("base_currency") and "/" in pair:
        values["base_currency"] = pair.split("/")[0]
    if not values.get("stake_currency") and "/" in pair:
        values["stake_currency"] = pair.split("/")[1].split(":")[0]
    values.setdefault("base_currency", "")
    values["base_currency"] = values["base_currency"] or ""
    values["stake_currency"] = values.get("stake_currency") or ""
    if not values.get("open_trade_value"):
        values["open_trade_value"] = trade_math.open_trade_value(
            values["amount"], values["open_rate"], values["fee_open"], is_short=values["is_short"]
        )
    values["bot_id"] = bot.pk if bot else None
    values["trade_id"] = row["id"]
    return values


def _order(row: Mapping[str, Any], bot: Bot | None, trade_pk: int | None) -> dict[str, Any]:
    """An ``orders`` row as Order field values, belonging to the trade with ``trade_pk``."""
    fields = _field_names(Order)
    values = {
        name: value for name, value in row.items() if name in fields and name not in ORDER_SKIP
    }
    for name in ORDER_DATETIMES:
        if name in values:
            values[name] = _utc(values[name])
    values["ft_is_open"] = bool(values.get("ft_is_open"))
    # Databases from before Freqtrade stored its own copy of amount and price.
    if values.get("ft_amount") is None:
        values["ft_amount"] = values.get("amount") or 0.0
    if values.get("ft_price") is None:
        values["ft_price"] = values.get("price") or values.get("average") or 0.0
    values["bot_id"] = bot.pk if bot else None
    values["trade_id"] = trade_pk
    return values


def _count(src: Source, sql: str) -> int:
    return next(src.rows(sql))[0]


def _stored_bot_start(src: Source) -> datetime | None:
    row = next(
        src.rows('SELECT datetime_value FROM "KeyValueStore" WHERE "key" = ?', ("bot_start_time",)),
        None,
    )
    return _utc(row[0]) if row else None
