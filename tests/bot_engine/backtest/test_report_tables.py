"""The CLI tables equal what Freqtrade 2026.9 printed for its 8 recorded runs, line for line."""

from __future__ import annotations

import pytest

from bot_engine.backtest.report import result_document
from bot_engine.backtest.tables import text_report
from tests.bot_engine.backtest.reference_runs import (
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
