"""Import a Freqtrade SQLite database (``trades`` and ``orders``) into one bot's tables.

The source is opened read-only; everything is written in one transaction with bulk inserts.
Freqtrade's trade ids are kept as ``Trade.trade_id``. Older column names are accepted
(``sell_reason`` -> exit_reason, ``buy_tag`` -> enter_tag).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from bot_engine.exceptions import OperationalError
from bot_engine.models import Bot, Order, Trade

BATCH_SIZE = 1000

# Freqtrade column -> Trade field, where the names differ.
TRADE_RENAMES = {"sell_reason": "exit_reason", "buy_tag": "enter_tag"}
TRADE_DATETIMES = ("open_date", "close_date")
ORDER_DATETIMES = ("order_date", "order_filled_date", "order_update_date")


class FreqtradeImportError(OperationalError):
    """The source is not a Freqtrade database, or its trade ids clash with the bot's."""


def import_freqtrade_sqlite(path: Path, *, bot: Bot) -> dict[str, int]:
    """Copy every trade and order of the Freqtrade database at ``path`` into ``bot``.

    Returns ``{"trades": n, "orders": m}``. Sets ``bot.bot_start_time`` when it is not set yet:
    to Freqtrade's stored ``bot_start_time``, else to the earliest trade open date (what
    Freqtrade itself records at its first start on that database, contract §3.4).
    """
    source = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    source.row_factory = sqlite3.Row
    try:
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
        if "trades" not in tables:
            raise FreqtradeImportError(f"{path} has no 'trades' table: not a Freqtrade database.")
        trade_rows = [dict(row) for row in source.execute("SELECT * FROM trades ORDER BY id")]
        order_rows = (
            [dict(row) for row in source.execute("SELECT * FROM orders ORDER BY id")]
            if "orders" in tables
            else []
        )
        stored_start = _stored_bot_start(source) if "KeyValueStore" in tables else None
    finally:
        source.close()

    trade_fields = _field_names(Trade)
    order_fields = _field_names(Order)
    trades = [_trade(row, bot, trade_fields) for row in trade_rows]

    with transaction.atomic():
        clash = Trade.objects.for_bot(bot.pk).filter(
            trade_id__in=[trade.trade_id for trade in trades]
        )
        if clash.exists():
            raise FreqtradeImportError(
                f"Bot '{bot.name}' already has trades with the ids of {path} "
                f"(e.g. {clash.values_list('trade_id', flat=True).first()})."
            )
        Trade.objects.bulk_create(trades, batch_size=BATCH_SIZE)
        pks = dict(
            Trade.objects.for_bot(bot.pk)
            .filter(trade_id__in=[trade.trade_id for trade in trades])
            .values_list("trade_id", "pk")
        )
        orders = [
            _order(row, bot, pks[row["ft_trade_id"]], order_fields)
            for row in order_rows
            if row["ft_trade_id"] in pks
        ]
        Order.objects.bulk_create(orders, batch_size=BATCH_SIZE)
        if bot.bot_start_time is None and (stored_start or trades):
            bot.bot_start_time = stored_start or min(trade.open_date for trade in trades)
            bot.save(update_fields=["bot_start_time"])
    return {"trades": len(trades), "orders": len(orders)}


def _field_names(model) -> set[str]:
    return {field.attname for field in model._meta.concrete_fields}


def _utc(value: Any) -> datetime | None:
    """Freqtrade stores naive UTC text ("2018-01-10 21:40:35.088734")."""
    if value is None or value == "":
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _trade(row: Mapping[str, Any], bot: Bot, fields: set[str]) -> Trade:
    values: dict[str, Any] = {}
    for column, value in row.items():
        name = TRADE_RENAMES.get(column, column)
        if name in {"id", "bot_id"} or name not in fields:
            continue  # funding_fee_running, record_version: internal to Freqtrade
        if name in values and value is None:
            continue  # both old and new column present: keep the filled one
        values[name] = value
    for name in TRADE_DATETIMES:
        values[name] = _utc(values.get(name))
    for name in ("is_open", "is_short", "is_stop_loss_trailing"):
        values[name] = bool(values.get(name))
    # Freqtrade's TradingMode enum is stored by name ("SPOT"); the wire value is lower case.
    values["trading_mode"] = str(values.get("trading_mode") or "spot").lower()
    for name, default in (
        ("leverage", 1.0),
        ("interest_rate", 0.0),
        ("realized_profit", 0.0),
        ("stop_loss", 0.0),
        ("initial_stop_loss", 0.0),
        ("base_currency", ""),
        ("stake_currency", ""),
        ("strategy", ""),
        ("open_trade_value", 0.0),
    ):
        if values.get(name) is None:
            values[name] = default
    if not values["base_currency"] and "/" in row["pair"]:
        values["base_currency"] = row["pair"].split("/")[0]
    if not values["stake_currency"] and "/" in row["pair"]:
        values["stake_currency"] = row["pair"].split("/")[1].split(":")[0]
    return Trade(bot=bot, trade_id=row["id"], **values)


def _order(row: Mapping[str, Any], bot: Bot, trade_pk: int, fields: set[str]) -> Order:
    values = {
        name: value
        for name, value in row.items()
        if name in fields and name not in {"id", "bot_id", "trade_id", "ft_trade_id"}
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
    return Order(bot=bot, trade_id=trade_pk, **values)


def _stored_bot_start(source: sqlite3.Connection) -> datetime | None:
    row = source.execute(
        'SELECT datetime_value FROM "KeyValueStore" WHERE "key" = ?', ("bot_start_time",)
    ).fetchone()
    return _utc(row[0]) if row else None
