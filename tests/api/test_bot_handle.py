"""The API's narrow handle on the running bot (bot_engine/runtime.py) and who acts for a request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot_engine import runtime
from bot_engine.services.audit import SYSTEM, Actor, acting_as, current_actor

ROOT = Path(__file__).resolve().parents[2]
# The engine's mutable state, read by the API before the handle existed (issue 15 item 3).
ENGINE_FIELD = re.compile(
    r"\b(?:bot|running|running_bot)\.(?:exchange|dataframes|edge|tickers|whitelist|blacklist"
    r"|book|bot|call|wake|_\w+)\b"
)
# Files where ``bot`` names something else than the running bot.
NOT_THE_HANDLE = {"api/prometheus.py": "a registry row of selectors.metrics (BotFigures)"}
REGISTRY_IMPORT = re.compile(
    r"^\s*(?:from bot_engine\.runtime import|from bot_engine import runtime)", re.M
)


def test_the_api_reads_the_bot_only_through_the_handle():
    offences = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "api").rglob("*.py"))
        if path.relative_to(ROOT).as_posix() not in NOT_THE_HANDLE
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ENGINE_FIELD.search(line)
    ]
    assert offences == []


def test_the_engine_never_imports_the_registry():
    # runtime.py sits above engine/ (it registers an engine/state.py RunningBot): an import
    # back would make the two one package-level circle again.
    offences = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "bot_engine" / "engine").rglob("*.py"))
        if REGISTRY_IMPORT.search(path.read_text())
    ]
    assert offences == []


@pytest.fixture
def registered(running_bot):
    return running_bot


def test_get_running_bot_by_id(registered):
    assert runtime.get_running_bot() is registered
    assert runtime.get_running_bot(registered.bot_id) is registered
    assert runtime.get_running_bot(registered.bot_id + 1) is None


def test_handle_reads_are_copies(registered):
    whitelist = registered.current_whitelist()
    whitelist.append("NEW/BTC")
    assert "NEW/BTC" not in registered.whitelist
    assert registered.analysed_frame(registered.current_whitelist()[0], "1d") is None
    assert registered.edge_rows() is None


def test_services_act_for_the_engine_outside_a_request():
    assert (current_actor().name, current_actor().via) == (SYSTEM, "engine")
    caller = Actor(name="alice", via="api")
    with acting_as(lambda: caller):
        assert current_actor() is caller
    assert current_actor().name == SYSTEM
