"""ccxt's answers (unified dicts and lists) as the engine's types: markets, candles, orders.

Pure functions of what ccxt returned, so they are tested without an exchange; the client that
asks is ``ccxt_exchange.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd

from bot_engine.exchange.base import Market, OrderResult

OHLCV_COLUMNS = ["date", "open", "high", "low", "close", "volume"]


def market(raw: dict, precision_mode: int | None) -> Market:
    precision = raw.get("precision") or {}
    limits = raw.get("limits") or {}
    return Market(
        symbol=raw["symbol"],
        base=raw["base"],
        quote=raw["quote"],
        active=raw.get("active") is not False,  # ccxt uses None for "unknown": assume tradable
        spot=bool(raw.get("spot", True)),
        amount_precision=num(precision.get("amount")),
        price_precision=num(precision.get("price")),
        precision_mode=precision_mode,
        min_amount=num((limits.get("amount") or {}).get("min")),
        min_cost=num((limits.get("cost") or {}).get("min")),
        fee_taker=num_or(raw.get("taker"), Market.fee_taker),
        fee_maker=num_or(raw.get("maker"), Market.fee_maker),
    )


def ohlcv_frame(rows: list[list]) -> pd.DataFrame:
    frame = pd.DataFrame([row[:6] for row in rows], columns=OHLCV_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"].astype("int64"), unit="ms", utc=True).astype(
        "datetime64[ns, UTC]"
    )
    for column in OHLCV_COLUMNS[1:]:
        frame[column] = frame[column].astype("float64")
    # Exchanges occasionally repeat the newest candle across pages; keep its latest values.
    frame = frame.drop_duplicates("date", keep="last").sort_values("date")
    return frame.reset_index(drop=True)


def order_result(raw: dict, pair: str) -> OrderResult:
    amount = num(raw.get("amount")) or 0.0
    filled = num(raw.get("filled")) or 0.0
    remaining = num(raw.get("remaining"))
    average = num(raw.get("average"))
    cost = num(raw.get("cost"))
    fee_cost, fee_currency, fee_rate = fee(raw)
    status = raw.get("status") or "open"
    return OrderResult(
        id=str(raw["id"]),
        symbol=raw.get("symbol") or pair,
        side=raw.get("side") or "",
        type=raw.get("type") or "",
        status=status,
        amount=amount,
        price=num(raw.get("price")),
        filled=filled,
        remaining=remaining if remaining is not None else max(amount - filled, 0.0),
        average=average,
        cost=cost if cost is not None else filled * (average or 0.0),
        fee_cost=fee_cost,
        fee_currency=fee_currency,
        fee_rate=fee_rate,
        timestamp=from_ms(raw.get("timestamp")),
        filled_at=filled_at(raw, status),
        info=raw.get("info") or {},
    )


def fee(raw: dict) -> tuple[float | None, str | None, float | None]:
    """(cost, currency, rate) from ccxt's ``fee``, else summed from ``fees`` in one currency."""
    single = raw.get("fee")
    if single and single.get("cost") is not None:
        return num(single["cost"]), single.get("currency"), num(single.get("rate"))
    fees = [f for f in raw.get("fees") or [] if f and f.get("cost") is not None]
    if not fees:
        return None, None, None
    currency = fees[0].get("currency")
    # Fees paid in a second currency (e.g. BNB discounts) cannot be added to the first.
    total = sum(float(f["cost"]) for f in fees if f.get("currency") == currency)
    return total, currency, num(fees[0].get("rate"))


def filled_at(raw: dict, status: str) -> datetime | None:
    if raw.get("lastTradeTimestamp"):
        return from_ms(raw["lastTradeTimestamp"])
    if status == "closed":
        return from_ms(raw.get("lastUpdateTimestamp") or raw.get("timestamp"))
    return None


def num(value: Any) -> float | None:
    return None if value is None else float(value)


def num_or(value: Any, default: float) -> float:
    return default if value is None else float(value)


def from_ms(ms: Any) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(int(ms) / 1000, tz=UTC)
