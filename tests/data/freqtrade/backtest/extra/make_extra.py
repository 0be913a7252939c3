"""More Freqtrade 2026.9 backtest references: strategies and configs the first 8 runs do not reach.

Run from the repository root with Freqtrade's own interpreter (the command is in
``../README.md``, section "Extra references"). Each run writes ``runs/<name>/config.json`` (the
config used) and ``runs/<name>/result.json``: of Freqtrade's result block, the trades, locks,
counters and range -- what ``tests/bot_engine/backtest/test_freqtrade_parity.py`` compares.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[4]
CANDLES = REPO / "user_data/data/binance"
BASE_CONFIG = HERE.parent / "runs/sample/config.json"
KEEP = (
    "trades",
    "locks",
    "rejected_signals",
    "timedout_entry_orders",
    "timedout_exit_orders",
    "canceled_trade_entries",
    "canceled_entry_orders",
    "replaced_entry_orders",
    "backtest_start_ts",
    "backtest_end_ts",
    "pairlist",
)
MARKET_ORDERS = {
    "order_types": {
        "entry": "market",
        "exit": "market",
        "stoploss": "market",
        "stoploss_on_exchange": False,
    },
    "entry_pricing": {"price_side": "other"},
    "exit_pricing": {"price_side": "other"},
}
# name -> (strategy, config changes, extra flags, timerange[, strategy folder])
MAIN_STRATEGIES = "../strategies"  # FeatureTourStrategy's folder
TEST_STRATEGIES = "../../../strategies"  # tests/data/strategies: the engine's test strategies
RUNS = {
    "exit-rules": (
        "ParityExitRules",
        {"stake_amount": "unlimited", "max_open_trades": 4, "tradable_balance_ratio": 0.5},
        ["--enable-protections"],
        "20180112-20180126",
    ),
    "exit-rules-fixed": ("ParityExitRules", {"max_open_trades": 8}, [], "20180115-"),
    "position-tools": ("ParityPositionTools", {}, [], "20180111-20180130"),
    "position-tools-market": ("ParityPositionTools", MARKET_ORDERS, [], "20180111-20180130"),
    "strategy-helpers": ("ParityStrategyHelpers", {}, [], "20180113-20180129"),
    "sample-trailing-small-wallet": (
        "SampleStrategy",
        {
            "trailing_stop": True,
            "trailing_stop_positive": 0.01,
            "trailing_stop_positive_offset": 0.02,
            "trailing_only_offset_is_reached": True,
            "dry_run_wallet": 0.05,
            "stake_amount": 0.02,
        },
        [],
        "20180111-20180130",
    ),
    "ema-plain-trailing": (
        "EmaCrossStrategy",
        {
            "trailing_stop": True,
            "stoploss": -0.03,
            "minimal_roi": {"0": 0.05, "30": 0.02},
            "ignore_roi_if_entry_signal": True,
            "exit_profit_only": True,
            "max_open_trades": 2,
        },
        [],
        "20180118-",
    ),
    "tour-late-start": (
        "FeatureTourStrategy",
        {"max_open_trades": 4},
        ["--enable-protections"],
        "20180116-20180126",
        MAIN_STRATEGIES,
    ),
    "order-adjust": (
        "ParityOrderAdjust",
        {"unfilledtimeout": {"entry": 30, "exit": 30, "exit_timeout_count": 0, "unit": "minutes"}},
        [],
        "20180111-20180130",
    ),
    "freqtrade-template": (
        "SampleStrategy",
        {},
        [],
        "20180111-20180130",
        f"{TEST_STRATEGIES}/freqtrade_template",  # Freqtrade's own template, unchanged
    ),
    **{
        f"tests-{name.lower()}": (name, {}, [], "20180111-20180130", f"{TEST_STRATEGIES}/{folder}")
        for folder, names in (
            (
                "parity",
                (
                    "ParityInformativeDecorator",
                    "ParityInformativeMerge",
                    "ParityTagAppend",
                ),
            ),
            (
                "callbacks",
                (
                    "CustomDataStrategy",
                    "CustomPricesStrategy",
                    "CustomStoplossStrategy",
                    "DcaStrategy",
                    "OrderCallbacksStrategy",
                    "StakeSkipStrategy",
                ),
            ),
        )
        for name in names
    },
    "sample-amend-last-stake": (
        "SampleStrategy",
        {"dry_run_wallet": 0.05, "stake_amount": 0.018, "amend_last_stake_amount": True},
        [],
        "20180111-20180130",
    ),
    "ema-1h": ("EmaCrossStrategy", {"timeframe": "1h"}, [], "20180112-20180129"),
    "exit-rules-pairs": (
        "ParityExitRules",
        {"stake_amount": "unlimited", "max_open_trades": 10},
        ["--pairs", "ZEC/BTC", "ETH/BTC", "ADA/BTC", "XLM/BTC"],
        "20180111-20180125",
    ),
    "strategy-helpers-dca-off": (
        "ParityStrategyHelpers",
        {"max_open_trades": 3, "stake_amount": 0.02, "dry_run_wallet": 0.1},
        [],
        "20180111-20180120",
    ),
}


def merged(base: dict, changes: dict) -> dict:
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def run(
    name: str,
    strategy: str,
    changes: dict,
    flags: list[str],
    timerange: str,
    strategies: str = "strategies",
) -> None:
    config = merged(json.loads(BASE_CONFIG.read_text()), {**changes, "strategy": strategy})
    folder = HERE / "runs" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config, indent=4) + "\n")
    with tempfile.TemporaryDirectory() as tmp:
        userdir, results = Path(tmp) / "user_data", Path(tmp) / "results"
        shutil.copytree(HERE / strategies, userdir / "strategies")
        # Freqtrade reads informative 1h candles from files: the 5m ones and the 1h ones
        datadir = Path(tmp) / "data"
        shutil.copytree(CANDLES, datadir)
        for hours in (HERE.parent / "data").glob("*-1h.feather"):
            shutil.copy(hours, datadir)
        # The bundled strategies (SampleStrategy keeps its tags in Freqtrade too)
        for bundled in ("sample_strategy.py", "ema_cross_strategy.py"):
            if not (userdir / "strategies" / bundled).exists():
                shutil.copy(REPO / "user_data/strategies" / bundled, userdir / "strategies")
        results.mkdir()
        command = [
            sys.executable,
            str(REPO / "bench/ft_offline.py"),
            "backtesting",
            "--config",
            str(folder / "config.json"),
            "--strategy",
            strategy,
            "--userdir",
            str(userdir),
            "--datadir",
            str(datadir),
            "--timerange",
            timerange,
            "--cache",
            "none",
            "--export",
            "trades",
            "--backtest-directory",
            str(results),
            *flags,
        ]
        env = {**os.environ, "FT_OFFLINE_DATADIR": str(CANDLES)}
        subprocess.run(command, env=env, check=True, capture_output=True, cwd=tmp)
        with zipfile.ZipFile(next(results.glob("*.zip"))) as archive:
            member = next(
                n for n in archive.namelist() if n.endswith(".json") and "_config" not in n
            )
            block = next(iter(json.loads(archive.read(member))["strategy"].values()))
    kept = {key: block[key] for key in KEEP}
    kept["run"] = {
        "strategy": strategy,
        "flags": flags,
        "timerange": timerange,
        "strategies": strategies,
    }
    (folder / "result.json").write_text(compact(kept))
    print(name, len(block["trades"]), "trades", len(block["locks"]), "locks")


def compact(kept: dict) -> str:
    """The kept block as JSON with one trade (and one lock) per line: small, and readable."""
    lines = [json.dumps({k: v for k, v in kept.items() if k not in ("trades", "locks")})[:-1]]
    for key in ("trades", "locks"):
        rows = ",\n".join(json.dumps(row, separators=(",", ":")) for row in kept[key])
        lines.append(f', "{key}": [\n{rows}\n]')
    return "".join(lines) + "}\n"


def main() -> None:
    wanted = sys.argv[1:] or list(RUNS)
    for name in wanted:
        run(name, *RUNS[name])


if __name__ == "__main__":
    main()
