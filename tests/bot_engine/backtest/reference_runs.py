"""Freqtrade 2026.9's recorded backtest runs as SimulationOutcomes (what the simulator hands on).

Trades, locks, counters and settings are taken from each run's ``result.json``, the candles
from ``user_data/data/binance/`` over the run's range: the report must rebuild everything else.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from bot_engine.backtest.outcome import SimulationOutcome
from bot_engine.backtest.report import COUNTERS, SETTINGS_DEFAULTS

ROOT = Path(__file__).resolve().parents[3]
RUNS = ROOT / "tests/data/freqtrade/backtest/runs"
CANDLES = ROOT / "user_data/data/binance"
RUN_NAMES = sorted(path.name for path in RUNS.iterdir() if path.is_dir())
# sample-fullrange: XLM/BTC's force-exit order at the last candle's open (4.995e-05) sits 1 ulp
# under that candle's raw low (4.995000000000001e-05), so the trade stays open and is not
# exported; its entry (199 at the 2018-01-30 02:00 open) follows from Freqtrade's final_balance
# (start + Σ profit − 0.00996194) and its wallet's last point.
STILL_OPEN = {
    "sample-fullrange": [
        {
            "pair": "XLM/BTC",
            "amount": 199.0,
            "open_rate": 5.006e-05,
            "stake_amount": 0.00996194,
            "open_timestamp": 1517277600000,
            "orders": [
                {
                    "amount": 199.0,
                    "safe_price": 5.0060000000000005e-05,
                    "ft_order_side": "buy",
                    "order_filled_timestamp": 1517277600000,
                    "ft_is_entry": True,
                    "cost": 0.00997190194,
                }
            ],
        }
    ]
}
SETTING_KEYS = [*SETTINGS_DEFAULTS, "stake_amount", "stake_currency", "dry_run_wallet"]


NO_TRADES = RUNS.parent / "no-trades"


def reference(run: str, folder: Path = RUNS) -> dict[str, Any]:
    return json.loads((folder / run / "result.json").read_text())


def outcome_from_reference(run: str, folder: Path = RUNS) -> SimulationOutcome:
    """``folder / run``'s recorded result as the simulator's outcome."""
    name, block = next(iter(reference(run, folder)["strategy"].items()))
    start = datetime.fromtimestamp(block["backtest_start_ts"] / 1000, UTC)
    end = datetime.fromtimestamp(block["backtest_end_ts"] / 1000, UTC)
    candles = {}
    for pair in block["pairlist"]:
        frame = pd.read_feather(CANDLES / f"{pair.replace('/', '_')}-5m.feather")
        candles[pair] = frame[(frame["date"] >= start) & (frame["date"] <= end)]
    strategy_file = next(
        path
        for path in (RUNS.parent / "strategies").glob("*.py")
        if f"class {name}(" in path.read_text()
    )
    return SimulationOutcome(
        strategy_name=name,
        trades=block["trades"],
        locks=block["locks"],
        backtest_start=start,
        backtest_end=end,
        run_start_ts=block["backtest_run_start_ts"],
        run_end_ts=block["backtest_run_end_ts"],
        settings={key: block[key] for key in SETTING_KEYS},
        pairlist=block["pairlist"],
        candles=candles,
        strategy_source=strategy_file.read_text(),
        config_for_export=_config(folder / run),
        still_open=STILL_OPEN.get(run, []),
        **{key: block[key] for key in COUNTERS},
    )


# How a trade is compared with Freqtrade's: these keys equal, these numbers within 1e-8.
EXACT = ("pair", "open_date", "close_date", "exit_reason", "enter_tag", "is_open")
CLOSE = ("open_rate", "close_rate", "amount", "stake_amount", "profit_abs")


def by_trade(trades: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(trades, key=lambda t: (t["pair"], t["open_date"], t["close_date"] or ""))


def same_number(ours: float | None, theirs: float | None) -> bool:
    if ours is None or theirs is None:
        return ours is theirs
    return math.isclose(ours, theirs, rel_tol=1e-8, abs_tol=1e-14)


def trade_differences(
    ours: dict[str, Any], theirs: dict[str, Any], close: tuple[str, ...] = CLOSE
) -> list[str]:
    """What differs between one of our exported trades and Freqtrade's, key by key."""
    wrong = [key for key in EXACT if ours[key] != theirs[key]]
    wrong += [key for key in close if not same_number(ours[key], theirs[key])]
    if len(ours["orders"]) != len(theirs["orders"]) or any(
        a["ft_order_side"] != b["ft_order_side"]
        or a["ft_order_tag"] != b["ft_order_tag"]
        or a["order_filled_timestamp"] != b["order_filled_timestamp"]
        or not same_number(a["amount"], b["amount"])
        or not same_number(a["safe_price"], b["safe_price"])
        for a, b in zip(ours["orders"], theirs["orders"], strict=False)
    ):
        wrong.append("orders")
    return [f"{key}: ours {ours.get(key)!r}, Freqtrade {theirs.get(key)!r}" for key in wrong]


def _config(folder: Path) -> dict[str, Any]:
    path = folder / "config.json"
    return json.loads(path.read_text()) if path.is_file() else {}
