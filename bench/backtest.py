"""Benchmark: SampleStrategy backtested over the 10 bundled pairs, side by side with Freqtrade.

Runs like the reference run ``sample`` (timerange 20180111-20180130, stake 0.01 BTC, 5 slots)
and prints Tradeplane's wall time (simulation and result document). With ``--freqtrade PATH``
(a Freqtrade 2026.9 executable in its own virtualenv) it also runs ``freqtrade backtesting``
offline on the same candles and strategy file (``bench/ft_offline.py``), prints its wall
time, the ratio and whether both made the same trades. Target (issue 17): Tradeplane <= 1/3
of Freqtrade's time. ``--year`` instead backtests one year of 5m candles for 20 pairs generated
from the bundled ones (``bench/synthetic.py``) and prints the time and peak RSS (target: under
60 s and 2 GB).

    python bench/backtest.py [--freqtrade /tmp/ftvenv/bin/freqtrade] [--year] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CONFIG = ROOT / "tests/data/freqtrade/backtest/runs/sample/config.json"
CANDLES = ROOT / "user_data/data/binance"
STRATEGIES = ROOT / "user_data/strategies"
TIMERANGE = "20180111-20180130"
YEAR_ROWS = 365 * 288
YEAR_PAIRS = 20


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--freqtrade", type=Path, help="a Freqtrade executable to compare with")
    parser.add_argument("--year", action="store_true", help="1 year x 20 pairs of 5m candles")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    return parser.parse_args()


def setup_django(tmp: Path) -> None:
    os.environ["TRADEPLANE_DB_URL"] = f"sqlite:///{tmp / 'bench.sqlite'}"
    os.environ["TRADEPLANE_CONFIG"] = str(tmp / "none.json")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
    import django

    django.setup()


def tradeplane(datadir: Path, timerange: str | None, pairs: list[str] | None, profile: bool):
    """(seconds, outcome) of simulate() plus the result document, in this process."""
    from bot_engine.backtest.options import BacktestOptions
    from bot_engine.backtest.simulator import simulate
    from bot_engine.config.loader import load_config

    config = load_config(CONFIG)
    options = BacktestOptions(
        strategy="SampleStrategy",
        strategy_path=STRATEGIES,
        timerange=timerange,
        datadir=datadir,
        pairs=tuple(pairs) if pairs else None,
    )
    started = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        outcome = profiler.runcall(simulate, config, options)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    else:
        outcome = simulate(config, options)
    simulated = time.perf_counter() - started
    try:
        from bot_engine.backtest.report import result_document

        result_document([outcome])
    except ImportError:  # the report module is another step of the pipeline
        pass
    total = time.perf_counter() - started
    print(f"  simulate {simulated:.2f} s, result document {total - simulated:.2f} s")
    return total, outcome


def freqtrade(executable: Path, tmp: Path) -> tuple[float, list[dict]]:
    """(wall seconds, trades) of ``freqtrade backtesting`` on the same run, offline."""
    userdir = tmp / "ft_user_data"
    (userdir / "strategies").mkdir(parents=True)
    shutil.copy(STRATEGIES / "sample_strategy.py", userdir / "strategies")
    results = tmp / "ft_results"
    results.mkdir()
    python = executable.parent / "python"
    command = [
        str(python),
        str(ROOT / "bench/ft_offline.py"),
        "backtesting",
        "--config",
        str(CONFIG),
        "--strategy",
        "SampleStrategy",
        "--userdir",
        str(userdir),
        "--datadir",
        str(CANDLES),
        "--timerange",
        TIMERANGE,
        "--cache",
        "none",
        "--export",
        "trades",
        "--backtest-directory",
        str(results),
    ]
    env = {**os.environ, "FT_OFFLINE_DATADIR": str(CANDLES)}
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=tmp)
    elapsed = time.perf_counter() - started
    archive = next(results.glob("*.zip"))
    with zipfile.ZipFile(archive) as zipped:
        name = next(n for n in zipped.namelist() if n.endswith(".json") and "_config" not in n)
        document = json.loads(zipped.read(name))
    return elapsed, next(iter(document["strategy"].values()))["trades"]


def same_trades(ours: list[dict], theirs: list[dict]) -> bool:
    def keys(trades):
        fields = ("pair", "open_date", "close_date", "exit_reason", "enter_tag", "profit_abs")
        return sorted(tuple(t[f] for f in fields) for t in trades)

    return keys(ours) == keys(theirs)


def year_data(tmp: Path) -> tuple[Path, list[str]]:
    """20 pairs x one year of 5m candles in Freqtrade's file layout."""
    from bench.synthetic import bundled, synthetic_candles
    from bot_engine.data.candles import store_candles

    sources = sorted(p.name.split("-")[0].replace("_", "/") for p in CANDLES.glob("*-5m.feather"))
    datadir = tmp / "year"
    pairs = []
    for index in range(YEAR_PAIRS):
        source = sources[index % len(sources)]
        pair = f"{source.split('/')[0]}{index // len(sources) or ''}/BTC"
        frame = synthetic_candles(bundled(source), YEAR_ROWS, seed=index)
        store_candles(datadir, pair, "5m", frame)
        pairs.append(pair)
    return datadir, pairs


def main() -> None:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tradeplane-bench-"))
    try:
        setup_django(tmp)
        if args.year:
            datadir, pairs = year_data(tmp)
            seconds, outcome = tradeplane(datadir, None, pairs, args.profile)
            rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"year: {len(pairs)} pairs x {YEAR_ROWS} candles, {len(outcome.trades)} trades")
            print(f"Tradeplane: {seconds:.2f} s (target < 60 s), peak RSS {rss_mb:.0f} MB")
            return
        seconds, outcome = tradeplane(CANDLES, TIMERANGE, None, args.profile)
        print(f"Tradeplane: {seconds:.2f} s, {len(outcome.trades)} trades")
        if args.freqtrade:
            ft_seconds, ft_trades = freqtrade(args.freqtrade, tmp)
            print(f"Freqtrade:  {ft_seconds:.2f} s, {len(ft_trades)} trades")
            print(f"ratio: {seconds / ft_seconds:.3f} (target <= 0.333)")
            print(f"same trades: {same_trades(outcome.trades, ft_trades)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
