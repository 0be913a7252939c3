"""``manage.py lookahead_analysis`` / ``recursive_analysis`` against Freqtrade 2026.9's output
for the same strategies and candles (tests/data/freqtrade/analysis/README.md)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.bot_engine.backtest.reference_runs import CANDLES, ROOT

RECORDED = ROOT / "tests" / "data" / "freqtrade" / "analysis"
STRATEGIES = ROOT / "tests" / "data" / "strategies" / "lookahead"
COMMON = [
    "--config",
    str(RECORDED / "config.json"),
    "--strategy-path",
    str(STRATEGIES),
    "--datadir",
    str(CANDLES),
    "--timerange",
    "20180115-20180118",
]
LOOKAHEAD = ["--minimum-trade-amount", "5", "--targeted-trade-amount", "10"]
RECURSIVE = ["--pairs", "ETH/BTC", "--startup-candle", "20", "100", "500"]


def _run(command: str, *flags: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *COMMON, *flags, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def lookahead_runs(tmp_path_factory):
    """strategy -> (stdout, exported CSV) for the three recorded strategies."""
    folder = tmp_path_factory.mktemp("lookahead")
    runs = {}
    for strategy in ("PeekStrategy", "CleanEmaStrategy", "RecursiveEmaStrategy"):
        csv = folder / f"{strategy}.csv"
        out, _ = _run(
            "lookahead_analysis",
            "--strategy",
            strategy,
            *LOOKAHEAD,
            "--lookahead-analysis-exportfilename",
            str(csv),
        )
        runs[strategy] = (out, csv.read_text())
    return runs


@pytest.mark.parametrize("strategy", ["PeekStrategy", "CleanEmaStrategy", "RecursiveEmaStrategy"])
def test_lookahead_table_and_csv_equal_freqtrades(lookahead_runs, strategy):
    out, csv = lookahead_runs[strategy]
    assert out == (RECORDED / f"lookahead-{strategy}.txt").read_text()
    assert csv == (RECORDED / f"lookahead-{strategy}.csv").read_text()


def test_peeking_strategy_is_biased_through_its_future_column(lookahead_runs):
    _, csv = lookahead_runs["PeekStrategy"]
    assert (
        csv.splitlines()[1] == 'peek_strategy.py,PeekStrategy,True,10,0,0,"future_close,enter_long"'
    )


def test_too_few_trades_fail_the_test_without_a_csv_row(lookahead_runs):
    out, csv = lookahead_runs["RecursiveEmaStrategy"]
    assert "too few trades caught (0/5).Test failed." in out
    assert len(csv.splitlines()) == 1


@pytest.mark.parametrize("strategy", ["PeekStrategy", "CleanEmaStrategy", "RecursiveEmaStrategy"])
def test_recursive_table_equals_freqtrades(strategy):
    out, err = _run("recursive_analysis", "--strategy", strategy, *RECURSIVE)
    assert out == (RECORDED / f"recursive-{strategy}.txt").read_text()
    # Freqtrade's second check (logged): only the peeking strategy's indicator reads ahead.
    peeks = "=> found lookahead in indicator future_close" in err
    assert peeks == (strategy == "PeekStrategy")


def test_targeted_below_minimum_is_refused():
    with pytest.raises(CommandError, match="Targeted trade amount can't be smaller"):
        _run(
            "lookahead_analysis",
            "--strategy",
            "PeekStrategy",
            "--minimum-trade-amount",
            "10",
            "--targeted-trade-amount",
            "5",
        )


def test_unknown_strategy_is_refused_in_one_line():
    with pytest.raises(CommandError, match="--strategy"):
        _run("recursive_analysis", "--strategy", "NoSuchStrategy")


def test_fewer_trades_than_the_minimum_fail_counting_no_signal():
    # CleanEmaStrategy makes 58 trades here; Freqtrade's message counts the signals checked.
    out, _ = _run(
        "lookahead_analysis",
        "--strategy",
        "CleanEmaStrategy",
        "--minimum-trade-amount",
        "100",
        "--targeted-trade-amount",
        "100",
    )
    assert "too few trades caught (0/100).Test failed." in out


@pytest.fixture(scope="module")
def tour_flags(tmp_path_factory) -> list[str]:
    """FeatureTourStrategy's run: its config, its file, the 5m candles beside the 1h ones."""
    data = tmp_path_factory.mktemp("data-5m-1h")
    backtest = ROOT / "tests" / "data" / "freqtrade" / "backtest"
    for source in [*CANDLES.glob("*-5m.feather"), *(backtest / "data").glob("*-1h.feather")]:
        (data / source.name).symlink_to(source)
    return [
        "--config",
        str(backtest / "runs" / "tour" / "config.json"),
        "--strategy-path",
        str(backtest / "strategies"),
        "--datadir",
        str(data),
        "--timerange",
        "20180115-20180120",
        "--strategy",
        "FeatureTourStrategy",
    ]


def test_informative_callbacks_strategy_lookahead_equals_freqtrades(tour_flags, tmp_path):
    # One entry of 20 is not made on the cut candles (Freqtrade's verdict: biased, no column).
    csv = tmp_path / "tour.csv"
    out = io.StringIO()
    call_command(
        "lookahead_analysis",
        *tour_flags,
        "--minimum-trade-amount",
        "5",
        "--targeted-trade-amount",
        "20",
        "--lookahead-analysis-exportfilename",
        str(csv),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert out.getvalue() == (RECORDED / "lookahead-FeatureTourStrategy.txt").read_text()
    assert csv.read_text() == (RECORDED / "lookahead-FeatureTourStrategy.csv").read_text()


def test_informative_strategy_recursive_equals_freqtrades(tour_flags):
    out = io.StringIO()
    call_command(
        "recursive_analysis",
        *tour_flags,
        "--pairs",
        "ETH/BTC",
        "--startup-candle",
        "50",
        "200",
        "500",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert out.getvalue() == (RECORDED / "recursive-FeatureTourStrategy.txt").read_text()
