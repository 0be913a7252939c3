"""Benchmark: one Edge calculation for 10 pairs x 20 days of 5m candles with SampleStrategy.

Uses the 5 bundled pairs plus the 5 other BTC pairs of the shared Binance set (copied into a
temporary data folder), or synthetic variants of the bundled ones when that set is not here.
Target (issue 7): under 5 s.

    python bench/edge.py [--repeat R] [--days D]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import BUNDLED, bundled, synthetic_candles  # noqa: E402

SHARED = Path("/work/shared/data/binance")
BUNDLED_PAIRS = ["ADA/BTC", "ETH/BTC", "LTC/BTC", "XLM/BTC", "XMR/BTC"]
EXTRA_PAIRS = ["DASH/BTC", "ETC/BTC", "NXT/BTC", "TRX/BTC", "ZEC/BTC"]


def prepare(data_dir: Path) -> list[str]:
    data_dir.mkdir(parents=True)
    for path in BUNDLED.glob("*-5m.feather"):
        shutil.copy(path, data_dir / path.name)
    pairs = list(BUNDLED_PAIRS)
    for k, pair in enumerate(EXTRA_PAIRS):
        name = f"{pair.replace('/', '_')}-5m.feather"
        if (SHARED / name).exists():
            shutil.copy(SHARED / name, data_dir / name)
            pairs.append(pair)
        else:  # a synthetic variant of a bundled pair, under the extra pair's name
            source = bundled(BUNDLED_PAIRS[k])
            variant = synthetic_candles(source, len(source) // 288 * 288, seed=k + 1)
            variant["date"] = source["date"].iloc[: len(variant)].to_numpy()
            variant.to_feather(data_dir / name)
            pairs.append(pair)
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--target-s", type=float, default=5.0)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
    import django

    django.setup()
    from bot_engine.config.model import EdgeConfig
    from bot_engine.data.candles import load_candles
    from bot_engine.edge.positioning import edge_from_history
    from bot_engine.edge.simulation import accepted
    from bot_engine.strategy.loader import load_strategy

    with tempfile.TemporaryDirectory(prefix="tp-bench-edge-") as tmp:
        data_dir = Path(tmp) / "binance"
        pairs = prepare(data_dir)
        now = max(load_candles(data_dir, p, "5m")["date"].iloc[-1] for p in pairs)
        now = now.to_pydatetime() + timedelta(minutes=5)
        config = EdgeConfig(enabled=True, calculate_since_number_of_days=args.days)
        strategy = load_strategy(
            "SampleStrategy", config={}, search_dirs=[ROOT / "user_data" / "strategies"]
        )
        candles = sum(
            int((load_candles(data_dir, p, "5m")["date"] >= now - timedelta(days=args.days)).sum())
            for p in pairs
        )
        times, edges = [], {}
        for _ in range(args.repeat):
            started = time.perf_counter()
            edges = edge_from_history(
                config=config,
                strategy=strategy,
                data_dir=data_dir,
                pairs=pairs,
                timeframe="5m",
                now=now,
                fees={p: 0.001 for p in pairs},
            )
            times.append(time.perf_counter() - started)
        print(f"pairs: {len(pairs)}  candles in the window: {candles:,}  stoplosses: 10")
        for edge in edges.values():
            print(
                f"  {edge.pair:9} sl {edge.stoploss:+.2f}  winrate {edge.winrate:.2f}  "
                f"expectancy {edge.expectancy:+.2f}  trades {edge.nb_trades}"
            )
        print(f"accepted: {[e.pair for e in accepted(edges, config)]}")
        median = statistics.median(times)
        print(f"time: median {median:.3f} s  min {min(times):.3f} s over {len(times)} runs")
        verdict = "OK" if median < args.target_s else "MISSED"
        print(f"target: under {args.target_s} s -> {verdict}")


if __name__ == "__main__":
    main()
