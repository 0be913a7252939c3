"""``manage.py backtesting_show`` prints what Freqtrade 2026.9's ``backtesting-show`` prints.

References (``tests/data/freqtrade/backtest/show/``, recorded by its ``record.sh``): the real
Freqtrade showing a result our ``manage.py backtesting`` exported (run ``sample``) and results
Freqtrade wrote itself (an ``EmaCrossStrategy`` run's folder, runs ``tour`` and ``no-trades``).
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import pytest
from django.core.management import CommandError, call_command

from tests.bot_engine.backtest.reference_runs import CANDLES, RUNS
from tests.fixtures.commands import command_errors, manage

BACKTEST = RUNS.parent
SHOW = BACKTEST / "show"
CONFIG = RUNS / "sample" / "config.json"
FT_FOLDER = SHOW / "freqtrade-ema"
FT_ZIP = FT_FOLDER / "backtest-result-2026-12-06_09-03-03.zip"
ALL_PERIODS = ["day", "week", "month", "year", "weekday"]


@pytest.fixture(scope="module")
def userdir(tmp_path_factory):
    """A user-data folder whose ``backtest_results`` holds one ``manage.py backtesting`` run."""
    folder = tmp_path_factory.mktemp("userdir")
    call_command(
        "backtesting",
        *("--config", str(CONFIG), "--strategy", "SampleStrategy"),
        *("--strategy-path", str(BACKTEST / "strategies"), "--datadir", str(CANDLES)),
        *("--timerange", "20180111-20180130", "--userdir", str(folder)),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return folder


def show(*flags: str) -> str:
    out = io.StringIO()
    call_command("backtesting_show", "--config", str(CONFIG), *flags, stdout=out)
    return out.getvalue()


def reference(name: str) -> str:
    return (SHOW / name).read_text()


def test_latest_result_of_the_configs_folder_equals_freqtrades_show(userdir):
    assert show("--userdir", str(userdir)) == reference("sample-ours.txt")


def test_breakdown_and_pair_list_equal_freqtrades_show(userdir):
    out = show(
        *("--backtest-directory", str(userdir / "backtest_results")),
        "--show-pair-list",
        *("--breakdown", *ALL_PERIODS),
    )
    assert out == reference("sample-ours-breakdown.txt")


def test_result_named_by_export_filename_or_its_folder(userdir):
    folder = userdir / "backtest_results"
    (result,) = folder.glob("backtest-result-*.zip")
    assert show("--export-filename", str(result)) == reference("sample-ours.txt")
    # Inside the results folder by name; a folder given as a file is the results folder.
    assert show("--backtest-directory", str(folder), "--export-filename", result.name) == (
        reference("sample-ours.txt")
    )
    assert show("--export-filename", str(folder)) == reference("sample-ours.txt")


@pytest.mark.parametrize(
    ("flags", "name"),
    [
        (["--backtest-directory", str(FT_FOLDER)], "ema-freqtrade.txt"),
        (
            ["--export-filename", str(FT_ZIP), "--breakdown", "week", "--show-pair-list"],
            "ema-freqtrade-breakdown.txt",
        ),
        (
            [
                *("--export-filename", str(RUNS / "tour" / "result.json")),
                *("--breakdown", "month", "weekday", "--show-pair-list"),
            ],
            "tour-freqtrade.txt",
        ),
        (
            [
                *("--export-filename", str(BACKTEST / "no-trades" / "result.json")),
                *("--breakdown", "day", "--show-pair-list"),
            ],
            "no-trades-freqtrade.txt",
        ),
    ],
    ids=["ema-latest", "ema-zip-breakdown", "tour-json", "no-trades"],
)
def test_freqtrade_written_results_equal_freqtrades_show(flags, name):
    assert show(*flags) == reference(name)


def ema_document() -> dict:
    with zipfile.ZipFile(FT_ZIP) as archive:
        return json.loads(archive.read(FT_ZIP.with_suffix(".json").name))


def test_a_changed_result_changes_the_table_it_feeds(tmp_path):
    document = ema_document()
    document["strategy"]["EmaCrossStrategy"]["results_per_pair"][0]["trades"] = 27
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    out = show("--export-filename", str(changed))
    expected = reference("ema-freqtrade.txt")
    differing = [
        (ours, theirs)
        for ours, theirs in zip(out.splitlines(), expected.splitlines(), strict=True)
        if ours != theirs
    ]
    assert differing == [
        (
            "│ XLM/BTC │     27 │         0.03 │     0.00008465 │         0.01 │      1:21:00 │"
            "    8     0    18  30.8 │",
            "│ XLM/BTC │     26 │         0.03 │     0.00008465 │         0.01 │      1:21:00 │"
            "    8     0    18  30.8 │",
        )
    ]


def test_breakdown_missing_from_the_file_comes_from_its_trades(tmp_path):
    document = ema_document()
    del document["strategy"]["EmaCrossStrategy"]["periodic_breakdown"]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(document))
    out = show("--export-filename", str(older), "--breakdown", "week", "--show-pair-list")
    assert out == reference("ema-freqtrade-breakdown.txt")


def test_pair_list_is_sorted_by_total_profit():
    out = show("--backtest-directory", str(FT_FOLDER), "--show-pair-list")
    listed = out.split("Pairs for Strategy EmaCrossStrategy: \n")[1]
    assert listed == '[\n"XLM/BTC",  // 0.03%\n"ETH/BTC",  // -0.01%\n"LTC/BTC",  // -0.44%\n]\n'


@pytest.fixture(scope="module")
def two_strategies(tmp_path_factory):
    """One document holding the EmaCrossStrategy result, then run tour's (as record.sh)."""
    ema = ema_document()
    tour = json.loads((RUNS / "tour" / "result.json").read_text())
    document = {
        "strategy": ema["strategy"] | tour["strategy"],
        "strategy_comparison": ema["strategy_comparison"] + tour["strategy_comparison"],
    }
    path = tmp_path_factory.mktemp("multi") / "multi.json"
    path.write_text(json.dumps(document))
    return path


def test_two_strategies_equal_freqtrades_show(two_strategies):
    out = show("--export-filename", str(two_strategies), "--show-pair-list")
    assert out == reference("multi-freqtrade.txt")


def test_strategy_flag_shows_one_strategy_of_the_file(two_strategies):
    out = show(
        *("--export-filename", str(two_strategies), "--strategy", "FeatureTourStrategy"),
        *("--breakdown", "month", "weekday", "--show-pair-list"),
    )
    assert out == reference("tour-freqtrade.txt")
    out = show("--export-filename", str(two_strategies), "--strategy", "EmaCrossStrategy")
    assert out == reference("ema-freqtrade.txt")


@pytest.fixture
def bad_files(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "corrupt.zip").write_bytes(b"not a zip")
    (tmp_path / "broken.json").write_text("{bad")
    (tmp_path / "list.json").write_text("[]")
    shutil.copy(FT_ZIP, tmp_path / "renamed.zip")
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / ".last_result.json").write_text('{"latest_hyperopt": "x"}')
    (tmp_path / "userdir").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["--userdir", "{tmp}/userdir"],
            "Directory '{tmp}/userdir/backtest_results' does not seem to contain backtest "
            "statistics yet.",
        ),
        (
            ["--backtest-directory", "{tmp}/empty"],
            "--backtest-directory: Directory '{tmp}/empty' does not seem to contain backtest "
            "statistics yet.",
        ),
        (
            ["--backtest-directory", "{tmp}/nowhere"],
            "--backtest-directory: File or directory {tmp}/nowhere does not exist.",
        ),
        (
            ["--backtest-directory", "{tmp}/empty", "--export-filename", "nothing.zip"],
            "--export-filename: File or directory {tmp}/empty/nothing.zip does not exist.",
        ),
        (
            ["--export-filename", "{tmp}/corrupt.zip"],
            "--export-filename: Bad zip file: {tmp}/corrupt.zip.",
        ),
        (
            ["--export-filename", "{tmp}/renamed.zip"],
            "--export-filename: File renamed.json not found in zip: {tmp}/renamed.zip",
        ),
        (
            ["--export-filename", "{tmp}/broken.json"],
            "--export-filename: {tmp}/broken.json: not a backtest result (bad JSON: ",
        ),
        (
            ["--export-filename", "{tmp}/list.json"],
            "--export-filename: {tmp}/list.json: not a backtest result (no 'strategy' results",
        ),
        (
            ["--backtest-directory", "{tmp}/odd"],
            "--backtest-directory: Invalid '.last_result.json' format.",
        ),
        (
            ["--export-filename", str(FT_ZIP), "--strategy", "SampleStrategy"],
            f"--strategy: 'SampleStrategy' is not in {FT_ZIP} (it holds: EmaCrossStrategy)",
        ),
        (["--breakdown", "hour"], "Error: argument --breakdown: invalid choice: 'hour'"),
    ],
    ids=[
        "nothing-stored",
        "empty-folder",
        "no-folder",
        "no-file",
        "corrupt-zip",
        "zip-without-result",
        "bad-json",
        "not-a-result",
        "bad-last-result",
        "strategy-not-in-file",
        "bad-period",
    ],
)
def test_bad_input_is_one_clear_error(bad_files, flags, message):
    flags = [flag.format(tmp=bad_files) for flag in flags]
    with pytest.raises(CommandError) as raised:
        show(*flags)
    text = str(raised.value)
    assert text.startswith(message.format(tmp=bad_files))
    assert "\n" not in text


def test_missing_config_names_the_flag():
    with pytest.raises(CommandError, match="^--config: no/such.json: no such config file$"):
        call_command("backtesting_show", "--config", "no/such.json")


def test_bad_input_exits_1_without_traceback(tmp_path):
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(b"not a zip")
    done = manage("backtesting_show", "--export-filename", str(corrupt))
    assert command_errors(done) == [f"CommandError: --export-filename: Bad zip file: {corrupt}."]
