"""The same chains as Freqtrade 2026.9's handlers on the same market: the whitelists it answered
(``tests/data/freqtrade/pairlists/chains.json``, recorded by ``record_chains.py`` there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot_engine.pairlists.base import PairlistContext
from bot_engine.pairlists.chain import PairlistChain
from tests.bot_engine.pairlists.test_chains import PAIRS, replay

RECORDED = Path(__file__).resolve().parents[2] / "data" / "freqtrade" / "pairlists"
CHAINS = json.loads((RECORDED / "chains.json").read_text())["chains"]


@pytest.fixture(scope="module")
def parity_replay():
    return replay()  # the stored candles at 2018-01-30 05:00, Freqtrade's recorded moment


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_whitelist_is_freqtrades(parity_replay, name):
    recorded = CHAINS[name]
    context = PairlistContext(
        exchange=parity_replay,
        stake_currency="BTC",
        whitelist=tuple(PAIRS),
        blacklist=tuple(recorded["blacklist"]),
        stoploss=-0.10,
        live=False,  # Freqtrade's webserver mode
    )
    chain = PairlistChain(recorded["pairlists"], context)
    assert chain.name_list == recorded["method"]
    assert chain.refresh() == recorded["whitelist"]
