"""Benchmark: API latency at scale, against a real ``runbot`` process on a loopback port.

Seeds N closed trades (default 100,000, each with an entry and an exit order) and 50 open ones
into a fresh database, starts ``manage.py runbot`` with the API enabled, and prints the median
and p95 latency of the calls FreqUI polls. Target (issue 3): every one under 100 ms median at
100,000 trades, ``/profit`` included.

    python bench/api.py [--trades N] [--open-trades N] [--requests R] [--db-url URL]
                        [--paths PATH ...] [--target-ms MS] [--from-freqtrade PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAIRS = ["ADA/BTC", "ETH/BTC", "LTC/BTC", "XLM/BTC", "XMR/BTC"]
PRICES = {
    "ADA/BTC": 0.00005,
    "ETH/BTC": 0.09,
    "LTC/BTC": 0.017,
    "XLM/BTC": 0.00004,
    "XMR/BTC": 0.027,
}
POLLED = [
    "status",
    "profit",
    "trades?limit=500",
    "performance",
    "daily",
    "stats",
    "balance",
    "count",
    "locks",
    "show_config",
]
USER, PASSWORD = "bench", "bench-password-123"
SEED_CHUNK = 50_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=100_000)
    parser.add_argument("--open-trades", type=int, default=50)
    parser.add_argument("--requests", type=int, default=30, help="requests per endpoint")
    parser.add_argument("--db-url", default=None)
    parser.add_argument(
        "--paths",
        nargs="*",
        default=[],
        help='more endpoints to time, e.g. "trades?limit=500&offset=LAST" (LAST: the offset of '
        'the last page of 500) or "daily?timescale=30"',
    )
    parser.add_argument("--target-ms", type=float, default=100.0, help="median target")
    parser.add_argument(
        "--from-freqtrade",
        type=Path,
        default=None,
        metavar="PATH",
        help="import this Freqtrade database (bench/import.py --out) instead of seeding",
    )
    parser.add_argument(
        "--skip-seed", action="store_true", help="--db-url already holds a seeded bench bot"
    )
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(n_closed: int, n_open: int) -> None:
    """Bulk-insert trades and orders the way the engine writes them."""
    from bot_engine.models import Bot, Order, Trade

    bot, _ = Bot.objects.get_or_create(name="bench-api")
    rng = random.Random(42)
    start = datetime(2018, 1, 10, 6, tzinfo=UTC)
    total = n_closed + n_open
    # In chunks: a million model instances at once would not fit in memory.
    for first in range(1, total + 1, SEED_CHUNK):
        trades = [
            _trade(bot, i, n_closed, total, start, rng)
            for i in range(first, min(first + SEED_CHUNK, total + 1))
        ]
        Trade.objects.bulk_create(trades, batch_size=5000)
        if any(trade.pk is None for trade in trades):  # a backend without RETURNING
            pks = dict(
                Trade.objects.filter(bot=bot, trade_id__gte=first).values_list("trade_id", "pk")
            )
            for trade in trades:
                trade.pk = pks[trade.trade_id]
        Order.objects.bulk_create(
            [order for trade in trades for order in _orders(bot, trade)], batch_size=5000
        )


def _trade(bot, i: int, n_closed: int, total: int, start: datetime, rng: random.Random):
    from bot_engine import trade_math
    from bot_engine.models import Trade

    pair = PAIRS[i % len(PAIRS)]
    open_rate = PRICES[pair] * rng.uniform(0.9, 1.1)
    amount = 0.01 / open_rate
    is_open = i > n_closed
    open_date = start + timedelta(minutes=5 * (i * 1728 // total))
    trade = Trade(
        bot=bot,
        trade_id=i,
        exchange="replay",
        pair=pair,
        base_currency=pair[:3],
        stake_currency="BTC",
        is_open=is_open,
        fee_open=0.001,
        fee_close=0.001,
        open_rate=open_rate,
        amount=amount,
        stake_amount=amount * open_rate,
        max_stake_amount=amount * open_rate,
        open_date=open_date,
        strategy="SampleStrategy",
        enter_tag=rng.choice(["rsi_cross", "bb_rebound"]),
        timeframe=5,
        stop_loss=open_rate * 0.9,
        initial_stop_loss=open_rate * 0.9,
        stop_loss_pct=-0.1,
        initial_stop_loss_pct=-0.1,
        max_rate=open_rate,
        min_rate=open_rate,
    )
    trade.recalc_open_trade_value()
    if not is_open:
        close_rate = open_rate * rng.uniform(0.95, 1.06)
        trade.close_rate = close_rate
        trade.close_date = open_date + timedelta(minutes=rng.randint(5, 600))
        trade.close_profit_abs = trade.calc_profit(close_rate)
        trade.realized_profit = trade.close_profit_abs
        trade.close_profit = trade_math.closed_profit_ratio(
            trade.close_profit_abs, trade.open_trade_value
        )
        trade.exit_reason = rng.choice(["roi", "stop_loss", "rsi_overbought"])
    return trade


def _orders(bot, trade) -> list:
    from bot_engine.models import Order

    sides = [("buy", trade.open_rate, trade.open_date)]
    if not trade.is_open:
        sides.append(("sell", trade.close_rate, trade.close_date))
    return [
        Order(
            trade_id=trade.pk,
            bot=bot,
            ft_order_side=side,
            ft_pair=trade.pair,
            ft_is_open=False,
            ft_amount=trade.amount,
            ft_price=price,
            order_id=f"{side}-{trade.trade_id}",
            status="closed",
            symbol=trade.pair,
            order_type="limit",
            side=side,
            price=price,
            average=price,
            amount=trade.amount,
            filled=trade.amount,
            remaining=0.0,
            cost=trade.amount * price,
            order_date=when,
            order_filled_date=when,
        )
        for side, price, when in sides
    ]


def write_config(path: Path, db_url: str, port: int) -> None:
    path.write_text(
        json.dumps(
            {
                "bot_name": "bench-api",
                "dry_run": True,
                "dry_run_wallet": 1000,
                "stake_currency": "BTC",
                "stake_amount": 0.01,
                "max_open_trades": 100,
                "strategy": "SampleStrategy",
                "initial_state": "paused",
                "db_url": db_url,
                "minimal_roi": {"0": 100},
                "stoploss": -0.99,
                "use_exit_signal": False,
                "user_data_dir": str(ROOT / "user_data"),
                "exchange": {"name": "replay", "replay": {"speed": 1}, "pair_whitelist": PAIRS},
                "api_server": {
                    "enabled": True,
                    "listen_ip_address": "127.0.0.1",
                    "listen_port": port,
                    "username": USER,
                    "password": PASSWORD,
                    "jwt_secret_key": "bench-secret-0123456789abcdef0123456789abcdef",
                },
            }
        )
    )


def measure(base: str, token: str, path: str, n: int) -> tuple[float, float, int]:
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    timings, size = [], 0
    for i in range(n + 2):
        started = time.perf_counter()
        response = session.get(f"{base}/api/v1/{path}", timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        size = len(response.content)
        if i >= 2:  # two warm-up calls
            timings.append(elapsed)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], size


def rss_mb(pid: int) -> str:
    """Resident memory of ``pid`` now and at its peak (Linux ``/proc``)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return "unknown (no /proc)"
    kb = {line.split(":")[0]: int(line.split()[1]) for line in status if line.startswith("Vm")}
    return f"RSS {kb.get('VmRSS', 0) / 1024:.0f} MB, peak {kb.get('VmHWM', 0) / 1024:.0f} MB"


def main() -> None:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tradeplane-bench-api-"))
    db_url = args.db_url or f"sqlite:///{tmp / 'api.sqlite'}"
    os.environ["TRADEPLANE_DB_URL"] = db_url
    os.environ["TRADEPLANE_CONFIG"] = str(tmp / "config.json")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    if args.from_freqtrade:
        call_command("import_freqtrade", str(args.from_freqtrade), bot_name="bench-api")
        from bot_engine.models import Trade

        args.trades = Trade.objects.filter(bot__name="bench-api").closed().count()
        args.open_trades = Trade.objects.filter(bot__name="bench-api").open().count()
        print(f"imported {args.from_freqtrade} in {time.perf_counter() - started:.1f} s")
    elif not args.skip_seed:
        seed(args.trades, args.open_trades)
    print(
        f"seeded {args.trades:,} closed + {args.open_trades} open trades "
        f"in {time.perf_counter() - started:.1f} s ({db_url.split(':')[0]})"
    )

    import requests

    port = free_port()
    write_config(tmp / "config.json", db_url, port)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPLANE_")}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runbot", "--config", str(tmp / "config.json")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        launched = time.monotonic()
        deadline = launched + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/api/v1/ping", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        print(f"runbot start (launch -> first /ping): {time.monotonic() - launched:.1f} s")
        token = requests.post(
            f"{base}/api/v1/token/login", auth=(USER, PASSWORD), timeout=10
        ).json()["access_token"]
        target = args.target_ms
        last_page = str(max(args.trades - 500, 0))
        paths = POLLED + [path.replace("LAST", last_page) for path in args.paths]
        header = f"{'endpoint':<36}{'median ms':>10}{'p95 ms':>10}{'bytes':>12}"
        print(f"{header}  target <{target:g} ms")
        worst = 0.0
        for path in paths:
            median, p95, size = measure(base, token, path, args.requests)
            worst = max(worst, median)
            flag = "OK" if median < target else "MISSED"
            print(f"{path:<36}{median:>10.1f}{p95:>10.1f}{size:>12,}  {flag}")
        print(f"slowest median: {worst:.1f} ms -> {'OK' if worst < target else 'MISSED'}")
        print(f"runbot memory: {rss_mb(proc.pid)}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
