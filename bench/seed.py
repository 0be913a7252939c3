"""Fast bench seeding: trades and orders generated as plain rows and bulk-loaded.

``bench/api.py`` seeds N closed trades (each with a filled entry and exit order) and M open ones
(entry order only). Building Django model instances for a million trades takes many minutes, so
the rows are built here as tuples with the same values the engine would store -- the same random
sequence, fields and profit math (``bot_engine.trade_math``) as the model-based seeder -- and
loaded with PostgreSQL's ``COPY`` (or ``executemany`` on SQLite and other backends). Columns the
bench leaves unset get the model field's default, so the rows are what ``Trade(...).save()``
would have written.

Primary keys are assigned here (after the highest existing one) so each order can name its
trade; PostgreSQL's identity sequences are moved past them afterwards.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

PAIRS = ["ADA/BTC", "ETH/BTC", "LTC/BTC", "XLM/BTC", "XMR/BTC"]
PRICES = {
    "ADA/BTC": 0.00005,
    "ETH/BTC": 0.09,
    "LTC/BTC": 0.017,
    "XLM/BTC": 0.00004,
    "XMR/BTC": 0.027,
}
START = datetime(2018, 1, 10, 6, tzinfo=UTC)
FEE = 0.001
STAKE = 0.01
CHUNK = 50_000  # trades generated and written per round (bounded memory)


def seed_rows(bot_id: int, n_closed: int, n_open: int, *, log: Callable = print) -> None:
    """Insert ``n_closed`` closed and ``n_open`` open trades with their orders for ``bot_id``.

    Trade ids run 1..n_closed+n_open (the open ones last), open dates spread evenly over six
    days of 5-minute candles from 2018-01-10 06:00 UTC, as the model-based seeder does.
    """
    from django.db import connection, transaction

    from bot_engine.models import Order, Trade

    trade_cols, trade_defaults = _columns(Trade)
    order_cols, order_defaults = _columns(Order)
    with connection.cursor() as cursor:
        first_trade_pk = _next_pk(cursor, Trade)
        first_order_pk = _next_pk(cursor, Order)
    total = n_closed + n_open
    rng = random.Random(42)
    started = time.perf_counter()
    written = 0  # orders so far
    for first in range(1, total + 1, CHUNK):
        orders: list[tuple] = []

        def trades(first: int = first, orders: list[tuple] = orders, base: int = written):
            # Built while COPY streams them: the server parses a row while the next is made.
            for i in range(first, min(first + CHUNK, total + 1)):
                pk = first_trade_pk + i - 1
                trade, trade_orders = _trade_rows(bot_id, i, n_closed, total, pk, rng)
                for order in trade_orders:
                    order["id"] = first_order_pk + base + len(orders)
                    orders.append(_row(order_cols, order_defaults, order))
                yield _row(trade_cols, trade_defaults, trade)

        with transaction.atomic():
            _write(Trade._meta.db_table, trade_cols, trades())
            _write(Order._meta.db_table, order_cols, orders)
        written += len(orders)
        done = min(first + CHUNK - 1, total)
        if done == total or done % 200_000 == 0:
            log(f"  {done:,} trades, {written:,} orders ({time.perf_counter() - started:.0f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Trade, Order):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
            # Fresh statistics: the planner must know the table holds a million rows.
            cursor.execute(f"ANALYZE {Trade._meta.db_table}")
            cursor.execute(f"ANALYZE {Order._meta.db_table}")


def _trade_rows(
    bot_id: int, i: int, n_closed: int, total: int, pk: int, rng: random.Random
) -> tuple[dict, list[dict]]:
    """Trade ``i`` and its orders as column -> value dicts (random draws in the model-based
    seeder's order, so both produce the same trades)."""
    from bot_engine import trade_math

    pair = PAIRS[i % len(PAIRS)]
    open_rate = PRICES[pair] * rng.uniform(0.9, 1.1)
    amount = STAKE / open_rate
    is_open = i > n_closed
    open_date = START + timedelta(minutes=5 * (i * 1728 // total))
    stake = amount * open_rate
    trade = {
        "id": pk,
        "bot_id": bot_id,
        "trade_id": i,
        "exchange": "replay",
        "pair": pair,
        "base_currency": pair[:3],
        "stake_currency": "BTC",
        "is_open": is_open,
        "fee_open": FEE,
        "fee_close": FEE,
        "open_rate": open_rate,
        "amount": amount,
        "stake_amount": stake,
        "max_stake_amount": stake,
        "open_date": open_date,
        "strategy": "SampleStrategy",
        "enter_tag": rng.choice(["rsi_cross", "bb_rebound"]),
        "timeframe": 5,
        "stop_loss": open_rate * 0.9,
        "initial_stop_loss": open_rate * 0.9,
        "stop_loss_pct": -0.1,
        "initial_stop_loss_pct": -0.1,
        "max_rate": open_rate,
        "min_rate": open_rate,
        "open_trade_value": trade_math.open_trade_value(amount, open_rate, FEE, is_short=False),
    }
    sides = [("buy", open_rate, open_date)]
    if not is_open:
        close_rate = open_rate * rng.uniform(0.95, 1.06)
        close_date = open_date + timedelta(minutes=rng.randint(5, 600))
        profit_abs = trade_math.calc_profit(
            amount=amount,
            open_rate=open_rate,
            close_rate=close_rate,
            fee_open=FEE,
            fee_close=FEE,
        )
        trade.update(
            close_rate=close_rate,
            close_date=close_date,
            close_profit_abs=profit_abs,
            realized_profit=profit_abs,
            close_profit=trade_math.closed_profit_ratio(profit_abs, trade["open_trade_value"]),
            exit_reason=rng.choice(["roi", "stop_loss", "rsi_overbought"]),
        )
        sides.append(("sell", close_rate, close_date))
    orders = [
        {
            "trade_id": pk,
            "bot_id": bot_id,
            "ft_order_side": side,
            "ft_pair": pair,
            "ft_is_open": False,
            "ft_amount": amount,
            "ft_price": price,
            "order_id": f"{side}-{i}",
            "status": "closed",
            "symbol": pair,
            "order_type": "limit",
            "side": side,
            "price": price,
            "average": price,
            "amount": amount,
            "filled": amount,
            "remaining": 0.0,
            "cost": amount * price,
            "order_date": when,
            "order_filled_date": when,
        }
        for side, price, when in sides
    ]
    return trade, orders


def _columns(model) -> tuple[list[str], dict]:
    """The table's columns and each one's model default (None when it has none)."""
    fields = [f for f in model._meta.concrete_fields]
    columns = [f.column for f in fields]
    defaults = {f.column: f.get_default() if f.has_default() else None for f in fields}
    return columns, defaults


def _row(columns: list[str], defaults: dict, values: dict) -> tuple:
    return tuple(values[c] if c in values else defaults[c] for c in columns)


def _next_pk(cursor, model) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
    return cursor.fetchone()[0]


def _write(table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    from django.db import connection

    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # Datetimes as the backend stores them (SQLite: naive UTC text), as the ORM would.
            adapt = connection.ops.adapt_datetimefield_value
            rows = (tuple(adapt(v) if isinstance(v, datetime) else v for v in row) for row in rows)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
