"""Freqtrade 2026.9's ``/historic_balance`` for ``tests/data/freqtrade/tradesv3-2k.sqlite``.

Run with Freqtrade's own interpreter (see README.md beside this file). It runs Freqtrade's own
wallet-history migration (what its bot does at first start) on a copy of the database, offline:
the exchange is a stand-in whose daily candles are the bundled 5m candles' days, and "now" is
2018-01-31, the day after the last trade. The answer is written the way Freqtrade's API writes it.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import freqtrade.util.migrations.migrate_wallet_history  # noqa: F401  (the module, below)
import pandas as pd
from freqtrade.persistence import KeyValueStore, init_db
from freqtrade.rpc.rpc import RPC

# The package re-exports a function of the module's name: take the module itself.
migration = sys.modules["freqtrade.util.migrations.migrate_wallet_history"]

REPO = Path(__file__).resolve().parents[4]
SOURCE = REPO / "tests" / "data" / "freqtrade" / "tradesv3-2k.sqlite"
CANDLES = REPO / "user_data" / "data" / "binance"
NOW = datetime(2018, 1, 31, tzinfo=UTC)
STARTING_BALANCE = 990.0  # the 2k run's dry_run_wallet 1000 x tradable_balance_ratio 0.99


class OfflineExchange:
    """What the migration asks of the exchange, answered from the stored candles."""

    def __init__(self) -> None:
        self.markets = {
            p.name.split("-")[0].replace("_", "/"): {} for p in CANDLES.glob("*-5m.feather")
        }

    def get_pair_base_currency(self, pair: str) -> str:
        return pair.split("/")[0]

    def refresh_latest_ohlcv(self, pairs, since_ms, cache, drop_incomplete):
        out = {}
        for pair, timeframe, candle_type in pairs:
            frame = pd.read_feather(CANDLES / f"{pair.replace('/', '_')}-5m.feather")
            daily = frame.set_index("date").resample("1D").agg({"open": "first"}).dropna()
            out[(pair, timeframe, candle_type)] = daily.reset_index()
        return out


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{SOURCE}{suffix}").exists():
            shutil.copy(f"{SOURCE}{suffix}", tmp / f"trades.sqlite{suffix}")
    init_db(f"sqlite:///{tmp / 'trades.sqlite'}")
    first_open = datetime(2018, 1, 10, 21, 40, 35, tzinfo=UTC)  # the first trade's open date
    KeyValueStore.store_value("bot_start_time", first_open)
    migration.dt_now = lambda: NOW  # "now" for the migration's last day
    config = {"stake_currency": "BTC", "candle_type_def": "spot", "trading_mode": "spot"}
    migration._migrate_wallet_history(config, OfflineExchange(), STARTING_BALANCE)
    KeyValueStore.store_value("wallet_history_migration_date", NOW)
    results, capture_ts = RPC._rpc_get_historic_balance(None)
    body = {
        "columns": results.columns.tolist(),
        "data": [
            [d.strftime("%Y-%m-%dT%H:%M:%S"), int(ts), float(v)] for d, ts, v in results.values
        ],
        "length": len(results),
        "capture_start_ts": capture_ts,
    }
    out = Path(__file__).with_name("historic_balance.json")
    rows = ",\n  ".join(json.dumps(row) for row in body["data"])
    out.write_text(
        f'{{"columns": {json.dumps(body["columns"])}, "length": {body["length"]},\n'
        f' "capture_start_ts": {body["capture_start_ts"]},\n "data": [\n  {rows}\n]}}\n'
    )
    print(f"{out}: {body['length']} days")


if __name__ == "__main__":
    main()
