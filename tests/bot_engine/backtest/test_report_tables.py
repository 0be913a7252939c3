"""The CLI tables equal what Freqtrade 2026.9 printed for its 8 recorded runs, line for line."""

from __future__ import annotations

import pytest

from bot_engine.backtest.report import result_document
from bot_engine.backtest.tables import text_report
from tests.bot_engine.backtest.reference_runs import (
    NO_TRADES,
    RUN_NAMES,
    RUNS,
    outcome_from_reference,
    reference,
)


def printed(run: str) -> str:
    return (RUNS / run / "cli-output.txt").read_text()


@pytest.mark.parametrize("run", RUN_NAMES)
def test_tables_of_freqtrades_own_result_equal_its_output(run):
    assert text_report(reference(run)).splitlines() == printed(run).splitlines()


@pytest.mark.parametrize("run", RUN_NAMES)
def test_tables_of_our_result_equal_freqtrades_output(run):
    document = result_document([outcome_from_reference(run)])
    assert text_report(document) == printed(run)


def test_tables_show_the_trade_count_and_profit():
    text = text_report(reference("tour"))
    assert "│    TOTAL │    300 │         0.07 │    -0.00797396 │" in text
    assert "│ Mean profit p-value                    │ 0.1697 " in text


def test_without_trades_the_summary_is_freqtrades_one_line():
    printed_by_freqtrade = (NO_TRADES / "cli-output.txt").read_text()
    assert text_report(reference("", NO_TRADES)) == printed_by_freqtrade
    document = result_document([outcome_from_reference("", NO_TRADES)])
    assert text_report(document) == printed_by_freqtrade
    assert "No trades made. Your starting balance was 1 BTC, and your stake was 0.01 BTC.\n" in (
        printed_by_freqtrade
    )
