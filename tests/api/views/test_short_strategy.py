"""A ``can_short`` strategy in spot mode through the API: shown, but not analysed for trading."""

import shutil

import pytest

from api.context import configure_webserver
from bot_engine import runtime
from bot_engine.config.builder import build_config
from bot_engine.strategy.loader import SHORT_IN_SPOT
from tests.fixtures.api import USER_DATA, config_dict
from tests.fixtures.engine import TEST_STRATEGIES


@pytest.fixture
def short_webserver(db, tmp_path):
    user_data = tmp_path / "user_data"
    shutil.copytree(USER_DATA / "strategies", user_data / "strategies")
    shutil.copy(TEST_STRATEGIES / "faulty" / "short_in_spot.py", user_data / "strategies")
    shutil.copytree(USER_DATA / "data", user_data / "data")
    config = build_config(
        config_dict(user_data_dir=str(user_data), exchange={"name": "binance"}), path=None
    )
    runtime.register(None)
    configure_webserver(config)
    yield config
    configure_webserver(None)


def test_the_strategy_is_shown_as_freqtrade_shows_it(short_webserver, client_basic):
    response = client_basic.get("/api/v1/strategy/ShortInSpotStrategy")
    assert response.status_code == 200
    body = response.json()
    assert body["strategy"] == "ShortInSpotStrategy" and body["timeframe"] == "5m"
    assert "can_short = True" in body["code"]


def test_its_history_is_refused_with_freqtrades_message(short_webserver, client_basic):
    response = client_basic.get(
        "/api/v1/pair_history",
        {"pair": "ETH/BTC", "timeframe": "5m", "strategy": "ShortInSpotStrategy",
         "timerange": "20180115-20180116"},
    )  # fmt: skip
    assert response.status_code == 502
    assert response.json() == {"detail": SHORT_IN_SPOT}
