"""The backtester gives Freqtrade 2026.9's trades, trade for trade, on its 8 recorded runs.

Each run of ``tests/data/freqtrade/backtest/runs/`` (and of ``extra/runs/``: more strategies
and configs, made the same way) is simulated with its config, strategy file and flags on the
bundled candles; the trade list must equal the reference: same trades (pair, open and close
date), exit reasons, entry tags, rates, amounts, stakes, profit (1e-8 relative) and orders, the
same locks and the same rejected / timed-out counts.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot_engine.backtest.options import BacktestOptions
from bot_engine.backtest.outcome import SimulationOutcome
from bot_engine.backtest.report import COUNTERS
from bot_engine.backtest.simulator import simulate
from bot_engine.config.loader import load_config
from tests.bot_engine.backtest.reference_runs import by_trade, same_number, trade_differences

ROOT = Path(__file__).resolve().parents[3]
REFERENCES = ROOT / "tests/data/freqtrade/backtest"
CANDLES = ROOT / "user_data/data/binance"
EXTRA = REFERENCES / "extra"
RUNS = {
    run["name"]: run for run in json.loads((REFERENCES / "runs/index.json").read_text())["runs"]
}
EXTRA_RUNS = sorted(path.name for path in (EXTRA / "runs").iterdir() if path.is_dir())


@cache
def simulated(run: str) -> SimulationOutcome:
    """The run simulated once per test session (several tests read it)."""
    if run in RUNS:
        spec, folder = RUNS[run], REFERENCES / "runs" / run
        strategies = REFERENCES / "strategies"
    else:
        folder = EXTRA / "runs" / run
        spec = json.loads((folder / "result.json").read_text())["run"]
        strategies = (EXTRA / spec.get("strategies", "strategies")).resolve()
    options = BacktestOptions(
        strategy=spec["strategy"],
        strategy_path=strategies,
        timerange=spec["timerange"] or None,
        enable_protections="--enable-protections" in spec["flags"],
        datadir=CANDLES,
        pairs=flag_values(spec["flags"], "--pairs"),
    )
    return simulate(load_config(folder / "config.json"), options)


def flag_values(flags: list[str], name: str) -> tuple[str, ...] | None:
    """The values after ``name`` up to the next flag (``--pairs A B``), None without it."""
    if name not in flags:
        return None
    values = flags[flags.index(name) + 1 :]
    ends = [i for i, value in enumerate(values) if value.startswith("--")]
    return tuple(values[: ends[0]] if ends else values)


def reference_block(run: str) -> dict[str, Any]:
    if run not in RUNS:  # the extra runs keep the part of the block compared here
        return json.loads((EXTRA / "runs" / run / "result.json").read_text())
    result = json.loads((REFERENCES / "runs" / run / "result.json").read_text())
    return next(iter(result["strategy"].values()))


def reference_trades(run: str) -> list[dict[str, Any]]:
    if run not in RUNS:
        return reference_block(run)["trades"]
    lines = (REFERENCES / "runs" / run / "trades.json").read_text().splitlines()
    return [json.loads(line.rstrip(",")) for line in lines if line.startswith("{")]


@pytest.mark.parametrize("run", [*RUNS, *EXTRA_RUNS])
def test_same_trades_as_freqtrade(run):
    ours, theirs = by_trade(simulated(run).trades), by_trade(reference_trades(run))
    assert len(ours) == len(theirs)
    problems = {
        f"{t['pair']} {t['open_date']}": trade_differences(o, t)
        for o, t in zip(ours, theirs, strict=True)
    }
    assert {trade: found for trade, found in problems.items() if found} == {}


def comparable(locks: list[dict[str, Any]], end_ts: int) -> list[dict[str, Any]]:
    """Locks a strategy set itself (``self.lock_pair``) carry the wall clock as their start,
    in Freqtrade as here: their start is left out of the comparison."""
    clock = ("lock_time", "lock_timestamp")
    return [
        {k: v for k, v in lock.items() if lock["lock_timestamp"] <= end_ts or k not in clock}
        for lock in locks
    ]


@pytest.mark.parametrize("run", [*RUNS, *EXTRA_RUNS])
def test_same_locks_and_counters_as_freqtrade(run):
    outcome, block = simulated(run), reference_block(run)
    end = block["backtest_end_ts"]
    assert comparable(outcome.locks, end) == comparable(block["locks"], end)
    assert {key: getattr(outcome, key) for key in COUNTERS} == {key: block[key] for key in COUNTERS}


@pytest.mark.parametrize("run", ["tour", "position-tools"])
def test_trades_are_listed_in_freqtrades_order_with_every_result_field(run):
    # Freqtrade lists trades by exit; the report and the export read every field of them.
    ours, theirs = simulated(run).trades, reference_block(run)["trades"]
    assert [(t["pair"], t["close_date"]) for t in ours] == [
        (t["pair"], t["close_date"]) for t in theirs
    ]
    assert all(set(o) == set(t) for o, t in zip(ours, theirs, strict=True))
    for key in ("initial_stop_loss_abs", "stop_loss_abs", "min_rate", "max_rate", "profit_ratio"):
        assert all(same_number(o[key], t[key]) for o, t in zip(ours, theirs, strict=True)), key


def test_the_backtest_range_is_freqtrades():
    outcome, block = simulated("sample-fullrange"), reference_block("sample-fullrange")
    assert int(outcome.backtest_start.timestamp() * 1000) == block["backtest_start_ts"]
    assert int(outcome.backtest_end.timestamp() * 1000) == block["backtest_end_ts"]
    assert outcome.pairlist == block["pairlist"]


@pytest.mark.parametrize("run", list(RUNS))
def test_trades_left_open_at_the_end_are_those_freqtrade_could_not_close(run):
    # A force exit priced 1 ulp under the last candle's raw low does not fill: the trade stays
    # open, out of the trade list, its stake still in the wallet (Freqtrade's final balance).
    outcome, block = simulated(run), reference_block(run)
    profit = sum(t["profit_abs"] for t in outcome.trades)
    held = sum(t["stake_amount"] for t in outcome.still_open)
    assert math.isclose(block["final_balance"], block["dry_run_wallet"] + profit - held)
    assert [t["pair"] for t in outcome.still_open] == (
        ["XLM/BTC"] if run == "sample-fullrange" else []
    )
