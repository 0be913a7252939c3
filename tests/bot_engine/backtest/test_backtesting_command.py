"""``manage.py backtesting`` on run ``sample``'s config: Freqtrade's tables, files, refusals."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from bot_engine.backtest import export
from tests.bot_engine.backtest.reference_runs import CANDLES, RUNS
from tests.fixtures.commands import command_errors, command_output, manage

CONFIG = RUNS / "sample" / "config.json"
STRATEGIES = RUNS.parent / "strategies"
SAMPLE = ["--config", str(CONFIG), "--strategy", "SampleStrategy"]
RUN_FLAGS = [
    *SAMPLE,
    "--strategy-path",
    str(STRATEGIES),
    "--datadir",
    str(CANDLES),
    "--timerange",
    "20180111-20180130",
    "--cache",
    "none",
]


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """One run of the command (export into a fresh folder): (stdout, stderr, folder)."""
    folder = tmp_path_factory.mktemp("results")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "backtesting", *RUN_FLAGS, "--backtest-directory", str(folder), stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue(), folder


def test_tables_show_freqtrades_trade_count_and_profit(ran):
    out, _, _ = ran
    assert out.startswith("Result for strategy SampleStrategy\n")
    assert "│    TOTAL │    138 │         0.35 │     0.00484929 │         0.48 │" in out
    assert "│ Total/Daily Avg Trades                 │ 138 / 7.26 " in out
    assert "│ Absolute profit                        │ 0.00484929 BTC " in out


def test_tables_equal_freqtrades_output(ran):
    out, _, _ = ran
    assert out == (RUNS / "sample" / "cli-output.txt").read_text()


def test_export_files_exist_and_load_back(ran):
    _, err, folder = ran
    (row,) = export.history(folder)
    assert f"{row['filename']}.zip" in err
    last = json.loads((folder / ".last_result.json").read_text())
    assert last == {"latest_backtest": f"{row['filename']}.zip"}
    document = export.load_result(folder, row["filename"])
    block = document["strategy"]["SampleStrategy"]
    assert block["total_trades"] == 138
    assert block["profit_total_abs"] == pytest.approx(0.00484929, abs=1e-12)
    assert len(export.wallet(folder, row["filename"], "SampleStrategy")) == 5472


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--config", "no/such/config.json", "--strategy", "SampleStrategy"], "--config: "),
        ([*SAMPLE[:3], "NoSuchStrategy"], "--strategy: Strategy 'NoSuchStrategy' not found"),
        ([*SAMPLE, "--timerange", "2018-01-10"], "--timerange: "),
        ([*SAMPLE, "--stake-amount", "-1"], "--stake-amount: must be a positive number"),
        ([*SAMPLE, "--fee", "2"], "--fee: "),
        ([*SAMPLE, "--timeframe", "7x"], "--timeframe: "),
        ([*SAMPLE, "--datadir", "no/such/folder"], "--datadir: "),
    ],
)
def test_bad_input_names_the_flag(flags, message):
    with pytest.raises(CommandError, match="^" + message.replace("(", r"\(")):
        call_command("backtesting", *flags)


def test_bad_input_is_one_line_and_exit_status_1_without_traceback():
    done = manage("backtesting", *SAMPLE[:3], "NoSuchStrategy")
    assert command_errors(done) == [
        "CommandError: --strategy: Strategy 'NoSuchStrategy' not found. "
        "Available strategies: EmaCrossStrategy, SampleStrategy."
    ]


def test_breakdown_adds_freqtrades_calendar_tables():
    """``--breakdown`` prints the tables Freqtrade prints for it (recorded with Freqtrade's
    ``backtesting-show``, which reprints a run's report; its pair list left out here)."""
    periods = ["day", "week", "month", "year", "weekday"]
    out = command_output("backtesting", *RUN_FLAGS, "--export", "none", "--breakdown", *periods)
    recorded = (RUNS.parent / "show" / "sample-ours-breakdown.txt").read_text()
    assert out == recorded.split("Pairs for Strategy")[0]
