"""Benchmark: API latency at scale, against a real ``runbot`` process on a loopback port.

Seeds N closed trades (default 100,000, each with an entry and an exit order) and 50 open ones
into a fresh database (``bench/seed.py``: COPY on PostgreSQL, a million trades in about two
minutes), starts ``manage.py runbot`` with the API enabled, and prints the median and p95
latency of the calls FreqUI polls and of the trivial ones (ping, version, show_config,
whitelist: their time is the fixed cost of a request), the latter beside Freqtrade's.
Targets: issue 3, every one under 100 ms median at 100,000 trades on SQLite; issue 6, under
300 ms at 1,000,000 on PostgreSQL (``/status`` with 100 open trades under 50 ms); issue 15,
the trivial ones within Freqtrade's time. ``--skip-seed`` times a database seeded by an
earlier run again.

Freqtrade's medians in the table were measured by the issue's author; ``--freqtrade BIN``
(the ``freqtrade`` command of a separate virtualenv, never a project dependency) starts that
Freqtrade's ``webserver`` beside ``runbot`` and times the trivial calls on both, in turns,
with the same client: median latency and the server's CPU time per call (psutil; steadier
than latency on a busy machine). ``/whitelist`` needs a running bot, which Freqtrade's
webserver mode has not: it keeps the recorded figure.

    python bench/api.py [--trades N] [--open-trades N] [--requests R] [--db-url URL]
                        [--paths PATH ...] [--target-ms MS] [--from-freqtrade PATH]
                        [--skip-seed] [--freqtrade BIN] [--trivial-requests R]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import PAIRS, seed_rows  # noqa: E402

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
# Calls whose cost is the fixed cost of a request (routing, middleware, authentication,
# rendering), with Freqtrade's medians measured side by side at 10,000 trades (issue 15).
TRIVIAL = ["ping", "version", "show_config", "whitelist"]
FREQTRADE_MS = {"ping": 1.0, "version": 1.2, "show_config": 1.7, "whitelist": 2.2}
USER, PASSWORD = "bench", "bench-password-123"


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
        "--freqtrade",
        type=Path,
        default=None,
        metavar="BIN",
        help="a Freqtrade 'freqtrade' executable: time the trivial calls on its webserver too",
    )
    parser.add_argument(
        "--trivial-requests",
        type=int,
        default=300,
        help="requests per trivial call in each of 3 turns (with --freqtrade)",
    )
    parser.add_argument(
        "--skip-seed",
        action="store_true",
        help="--db-url already holds a seeded bench bot (from an earlier run): time it as is",
    )
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(n_closed: int, n_open: int) -> None:
    """Trades and orders as the engine writes them, bulk-loaded (``bench/seed.py``: COPY on
    PostgreSQL, about a minute for a million trades)."""
    from bot_engine.models import Bot

    bot, _ = Bot.objects.get_or_create(name="bench-api")
    if bot.trades.exists():
        sys.exit("this database already holds the bench trades: pass --skip-seed to time them")
    seed_rows(bot.id, n_closed, n_open)


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


def versus(path: str, median: float) -> str:
    """Freqtrade's median for ``path`` and whether this one is within it, or ""."""
    theirs = FREQTRADE_MS.get(path)
    if theirs is None:
        return ""
    verdict = "OK" if median <= theirs else "SLOWER"
    return f"{theirs:>15.1f}  x{median / theirs:.2f} {verdict}"


def wait_for_ping(base: str, seconds: float) -> float:
    """Seconds until ``base`` answers /ping (SystemExit after ``seconds``)."""
    import requests

    launched = time.monotonic()
    while time.monotonic() < launched + seconds:
        try:
            if requests.get(f"{base}/api/v1/ping", timeout=1).ok:
                return time.monotonic() - launched
        except requests.ConnectionError:
            time.sleep(0.2)
    sys.exit(f"{base} did not answer /ping within {seconds:g} s")


def start_freqtrade(binary: Path, tmp: Path) -> tuple[subprocess.Popen, str]:
    """Freqtrade's ``webserver`` on a free loopback port, with the bench's credentials."""
    user_data = tmp / "freqtrade_user_data"
    subprocess.run(
        [str(binary), "create-userdir", "--userdir", str(user_data)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    config = tmp / "freqtrade.json"
    config.write_text(
        json.dumps(
            {
                "dry_run": True,
                "stake_currency": "BTC",
                "stake_amount": 0.01,
                "max_open_trades": 100,
                "timeframe": "5m",
                "user_data_dir": str(user_data),
                "exchange": {"name": "binance", "pair_whitelist": PAIRS},
                "pairlists": [{"method": "StaticPairList"}],
                "api_server": {
                    "enabled": True,
                    "listen_ip_address": "127.0.0.1",
                    "listen_port": port,
                    "verbosity": "error",
                    "username": USER,
                    "password": PASSWORD,
                    "jwt_secret_key": "bench-secret-0123456789abcdef0123456789abcdef",
                },
            }
        )
    )
    log = (tmp / "freqtrade.log").open("w")
    proc = subprocess.Popen(
        [str(binary), "webserver", "--config", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_ping(base, 120)
    return proc, base


def server_cpu_seconds(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def side_by_side(servers: dict[str, tuple[str, str, int]], path: str, n: int) -> dict:
    """{server: (median ms, server CPU µs per call)} over 3 turns of ``n`` calls each.

    Turns alternate between the servers so that a busy moment of the machine falls on both;
    the median of the turns' figures is kept.
    """
    import requests

    sessions = {}
    for name, (base, token, _) in servers.items():
        sessions[name] = requests.Session()
        sessions[name].headers["Authorization"] = f"Bearer {token}"
        for _ in range(20):
            sessions[name].get(f"{base}/api/v1/{path}", timeout=10).raise_for_status()
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in servers}
    for _ in range(3):
        for name, (base, _, pid) in servers.items():
            session, timings = sessions[name], []
            cpu = server_cpu_seconds(pid)
            for _ in range(n):
                started = time.perf_counter()
                session.get(f"{base}/api/v1/{path}", timeout=10)
                timings.append((time.perf_counter() - started) * 1000)
            cpu_us = (server_cpu_seconds(pid) - cpu) / n * 1e6
            figures[name].append((statistics.median(timings), cpu_us))
    return {
        name: (statistics.median(t[0] for t in turns), statistics.median(t[1] for t in turns))
        for name, turns in figures.items()
    }


def compare_with_freqtrade(binary: Path, tmp: Path, ours: tuple[str, str, int], n: int) -> None:
    """The trivial calls on ``runbot`` and on Freqtrade's webserver, in turns."""
    import requests

    proc, base = start_freqtrade(binary, tmp)
    try:
        token = requests.post(
            f"{base}/api/v1/token/login", auth=(USER, PASSWORD), timeout=10
        ).json()["access_token"]
        servers = {"tradeplane": ours, "freqtrade": (base, token, proc.pid)}
        print(f"side by side with {binary} webserver (3 turns x {n} calls, medians):")
        print(f"{'endpoint':<14}{'Tradeplane':>22}{'Freqtrade':>22}   latency   server CPU")
        for path in [p for p in TRIVIAL if p != "whitelist"]:
            got = side_by_side(servers, path, n)
            (ms, cpu), (their_ms, their_cpu) = got["tradeplane"], got["freqtrade"]
            verdict = "OK" if ms <= their_ms else "SLOWER"
            print(
                f"{path:<14}{ms:>10.2f} ms{cpu:>7.0f} us{their_ms:>10.2f} ms{their_cpu:>7.0f} us"
                f"   x{ms / their_ms:.2f} {verdict:<6} x{cpu / their_cpu:.2f}"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


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
    elif args.skip_seed:
        from bot_engine.models import Trade

        args.trades = Trade.objects.filter(bot__name="bench-api").closed().count()
        args.open_trades = Trade.objects.filter(bot__name="bench-api").open().count()
    else:
        seed(args.trades, args.open_trades)
    done = "found" if args.skip_seed else "seeded"
    print(
        f"{done} {args.trades:,} closed + {args.open_trades} open trades "
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
        print(f"runbot start (launch -> first /ping): {wait_for_ping(base, 60):.1f} s")
        token = requests.post(
            f"{base}/api/v1/token/login", auth=(USER, PASSWORD), timeout=10
        ).json()["access_token"]
        first = time.perf_counter()
        requests.get(
            f"{base}/api/v1/profit", headers={"Authorization": f"Bearer {token}"}, timeout=600
        ).raise_for_status()
        cold = time.perf_counter() - first
        print(f"first /profit right after start (cache warming in the background): {cold:.1f} s")
        target = args.target_ms
        last_page = str(max(args.trades - 500, 0))
        extra = [path.replace("LAST", last_page) for path in args.paths]
        paths = list(dict.fromkeys(POLLED + TRIVIAL + extra))
        header = f"{'endpoint':<36}{'median ms':>10}{'p95 ms':>10}{'bytes':>12}"
        print(f"{header}  target <{target:g} ms   Freqtrade median (10k trades)")
        worst = 0.0
        for path in paths:
            median, p95, size = measure(base, token, path, args.requests)
            worst = max(worst, median)
            flag = "OK" if median < target else "MISSED"
            figures = f"{median:>10.1f}{p95:>10.1f}{size:>12,}"
            print(f"{path:<36}{figures}  {flag:<6}{versus(path, median)}")
        print(f"slowest median: {worst:.1f} ms -> {'OK' if worst < target else 'MISSED'}")
        print(f"runbot memory: {rss_mb(proc.pid)}")
        if args.freqtrade:
            compare_with_freqtrade(
                args.freqtrade, tmp, (base, token, proc.pid), args.trivial_requests
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
