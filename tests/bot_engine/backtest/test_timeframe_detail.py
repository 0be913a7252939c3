"""``--timeframe-detail``: the backtester gives Freqtrade 2026.9's trades with a detail timeframe.

Each run of ``tests/data/freqtrade/backtest/detail/runs/`` (the real Freqtrade, main timeframe
1h or 15m, detail 5m; commands in that folder's README) is simulated with its config, strategy
and flags on the bundled 5m candles; trades (dates, rates, exit reasons, profit, orders), locks
and counters must equal Freqtrade's -- and they do not when the detail timeframe is ignored.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from bot_engine.backtest import jobs
from bot_engine.backtest.options import BacktestOptions
from bot_engine.backtest.outcome import SimulationOutcome
from bot_engine.backtest.report import COUNTERS
from bot_engine.backtest.simulator import simulate
from bot_engine.config.loader import load_config
from bot_engine.models import BacktestRun, BacktestStatus
from tests.bot_engine.backtest.reference_runs import CLOSE, by_trade, trade_differences
from tests.fixtures.webserver_backtest import SHORT_BODY, write_config

ROOT = Path(__file__).resolve().parents[3]
DETAIL = ROOT / "tests/data/freqtrade/backtest/detail"
CANDLES = ROOT / "user_data/data/binance"
RUNS = sorted(path.name for path in (DETAIL / "runs").iterdir() if path.is_dir())
DETAIL_RUNS = [run for run in RUNS if "5m" in run]
CLOSE_WITH_RATIO = (*CLOSE, "profit_ratio")


def reference(run: str) -> dict[str, Any]:
    return json.loads((DETAIL / "runs" / run / "result.json").read_text())


def options_of(run: str) -> BacktestOptions:
    spec = reference(run)["run"]
    flags = spec["flags"]
    folder = spec["folder"]
    return BacktestOptions(
        strategy=spec["strategy"],
        strategy_path=(DETAIL / folder).resolve() if folder else ROOT / "user_data/strategies",
        timerange=spec["timerange"],
        timeframe_detail=flags[flags.index("--timeframe-detail") + 1]
        if "--timeframe-detail" in flags
        else None,
        enable_protections="--enable-protections" in flags,
        datadir=CANDLES,
    )


@cache
def simulated(run: str, ignore_detail: bool = False) -> SimulationOutcome:
    config = load_config(DETAIL / "runs" / run / "config.json")
    options = options_of(run)
    if ignore_detail:
        config = replace(config, raw={k: v for k, v in config.raw.items() if "detail" not in k})
        options = replace(options, timeframe_detail=None)
    return simulate(config, options)


def trade_problems(outcome: SimulationOutcome, run: str) -> dict[str, Any]:
    ours, theirs = by_trade(outcome.trades), by_trade(reference(run)["trades"])
    if len(ours) != len(theirs):
        return {"trades": f"ours {len(ours)}, Freqtrade {len(theirs)}"}
    problems = {
        f"{t['pair']} {t['open_date']}": trade_differences(o, t, CLOSE_WITH_RATIO)
        for o, t in zip(ours, theirs, strict=True)
    }
    return {trade: found for trade, found in problems.items() if found}


@pytest.mark.parametrize("run", RUNS)
def test_same_trades_as_freqtrade(run):
    assert trade_problems(simulated(run), run) == {}


@pytest.mark.parametrize("run", RUNS)
def test_same_locks_and_counters_as_freqtrade(run):
    outcome, block = simulated(run), reference(run)
    assert outcome.locks == block["locks"]
    assert {key: getattr(outcome, key) for key in COUNTERS} == {key: block[key] for key in COUNTERS}


@pytest.mark.parametrize("run", DETAIL_RUNS)
def test_ignoring_the_detail_timeframe_gives_other_trades(run):
    # The references tell detail from no detail: the same run on main candles only fails them.
    assert trade_problems(simulated(run, ignore_detail=True), run) != {}


@pytest.mark.parametrize("run", RUNS)
def test_the_result_block_carries_the_timeframes_as_freqtrade(run):
    settings, block = simulated(run).settings, reference(run)
    assert (settings["timeframe"], settings["timeframe_detail"]) == (
        block["timeframe"],
        block["timeframe_detail"],
    )


# manage.py backtesting --timeframe-detail


@pytest.fixture(scope="module")
def command_run(tmp_path_factory):
    """``sample-1h-5m`` through the command, as Freqtrade was run: (stdout, results folder)."""
    folder = tmp_path_factory.mktemp("results")
    out = io.StringIO()
    call_command(
        "backtesting",
        *("--config", str(DETAIL / "runs/sample-1h-5m/config.json"), "-s", "SampleStrategy"),
        *("--strategy-path", str(ROOT / "user_data/strategies"), "--datadir", str(CANDLES)),
        *("--timerange", "20180112-20180129", "--timeframe-detail", "5m"),
        *("--backtest-directory", str(folder)),
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue(), folder


def test_the_command_prints_freqtrades_tables(command_run):
    out, _ = command_run
    expected = (DETAIL / "runs/sample-1h-5m/cli-output.txt").read_text()
    assert out.splitlines() == expected.splitlines()


def test_the_command_writes_the_detail_timeframe_into_the_meta_file(command_run):
    _, folder = command_run
    (meta,) = folder.glob("*.meta.json")
    written = json.loads(meta.read_text())["SampleStrategy"]
    expected = json.loads((DETAIL / "runs/sample-1h-5m/meta.json").read_text())["SampleStrategy"]
    assert {key: written[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("5x", "--timeframe-detail: Invalid detail timeframe '5x'"),
        ("1h", "--timeframe-detail: Detail timeframe must be smaller than strategy timeframe."),
        ("7m", "--timeframe-detail: Detail timeframe 7m must divide the strategy timeframe 1h."),
        ("1m", "--timeframe-detail: No data found. Terminating."),
    ],
)
def test_a_bad_detail_timeframe_is_one_line_naming_the_flag(value, message):
    flags = ["--config", str(DETAIL / "runs/sample-1h-5m/config.json"), "-s", "SampleStrategy"]
    flags += ["--strategy-path", str(ROOT / "user_data/strategies"), "--datadir", str(CANDLES)]
    flags += ["--timerange", "20180112-20180114", "--timeframe-detail", value, "--export", "none"]
    with pytest.raises(CommandError) as raised:
        call_command("backtesting", *flags, stdout=io.StringIO(), stderr=io.StringIO())
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


# The API's start body (FreqUI sends timeframe_detail), run as a backtest job


@pytest.fixture
def detail_job_config(tmp_path):
    return write_config(tmp_path, "sqlite:///unused.sqlite")


def job(config_path, body: dict) -> BacktestRun:
    run = BacktestRun.objects.create(
        config_files=[str(config_path)],
        strategy=body["strategy"],
        options=body,
        bot_name="ft-backtest-webserver",
    )
    jobs.run_job(str(run.job_id))
    run.refresh_from_db()
    return run


@pytest.mark.django_db(transaction=True)
def test_a_job_with_timeframe_detail_reports_it_as_freqtrade(detail_job_config):
    run = job(detail_job_config, {**SHORT_BODY, "timeframe": "1h", "timeframe_detail": "5m"})
    assert run.status == BacktestStatus.SUCCESS, run.error
    block = run.result["strategy"]["SampleStrategy"]
    assert (block["timeframe"], block["timeframe_detail"]) == ("1h", "5m")
    assert run.result["metadata"]["SampleStrategy"]["timeframe_detail"] == "5m"


@pytest.mark.django_db(transaction=True)
def test_a_job_with_a_detail_timeframe_not_below_the_main_one_fails_with_freqtrades_message(
    detail_job_config,
):
    run = job(detail_job_config, {**SHORT_BODY, "timeframe_detail": "1h"})
    assert run.status == BacktestStatus.FAILED
    assert run.status_msg == (
        "Backtest failed with Detail timeframe must be smaller than strategy timeframe."
    )
