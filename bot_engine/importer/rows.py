"""Freqtrade's ``trades`` and ``orders`` rows as Tradeplane's Trade and Order field values.

Older column names are accepted (``sell_reason`` -> exit_reason, ``buy_tag`` -> enter_tag),
naive UTC dates become aware ones, and columns newer than the source database get Freqtrade's
own migration defaults.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot_engine import trade_math
from bot_engine.importer.source import FreqtradeImportError
from bot_engine.models import Bot, Order, Trade

# Freqtrade column -> Trade field, where the names differ.
TRADE_RENAMES = {"sell_reason": "exit_reason", "buy_tag": "enter_tag"}
TRADE_DATETIMES = ("open_date", "close_date")
ORDER_DATETIMES = ("order_date", "order_filled_date", "order_update_date")
TRADE_SKIP = {"id", "bot_id", "trade_id"}  # funding_fee_running, record_version: not ours
ORDER_SKIP = {"id", "bot_id", "trade_id", "ft_trade_id"}


@functools.cache
def _field_names(model) -> frozenset[str]:
    return frozenset(f.attname for f in model._meta.concrete_fields)


def utc(value: Any) -> datetime | None:
    """Freqtrade stores naive UTC ("2018-01-10 21:40:35.088734"; a datetime from PostgreSQL)."""
    if value is None or value == "":
        return None
    try:
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise FreqtradeImportError(f"Not a date: {value!r}.") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def trade_values(row: Mapping[str, Any], bot: Bot | None) -> dict[str, Any]:
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
        values[name] = utc(values.get(name))
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


def order_values(row: Mapping[str, Any], bot: Bot | None, trade_pk: int | None) -> dict[str, Any]:
    """An ``orders`` row as Order field values, belonging to the trade with ``trade_pk``."""
    fields = _field_names(Order)
    values = {
        name: value for name, value in row.items() if name in fields and name not in ORDER_SKIP
    }
    for name in ORDER_DATETIMES:
        if name in values:
            values[name] = utc(values[name])
    values["ft_is_open"] = bool(values.get("ft_is_open"))
    # Databases from before Freqtrade stored its own copy of amount and price.
    if values.get("ft_amount") is None:
        values["ft_amount"] = values.get("amount") or 0.0
    if values.get("ft_price") is None:
        values["ft_price"] = values.get("price") or values.get("average") or 0.0
    values["bot_id"] = bot.pk if bot else None
    values["trade_id"] = trade_pk
    return values
