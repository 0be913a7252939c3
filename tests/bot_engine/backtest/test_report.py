"""The result document equals Freqtrade's ``result.json`` key for key on its 8 recorded runs."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from bot_engine.backtest.report import result_document
from tests.bot_engine.backtest.reference_runs import (
    NO_TRADES,
    RUN_NAMES,
    outcome_from_reference,
    reference,
)

CLOCK_KEYS = {"backtest_run_start_ts", "backtest_run_end_ts"}


@pytest.fixture(scope="module")
def documents() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """(ours, Freqtrade's) per run, ours through JSON as the file would hold it."""
    return {
        run: (
            json.loads(json.dumps(result_document([outcome_from_reference(run)]))),
            reference(run),
        )
        for run in RUN_NAMES
    }


def differences(ours: Any, theirs: Any, path: str, skip: set[str]) -> list[str]:
    """Every place where ``ours`` differs: keys, order, lengths, types, numbers beyond 1e-9."""
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [f"{path}: {ours!r} is not an object"]
        found = (
            [] if list(ours) == list(theirs) else [f"{path}: keys {list(ours)} != {list(theirs)}"]
        )
        for key in theirs:
            if key not in skip:
                found += differences(ours.get(key), theirs[key], f"{path}.{key}", skip)
        return found
    if isinstance(theirs, list):
        if not isinstance(ours, list) or len(ours) != len(theirs):
            return [f"{path}: {ours!r:.80} has not {len(theirs)} items"]
        return [
            found
            for index, (mine, other) in enumerate(zip(ours, theirs, strict=True))
            for found in differences(mine, other, f"{path}[{index}]", skip)
        ]
    if isinstance(theirs, float) and type(ours) in (int, float):
        if math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-15):
            return []
    elif type(ours) is type(theirs) and ours == theirs:
        return []
    return [f"{path}: {ours!r} != {theirs!r}"]


@pytest.mark.parametrize("run", RUN_NAMES)
def test_result_document_equals_freqtrades(documents, run):
    ours, theirs = documents[run]
    assert differences(ours, theirs, "", CLOCK_KEYS) == []


def test_a_run_without_trades_gives_freqtrades_105_keys():
    """Freqtrade's shapes without trades: integer zeros, ``daily_profit_list``, no holding
    times beyond the averages, epoch drawdown dates."""
    ours = json.loads(json.dumps(result_document([outcome_from_reference("", NO_TRADES)])))
    theirs = reference("", NO_TRADES)
    assert len(ours["strategy"]["SampleStrategy"]) == 105
    assert differences(ours, theirs, "", CLOCK_KEYS) == []


def test_block_has_freqtrades_118_keys(documents):
    ours, _ = documents["tour"]
    block = ours["strategy"]["FeatureTourStrategy"]
    assert len(block) == 118
    assert block["total_trades"] == 300
    assert block["best_pair"]["key"] == "NXT/BTC"


def test_comparison_row_names_the_strategy_with_its_drawdown_as_text(documents):
    ours, _ = documents["sample"]
    (row,) = ours["strategy_comparison"]
    assert row["key"] == "SampleStrategy"
    assert row["trades"] == 138
    assert row["max_drawdown_abs"] == "0.00433985"


def test_a_trade_left_unclosed_keeps_its_stake_out_of_the_final_balance(documents):
    ours, _ = documents["sample-fullrange"]
    block = ours["strategy"]["SampleStrategy"]
    assert block["profit_total_abs"] == pytest.approx(0.00525943, abs=1e-12)
    assert block["final_balance"] == pytest.approx(1.00525943 - 0.00996194, abs=1e-12)


def test_comparison_would_catch_a_wrong_number(documents):
    ours, theirs = documents["sample"]
    broken = json.loads(json.dumps(ours))
    broken["strategy"]["SampleStrategy"]["results_per_pair"][0]["sharpe"] *= 1 + 1e-6
    assert len(differences(broken, theirs, "", CLOCK_KEYS)) == 1
