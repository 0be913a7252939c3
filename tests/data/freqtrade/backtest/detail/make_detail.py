"""Freqtrade 2026.9 backtests with ``--timeframe-detail``: references for the detail timeframe.

Run from the repository root with Freqtrade's own interpreter (see ``README.md`` here):

    /tmp/ftvenv/bin/python tests/data/freqtrade/backtest/detail/make_detail.py [run ...]

Each run writes ``runs/<name>/config.json`` (the config used), ``result.json`` (of Freqtrade's
result block: the trades, locks, counters, range, pair list and the timeframes), ``meta.json``
(Freqtrade's ``.meta.json``), ``cli-output.txt`` (its tables) and ``command.txt`` (the exact
command line, temporary paths as ``$TMP``) -- what ``test_timeframe_detail.py`` compares.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BACKTEST = HERE.parent
REPO = HERE.parents[4]
CANDLES = REPO / "user_data/data/binance"
BASE_CONFIG = BACKTEST / "runs/sample/config.json"
# The same recording rules as the extra references (make_extra.py), plus the run's timeframes.
sys.path.insert(0, str(BACKTEST / "extra"))
from make_extra import KEEP as EXTRA_KEEP  # noqa: E402
from make_extra import compact, merged  # noqa: E402

KEEP = (*EXTRA_KEEP, "timeframe", "timeframe_detail", "timerange")
EXTRA = "../extra/strategies"  # ParityExitRules, ParityPositionTools
DETAIL = ["--timeframe-detail", "5m"]
TRAILING = {
    "trailing_stop": True,
    "trailing_stop_positive": 0.01,
    "trailing_stop_positive_offset": 0.02,
    "trailing_only_offset_is_reached": True,
    "dry_run_wallet": 0.05,
    "stake_amount": 0.02,
}
# name -> (strategy, config changes, flags, timerange, strategy folder or None: the bundled ones)
RUNS = {
    "sample-1h-5m": ("SampleStrategy", {"timeframe": "1h"}, DETAIL, "20180112-20180129", None),
    "sample-1h": ("SampleStrategy", {"timeframe": "1h"}, [], "20180112-20180129", None),
    "sample-1h-5m-config": (
        "SampleStrategy",
        {"timeframe": "1h", "timeframe_detail": "5m", "minimal_roi": {"0": 0.015}},
        [],
        "20180112-",
        None,
    ),
    "ema-1h-5m": ("EmaCrossStrategy", {"timeframe": "1h"}, DETAIL, "20180112-20180129", None),
    "ema-1h-5m-mot2-expiry": (
        "EmaCrossStrategy",
        {"timeframe": "1h", "max_open_trades": 2, "ignore_buying_expired_candle_after": 1200},
        DETAIL,
        "20180112-20180129",
        None,
    ),
    "ema-15m-5m": ("EmaCrossStrategy", {"timeframe": "15m"}, DETAIL, "20180112-20180125", None),
    "sample-trailing-1h-5m": (
        "SampleStrategy",
        {"timeframe": "1h", **TRAILING},
        DETAIL,
        "20180112-20180129",
        None,
    ),
    "exit-rules-1h-5m": (
        "ParityExitRules",
        {"timeframe": "1h", "max_open_trades": 4},
        [*DETAIL, "--enable-protections"],
        "20180113-20180129",
        EXTRA,
    ),
    "position-tools-1h-5m": (
        "ParityPositionTools",
        {"timeframe": "1h"},
        DETAIL,
        "20180112-20180129",
        EXTRA,
    ),
    "tour-15m-5m": (
        "FeatureTourStrategy",
        {"timeframe": "15m"},
        [*DETAIL, "--enable-protections"],
        "20180112-20180126",
        "../strategies",
    ),
    "position-tools-15m-5m": (
        "ParityPositionTools",
        {"timeframe": "15m"},
        DETAIL,
        "20180112-20180122",
        EXTRA,
    ),
}


def coarser_files(datadir: Path, timeframe: str) -> None:
    """Freqtrade reads each timeframe from its own file: build them from the 5m files (open
    first, high max, low min, close last, volume sum; buckets labelled by their start)."""
    import pandas as pd

    rule = {"15m": "15min", "30m": "30min", "1h": "1h"}[timeframe]
    for path in CANDLES.glob("*-5m.feather"):
        frame = pd.read_feather(path).set_index("date")
        agg = frame.resample(rule, label="left", closed="left").agg(
            {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
        )
        agg = agg.dropna(subset=["open"]).reset_index()
        agg.to_feather(datadir / path.name.replace("-5m", f"-{timeframe}"))


def run(name: str, strategy: str, changes: dict, flags: list, timerange: str, folder) -> None:
    config = merged(json.loads(BASE_CONFIG.read_text()), {**changes, "strategy": strategy})
    out = HERE / "runs" / name
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(config, indent=4) + "\n")
    with tempfile.TemporaryDirectory() as tmp:
        userdir, results = Path(tmp) / "user_data", Path(tmp) / "results"
        (userdir / "strategies").mkdir(parents=True)
        if folder:
            for source in (HERE / folder).glob("*.py"):
                shutil.copy(source, userdir / "strategies")
        for bundled in ("sample_strategy.py", "ema_cross_strategy.py"):
            shutil.copy(REPO / "user_data/strategies" / bundled, userdir / "strategies")
        datadir = Path(tmp) / "data"
        shutil.copytree(CANDLES, datadir)
        coarser_files(datadir, config["timeframe"])
        if config["timeframe"] != "1h":  # FeatureTourStrategy's @informative("1h")
            for hours in (BACKTEST / "data").glob("*-1h.feather"):
                shutil.copy(hours, datadir)
        results.mkdir()
        args = ["backtesting", "--config", str(out / "config.json"), "--strategy", strategy]
        args += ["--userdir", str(userdir), "--datadir", str(datadir), "--timerange", timerange]
        args += ["--cache", "none", "--export", "trades", "--backtest-directory", str(results)]
        args += flags
        command = [sys.executable, str(REPO / "bench/ft_offline.py"), *args]
        env = {**os.environ, "FT_OFFLINE_DATADIR": str(CANDLES)}
        began = time.monotonic()
        done = subprocess.run(command, env=env, check=True, capture_output=True, cwd=tmp, text=True)
        seconds = time.monotonic() - began
        with zipfile.ZipFile(next(results.glob("*.zip"))) as archive:
            member = next(
                n for n in archive.namelist() if n.endswith(".json") and "_config" not in n
            )
            block = next(iter(json.loads(archive.read(member))["strategy"].values()))
        meta = json.loads(next(results.glob("*.meta.json")).read_text())
        line = " ".join(command).replace(tmp, "$TMP").replace(str(REPO) + "/", "")
    kept = {key: block[key] for key in KEEP}
    kept["run"] = {"strategy": strategy, "flags": flags, "timerange": timerange, "folder": folder}
    (out / "result.json").write_text(compact(kept))
    for run_dependent in ("run_id", "backtest_start_time"):
        meta[strategy].pop(run_dependent)
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    (out / "cli-output.txt").write_text(done.stdout)
    (out / "command.txt").write_text(
        f"FT_OFFLINE_DATADIR=user_data/data/binance {line}\n# {seconds:.1f} s wall\n"
    )
    print(name, len(block["trades"]), "trades", len(block["locks"]), "locks", f"{seconds:.1f}s")


def main() -> None:
    for name in sys.argv[1:] or list(RUNS):
        run(name, *RUNS[name])


if __name__ == "__main__":
    main()
