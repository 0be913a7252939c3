"""Strategy custom data through /trades/{id}/custom-data and /trades/open/custom-data.

The engine runs CustomDataStrategy (tests/data/strategies/callbacks/) on the bundled replay
data once for the module; the API answers what the strategy stored, with Freqtrade's bodies.
"""

from __future__ import annotations

import pytest

from bot_engine import runtime
from bot_engine.models import Trade
from tests.bot_engine.engine.test_replay_trading import API_SERVER
from tests.fixtures.engine import TEST_STRATEGIES, run_candles

CANDLES = 600


@pytest.fixture
def custom_data_bot(make_running_bot):
    bot = make_running_bot(
        strategy="CustomDataStrategy",
        strategy_path=str(TEST_STRATEGIES / "callbacks"),
        api_server=API_SERVER,
    )
    run_candles(bot, CANDLES)
    runtime.register(bot)
    yield bot
    runtime.register(None)


def test_closed_trade_custom_data(custom_data_bot, client_basic):
    trade = Trade.objects.for_bot(custom_data_bot.bot_id).closed().order_by("trade_id").first()
    response = client_basic.get(f"/api/v1/trades/{trade.trade_id}/custom-data")
    assert response.status_code == 200
    body = response.json()
    assert [item["trade_id"] for item in body] == [trade.trade_id]
    entries = {entry["key"]: entry for entry in body[0]["custom_data"]}
    assert list(entries) == ["fills", "entry", "path", "Flag", "exit_reason"]
    entry_price = trade.orders.get(ft_order_side="buy").safe_price
    assert entries["fills"]["type"] == "int"
    assert entries["fills"]["value"] == 2  # entry and exit filled
    assert entries["fills"]["updated_at"] is not None  # written twice
    assert entries["entry"] == {
        **entries["entry"],
        "type": "dict",
        "value": {"pair": trade.pair, "price": entry_price},
        "updated_at": None,
    }
    assert entries["path"]["type"] == "list"
    assert entries["path"]["value"] == [trade.pair, 1, None]
    assert (entries["Flag"]["type"], entries["Flag"]["value"]) == ("bool", True)
    assert (entries["exit_reason"]["type"], entries["exit_reason"]["value"]) == (
        "str",
        trade.exit_reason,
    )
    # Freqtrade's naive UTC dates, no offset.
    assert "+" not in entries["fills"]["created_at"]
    assert not entries["fills"]["created_at"].endswith("Z")


def test_key_filter_is_case_insensitive(custom_data_bot, client_basic):
    trade = Trade.objects.for_bot(custom_data_bot.bot_id).closed().order_by("trade_id").first()
    response = client_basic.get(f"/api/v1/trades/{trade.trade_id}/custom-data?key=flag")
    assert response.status_code == 200
    assert [e["key"] for e in response.json()[0]["custom_data"]] == ["Flag"]
    missing = client_basic.get(f"/api/v1/trades/{trade.trade_id}/custom-data?key=nope")
    assert missing.status_code == 404
    assert missing.json() == {
        "detail": f"No custom-data with key 'nope' found for Trade ID: {trade.trade_id}."
    }


def test_unknown_trade_and_bad_ids(custom_data_bot, client_basic):
    response = client_basic.get("/api/v1/trades/9999/custom-data")
    assert response.status_code == 404
    assert response.json() == {"detail": "No trade found for trade_id: 9999"}
    assert client_basic.get("/api/v1/trades/abc/custom-data").status_code == 422


def test_open_trades_custom_data(custom_data_bot, client_basic):
    open_ids = list(
        Trade.objects.for_bot(custom_data_bot.bot_id).open().values_list("trade_id", flat=True)
    )
    assert open_ids
    response = client_basic.get("/api/v1/trades/open/custom-data")
    assert response.status_code == 200
    body = response.json()
    assert [item["trade_id"] for item in body] == sorted(open_ids)
    for item in body:
        keys = [entry["key"] for entry in item["custom_data"]]
        assert keys == ["fills", "entry", "path", "Flag"]  # entered, not exited
        assert item["custom_data"][0]["value"] == 1
    paged = client_basic.get("/api/v1/trades/open/custom-data?limit=1&offset=5")
    assert paged.status_code == 404
    assert paged.json() == {"detail": "No open trades found."}
    assert client_basic.get("/api/v1/trades/open/custom-data?limit=0").status_code == 422
    nothing = client_basic.get("/api/v1/trades/open/custom-data?key=exit_reason")
    assert nothing.status_code == 404
    assert nothing.json() == {
        "detail": "No custom-data with key 'exit_reason' found for any open trades."
    }
