"""``GET /whitelist`` of a bot trading a generated pairlist: the chain's pairs and its handler
names as ``method``, as Freqtrade answers."""

from __future__ import annotations

import pytest

from bot_engine import runtime
from bot_engine.config.builder import build_config
from bot_engine.engine.factory import build_running_bot
from bot_engine.engine.loop import Engine
from tests.fixtures.api import config_dict


@pytest.fixture
def volume_api_bot(db):
    exchange = {**config_dict()["exchange"], "pair_whitelist": [], "replay": {"speed": 0}}
    exchange["replay"]["start"] = "20180115-0100"
    config = build_config(
        config_dict(
            exchange=exchange,
            pairlists=[
                {"method": "VolumePairList", "number_assets": 4},
                {"method": "PriceFilter", "min_price": 0.001},
            ],
        ),
        path=None,
    )
    bot = build_running_bot(config)
    Engine(bot).iteration()
    runtime.register(bot)
    yield bot
    runtime.register(None)


def test_whitelist_reports_the_chain_and_its_handlers(volume_api_bot, client_basic):
    body = client_basic.get("/api/v1/whitelist").json()
    # 01:00 on 15 January: by 24h volume ETH, ETC, ADA, XLM; the two below 0.001 BTC go.
    assert body == {
        "whitelist": ["ETH/BTC", "ETC/BTC"],
        "length": 2,
        "method": ["VolumePairList", "PriceFilter"],
    }
