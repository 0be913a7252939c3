"""Benchmark: ``import_freqtrade`` of a 100,000-trade Freqtrade database (target: under 60 s).

Builds a Freqtrade-schema SQLite file by replicating the 2,000 real trades of
``tests/data/freqtrade/tradesv3-2k.sqlite`` (and their orders) with new ids, amounts scaled a
little and dates moved 21 days per copy; the last ``--open-trades`` are made open (exit order
removed). Then imports it into a fresh Tradeplane database and prints the time.

    python bench/import.py [--trades N] [--open-trades N] [--out PATH] [--db-url URL]

``--out`` keeps the generated file, e.g. for ``bench/api.py --from-freqtrade PATH``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SOURCE = ROOT / "tests" / "data" / "freqtrade" / "tradesv3-2k.sqlite"
COPY_DAYS = 21  # the 2k trades span 20 days
# Columns scaled with the amount of a copy (the ratios stay Freqtrade's own).
TRADE_SCALED = (
    "stake_amount",
    "max_stake_amount",
    "amount",
    "amount_requested",
    "open_trade_value",
    "close_profit_abs",
    "realized_profit",
    "fee_open_cost",
    "fee_close_cost",
)
ORDER_SCALED = ("ft_amount", "amount", "filled", "remaining", "cost")
TRADE_DATES = ("open_date", "close_date")
ORDER_DATES = ("order_date", "order_filled_date", "order_update_date")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=100_000)
    parser.add_argument("--open-trades", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None, help="where to write the source file")
    parser.add_argument("--db-url", default=None, help="Tradeplane database (default: SQLite)")
    return parser.parse_args()


def build_freqtrade_db(path: Path, trades: int, open_trades: int) -> None:
    """A Freqtrade database of ``trades`` trades: copies of the 2k database's rows."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(SOURCE) as src:
        schema = [row[0] for row in src.execute("SELECT sql FROM sqlite_master WHERE sql NOTNULL")]
        per_copy = src.execute("SELECT max(id) FROM trades").fetchone()[0]
        order_span = src.execute("SELECT max(id) FROM orders").fetchone()[0]
    db = sqlite3.connect(path)
    for statement in schema:
        db.execute(statement)
    db.execute("ATTACH DATABASE ? AS src", (f"file:{SOURCE}?mode=ro",))
    trade_cols = [row[1] for row in db.execute("PRAGMA src.table_info(trades)")]
    order_cols = [row[1] for row in db.execute("PRAGMA src.table_info(orders)")]
    copies = -(-trades // per_copy)
    for k in range(copies):
        scale = 1 + 0.0007 * k
        shift = f"'+{k * COPY_DAYS} days'"

        def expr(col, scaled, dates, id_cols, k=k, scale=scale, shift=shift):
            if col in id_cols:
                return f"{col} + {k * id_cols[col]}"
            if col in scaled:
                return f"{col} * {scale}"
            if col in dates:
                return f"strftime('%Y-%m-%d %H:%M:%f', {col}, {shift})"
            if col == "order_id":
                return f"order_id || '-{k}'"
            return col

        db.execute(
            f"INSERT INTO trades ({', '.join(trade_cols)}) SELECT "
            + ", ".join(expr(c, TRADE_SCALED, TRADE_DATES, {"id": per_copy}) for c in trade_cols)
            + f" FROM src.trades WHERE id + {k * per_copy} <= {trades}"
        )
        db.execute(
            f"INSERT INTO orders ({', '.join(order_cols)}) SELECT "
            + ", ".join(
                expr(c, ORDER_SCALED, ORDER_DATES, {"id": order_span, "ft_trade_id": per_copy})
                for c in order_cols
            )
            + f" FROM src.orders WHERE ft_trade_id + {k * per_copy} <= {trades}"
        )
    if open_trades:
        first_open = trades - open_trades + 1
        db.execute(
            "UPDATE trades SET is_open = 1, close_date = NULL, close_rate = NULL, "
            "close_profit = NULL, close_profit_abs = NULL, exit_reason = NULL, "
            "exit_order_status = NULL, realized_profit = 0 WHERE id >= ?",
            (first_open,),
        )
        db.execute(
            "DELETE FROM orders WHERE ft_trade_id >= ? AND ft_order_side = 'sell'", (first_open,)
        )
    db.commit()
    db.close()


def main() -> None:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tradeplane-bench-import-"))
    source = args.out or tmp / "tradesv3-100k.sqlite"
    started = time.perf_counter()
    build_freqtrade_db(source, args.trades, args.open_trades)
    size = source.stat().st_size / 1e6
    print(f"built {source} ({args.trades:,} trades, {size:.0f} MB) in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    os.environ["TRADEPLANE_DB_URL"] = args.db_url or f"sqlite:///{tmp / 'tradeplane.sqlite'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("import_freqtrade", str(source), bot_name="bench-import")
    elapsed = time.perf_counter() - started
    verdict = "OK" if elapsed < 60 else "MISSED"
    print(f"imported {args.trades:,} trades in {elapsed:.1f} s (target < 60 s: {verdict})")
    started = time.perf_counter()
    call_command("import_freqtrade", str(source), bot_name="bench-import", verbosity=0)
    print(f"re-import (no-op) in {time.perf_counter() - started:.1f} s")
    if args.out is None:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
