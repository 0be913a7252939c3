"""``/exchanges``, ``/hyperoptloss`` (+ FreqUI's ``/hyperopt-loss``) and ``/freqaimodels``:
Freqtrade's bodies, honest about what Tradeplane offers, in webserver and trade mode."""

from __future__ import annotations

import pytest

ENTRY_KEYS = ["name", "classname", "valid", "supported", "comment", "comment_futures", "dex",
              "is_alias", "alias_for", "trade_modes"]  # fmt: skip


@pytest.fixture(params=["webserver", "running_bot"])
def mode(request):
    return request.getfixturevalue(request.param)


def test_exchanges_lists_replay_and_what_ccxt_can_trade(mode, client_basic):
    exchanges = client_basic.get("/api/v1/exchanges").json()["exchanges"]
    assert all(list(entry) == ENTRY_KEYS for entry in exchanges)
    by_id = {entry["classname"]: entry for entry in exchanges}
    assert exchanges[0]["classname"] == "replay" and exchanges[0]["valid"]
    binance = by_id["binance"]
    assert binance["valid"] and binance["supported"] and binance["comment"] == ""
    assert binance["trade_modes"] == [{"trading_mode": "spot", "margin_mode": ""}]
    lacking = [e for e in exchanges if not e["valid"]]
    assert lacking and all(e["comment"].startswith("missing: ") for e in lacking)
    assert not any(e["supported"] for e in lacking)
    assert len(by_id) == len(exchanges) > 50


@pytest.mark.parametrize("path", ["hyperoptloss", "hyperopt-loss"])
def test_no_hyperopt_means_no_loss_functions(mode, client_basic, path):
    assert client_basic.get(f"/api/v1/{path}").json() == {"loss_functions": []}


def test_no_freqai_means_no_models(mode, client_basic):
    assert client_basic.get("/api/v1/freqaimodels").json() == {"freqaimodels": []}
