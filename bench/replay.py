"""Benchmark: the default strategy over every bundled pair at replay speed 0, full engine.

Prints candles processed per second, trades made and peak RSS. Target (issue 2): all shipped
pairs x all bundled candles in under 60 s on a 2-core machine.

    python bench/replay.py [--db-url URL] [--pairs N] [--profile]
    python bench/replay.py --reference sample   # replay fidelity against Freqtrade's backtest

``--reference RUN`` replays with the config and strategy file of Freqtrade's recorded backtest
``tests/data/freqtrade/backtest/runs/RUN`` over its time range and compares the trades: of the
trades both opened (same pair, same entry candle), the share that exit on the same candle.
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
    parser.add_argument("--reference", default=None, help="a run of Freqtrade's references")
    return parser.parse_args()


REFERENCES = ROOT / "tests" / "data" / "freqtrade" / "backtest"
CANDLE = 300  # seconds


def reference_config(run: str, pairs: list[str]) -> tuple[dict, float]:
    """The bot config of a recorded Freqtrade run, and the end of its range (epoch seconds)."""
    import json
    from datetime import UTC, datetime

    index = json.loads((REFERENCES / "runs" / "index.json").read_text())
    meta = next(r for r in index["runs"] if r["name"] == run)
    ft = json.loads((REFERENCES / "runs" / run / "config.json").read_text())
    start, end = (meta.get("timerange") or "-").split("-")
    end_ts = datetime.strptime(end, "%Y%m%d").replace(tzinfo=UTC).timestamp() if end else 1e12
    keys = ("max_open_trades", "stake_amount", "tradable_balance_ratio", "dry_run_wallet")
    config = {key: ft[key] for key in keys}
    config.update(
        strategy=meta["strategy"],
        strategy_path=os.environ.get("BENCH_STRATEGY_PATH", str(REFERENCES / "strategies")),
        stake_currency=ft["stake_currency"],
        unfilledtimeout=ft["unfilledtimeout"],
        entry_pricing={"price_side": ft["entry_pricing"]["price_side"]},
        exit_pricing={"price_side": ft["exit_pricing"]["price_side"]},
        exchange={
            "name": "replay",
            # The first entry Freqtrade can make is on the range's first candle's signal, at
            # the next candle's open: the replay starts there.
            "replay": {"speed": 0, "start": f"{start}-0005"} if start else {"speed": 0},
            "pair_whitelist": ft["exchange"]["pair_whitelist"] or pairs,
            "fee": ft.get("fee"),
        },
    )
    return config, end_ts


def compare(run: str, trades) -> None:
    """Share of the trades both bots opened (pair, entry candle) that exit on the same candle."""
    import json
    from datetime import datetime

    def candle(value: datetime) -> int:
        return int(value.timestamp()) // CANDLE * CANDLE

    lines = (REFERENCES / "runs" / run / "trades.json").read_text().splitlines()
    reference = [json.loads(line.rstrip(",")) for line in lines if line.startswith("{")]
    theirs = {
        (t["pair"], candle(datetime.fromisoformat(t["open_date"]))): t
        for t in reference
        if t["exit_reason"] != "force_exit"
    }
    ours = {(t.pair, candle(t.open_date)): t for t in trades if not t.is_open}
    matched = sorted(set(theirs) & set(ours))
    same = [
        k
        for k in matched
        if candle(ours[k].close_date) == candle(datetime.fromisoformat(theirs[k]["close_date"]))
    ]
    share = len(same) / len(matched) if matched else 0.0
    print(
        f"reference {run}: {len(theirs)} trades closed by Freqtrade, {len(ours)} here, "
        f"{len(matched)} opened by both; {len(same)} exit on the same candle ({share:.1%})"
    )


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
    end_ts = 1e12
    overrides: dict = {}
    if args.reference:
        overrides, end_ts = reference_config(args.reference, pairs)
        pairs = overrides["exchange"]["pair_whitelist"]
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
            **overrides,
        },
        path=None,
    )
    bot = build_running_bot(config)
    bot.state = BotState.RUNNING
    engine = Engine(bot)
    candles = sum(len(bot.exchange.data._series[p].frame) for p in bot.exchange.data._series)
    started = time.perf_counter()
    cpu_started = time.process_time()

    def run() -> None:
        while not bot.exchange.finished and bot.exchange.now().timestamp() < end_ts:
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
    cpu = time.process_time() - cpu_started  # what the replay cost, whatever else runs
    trades = Trade.objects.filter(bot=bot.bot)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pairs: {len(pairs)}  candles: {candles}  elapsed: {elapsed:.1f} s  cpu: {cpu:.1f} s")
    print(
        f"candles/s: {candles / elapsed:,.0f}  trades: {trades.count()} "
        f"(closed {trades.filter(is_open=False).count()})  peak RSS: {peak_mb:.0f} MB"
    )
    print(f"target: under 60 s -> {'OK' if elapsed < 60 else 'MISSED'}")
    if args.reference:
        compare(args.reference, list(trades))


if __name__ == "__main__":
    main()
