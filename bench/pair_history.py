"""Benchmark: ``GET /api/v1/pair_history`` for one year of 5m candles, end to end with JSON.

Builds a synthetic ETH/BTC series (about 105,000 candles, from the bundled January 2018 moves)
in a temporary user_data folder, then times the request through Django's test client (URL
routing, auth, the view, SampleStrategy's analysis, the encoding and orjson rendering).
Target (issue 7): under 1 s median.

    python bench/pair_history.py [--rows N] [--requests R] [--target-s S]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import bundled, synthetic_candles  # noqa: E402

USER, PASSWORD = "bench", "bench-password-123"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=105_120, help="candles (365 days = 105,120)")
    parser.add_argument("--requests", type=int, default=7)
    parser.add_argument("--target-s", type=float, default=1.0, help="median target")
    return parser.parse_args()


def prepare(folder: Path, rows: int) -> Path:
    user_data = folder / "user_data"
    data_dir = user_data / "data" / "binance"
    data_dir.mkdir(parents=True)
    shutil.copytree(ROOT / "user_data" / "strategies", user_data / "strategies")
    synthetic_candles(bundled("ETH/BTC"), rows).to_feather(data_dir / "ETH_BTC-5m.feather")
    config = {
        "bot_name": "bench-pair-history",
        "dry_run": True,
        "stake_currency": "BTC",
        "stake_amount": 0.01,
        "strategy": "SampleStrategy",
        "user_data_dir": str(user_data),
        "db_url": f"sqlite:///{folder / 'bench.sqlite'}",
        "exchange": {"name": "replay", "pair_whitelist": ["ETH/BTC"]},
        "api_server": {
            "enabled": True,
            "listen_ip_address": "127.0.0.1",
            "listen_port": 8080,
            "username": USER,
            "password": PASSWORD,
            "jwt_secret_key": "bench-jwt-secret-0123456789abcdef0123456789",
        },
    }
    path = folder / "config.json"
    path.write_text(json.dumps(config))
    return path


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="tp-bench-ph-") as tmp:
        config_path = prepare(Path(tmp), args.rows)
        os.environ["TRADEPLANE_CONFIG"] = str(config_path)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", interactive=False, verbosity=0)
        auth = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        client = Client(HTTP_AUTHORIZATION=auth)
        url = (
            "/api/v1/pair_history?pair=ETH/BTC&timeframe=5m&strategy=SampleStrategy"
            "&timerange=&freqaimodel=None"
        )
        times, size, body = [], 0, None
        for _ in range(args.requests + 1):  # the first request warms imports and caches
            started = time.perf_counter()
            response = client.get(url)
            content = response.content
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, content[:300]
            size = len(content)
            body = content
        times = times[1:]
        parsed = json.loads(body)
        median = statistics.median(times)
        print(
            f"rows: {parsed['length']:,}  columns: {len(parsed['columns'])}  "
            f"enter_long signals: {parsed['enter_long_signals']}  "
            f"exit_long signals: {parsed['exit_long_signals']}"
        )
        print(f"body: {size:,} bytes ({size / 1e6:.1f} MB)")
        print(
            f"time: median {median:.3f} s  min {min(times):.3f} s  max {max(times):.3f} s "
            f"over {len(times)} requests"
        )
        verdict = "OK" if median < args.target_s else "MISSED"
        print(f"target: under {args.target_s} s median -> {verdict}")


if __name__ == "__main__":
    main()
