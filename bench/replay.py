"""Benchmark: the default strategy over every bundled pair at replay speed 0, full engine.

Prints candles processed per second, trades made and peak RSS. Target (issue 2): all shipped
pairs x all bundled candles in under 60 s on a 2-core machine.

    python bench/replay.py [--db-url URL] [--pairs N] [--profile]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", default=None, help="database (default: a fresh SQLite file)")
    parser.add_argument("--pairs", type=int, default=0, help="use only the first N pairs")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tradeplane-bench-"))
    os.environ["TRADEPLANE_DB_URL"] = args.db_url or f"sqlite:///{tmp / 'bench.sqlite'}"
    os.environ["TRADEPLANE_CONFIG"] = str(tmp / "none.json")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bot_engine.config.builder import build_config
    from bot_engine.data.candles import available_data
    from bot_engine.engine.factory import build_running_bot
    from bot_engine.engine.loop import Engine
    from bot_engine.engine.state import BotState
    from bot_engine.models import Bot, Trade

    call_command("migrate", interactive=False, verbosity=0)
    data_dir = ROOT / "user_data" / "data" / "binance"
    pairs = [p for p, tf, _ in available_data(data_dir) if tf == "5m" and p.endswith("/BTC")]
    pairs = pairs[: args.pairs] if args.pairs else pairs
    Bot.objects.filter(name="bench").delete()
    config = build_config(
        {
            "bot_name": "bench",
            "dry_run": True,
            "dry_run_wallet": 1,
            "stake_currency": "BTC",
            "stake_amount": 0.05,
            "max_open_trades": 3,
            "strategy": "SampleStrategy",
            "initial_state": "running",
            "user_data_dir": str(ROOT / "user_data"),
            "exchange": {"name": "replay", "replay": {"speed": 0}, "pair_whitelist": pairs},
            "db_url": os.environ["TRADEPLANE_DB_URL"],
        },
        path=None,
    )
    bot = build_running_bot(config)
    bot.state = BotState.RUNNING
    engine = Engine(bot)
    candles = sum(len(bot.exchange.data._series[p].frame) for p in bot.exchange.data._series)
    started = time.perf_counter()

    def run() -> None:
        while not bot.exchange.finished:
            engine.step()

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(run)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(
            "tradeplane|bot_engine|user_data|main", 30
        )
    else:
        run()
    elapsed = time.perf_counter() - started
    trades = Trade.objects.filter(bot=bot.bot)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pairs: {len(pairs)}  candles: {candles}  elapsed: {elapsed:.1f} s")
    print(
        f"candles/s: {candles / elapsed:,.0f}  trades: {trades.count()} "
        f"(closed {trades.filter(is_open=False).count()})  peak RSS: {peak_mb:.0f} MB"
    )
    print(f"target: under 60 s -> {'OK' if elapsed < 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
