"""Freqtrade's tables for lookahead-analysis and recursive-analysis (rich, as it draws them)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Column, Table

from bot_engine.backtest.lookahead import LookaheadResult
from bot_engine.backtest.recursive import RecursiveResult

LOOKAHEAD_HEADERS = (
    "filename",
    "strategy",
    "has_bias",
    "total_signals",
    "biased_entry_signals",
    "biased_exit_signals",
    "biased_indicators",
)


def lookahead_table(results: list[LookaheadResult]) -> str:
    table = Table(
        *(Column(name, justify="right") for name in LOOKAHEAD_HEADERS), title="Lookahead Analysis"
    )
    for r in results:
        if r.failed:
            table.add_row(r.filename, r.strategy, r.failed, "", "", "", "")
            continue
        table.add_row(
            r.filename,
            r.strategy,
            "Yes" if r.has_bias else "No",
            str(r.total_signals),
            str(r.biased_entry_signals),
            str(r.biased_exit_signals),
            ", ".join(r.biased_indicators),
        )
    return _render(table)


def recursive_table(result: RecursiveResult) -> str:
    """One row per indicator that changed, one column per startup count ("-": no change)."""
    if not result.texts:
        return "No variance on indicator(s) found due to recursive formula.\n"
    headers = ["Indicators"] + [
        f"{count} (from strategy)" if count == result.strategy_scc else str(count)
        for count in result.startup_candles
    ]
    table = Table(*(Column(name, justify="right") for name in headers), title="Recursive Analysis")
    for name, texts in result.texts.items():
        table.add_row(name, *(texts.get(count, "-") for count in result.startup_candles))
    return _render(table)


def recursive_lookahead_lines(result: RecursiveResult) -> str:
    if not result.lookahead_indicators:
        return "No lookahead bias on indicators found.\n"
    return "".join(f"=> found lookahead in indicator {n}\n" for n in result.lookahead_indicators)


def _render(table: Table) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=250, color_system=None, force_terminal=False)
    console.print(table)
    return buffer.getvalue()
