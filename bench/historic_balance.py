"""Benchmark: rebuilding the wallet history (``/historic_balance``'s first answer) at scale.

Seeds N closed trades (default 100,000) and 50 open ones over six days of January 2018
(``bench/seed.py``) into a fresh SQLite file, then times ``wallet_history_rebuild`` (what the
first ``/historic_balance`` request does, once per bot: Freqtrade does it at start-up, trade by
trade) and the answer's query and body afterwards. ``--days`` stretches "now" after the trades,
to time many days as well as many trades.

    python bench/historic_balance.py [--trades N] [--open-trades N] [--days D]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import PAIRS, START, seed_rows  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=100_000)
    parser.add_argument("--open-trades", type=int, default=50)
    parser.add_argument("--days", type=int, default=30, help="days from the first trade to now")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tradeplane-bench-wallet-"))
    config = tmp / "config.json"
    config.write_text(
        json.dumps(
            {
                "bot_name": "bench-wallet",
                "dry_run": True,
                "dry_run_wallet": 1000,
                "stake_currency": "BTC",
                "stake_amount": 0.01,
                "timeframe": "5m",
                "user_data_dir": str(ROOT / "user_data"),
                "exchange": {"name": "replay", "pair_whitelist": PAIRS},
            }
        )
    )
    os.environ["TRADEPLANE_DB_URL"] = f"sqlite:///{tmp / 'wallet.sqlite'}"
    os.environ["TRADEPLANE_CONFIG"] = str(config)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from api.serializers.wallet_history import historic_balance_body
    from bot_engine.models import Bot
    from bot_engine.selectors.wallet_history import historic_balance
    from bot_engine.services.wallet_history import wallet_history_rebuild

    call_command("migrate", interactive=False, verbosity=0)
    bot = Bot.objects.create(name="bench-wallet", stake_currency="BTC", dry_run=True)
    started = time.perf_counter()
    seed_rows(bot.id, args.trades, args.open_trades, log=lambda *a: None)
    print(f"seeded {args.trades:,} closed + {args.open_trades} open trades "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    now = START + timedelta(days=args.days)
    started = time.perf_counter()
    rows = wallet_history_rebuild(bot_id=bot.id, config=settings.BOT_CONFIG, now=now)
    print(f"rebuild (first /historic_balance): {time.perf_counter() - started:.2f} s, "
          f"{rows:,} rows for {args.days + 1} days")  # fmt: skip
    started = time.perf_counter()
    body = historic_balance_body(historic_balance(bot_id=bot.id))
    print(f"later answers (query + body): {1000 * (time.perf_counter() - started):.1f} ms, "
          f"{body['length']} days")  # fmt: skip


if __name__ == "__main__":
    main()
