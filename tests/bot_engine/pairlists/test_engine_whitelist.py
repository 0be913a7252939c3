"""The trading engine's whitelist comes from the config's pairlist chain, refreshed as it runs."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pandas as pd
import pytest

from bot_engine.config.loader import load_config
from bot_engine.engine.factory import build_running_bot
from bot_engine.engine.loop import Engine
from bot_engine.exceptions import ConfigError
from tests.fixtures.engine import ROOT, write_config

DATA = ROOT / "user_data" / "data" / "binance"
PAIRS = sorted(p.name.split("-")[0].replace("_", "/") for p in DATA.glob("*-5m.feather"))


def top_by_volume(now, count: int) -> list[str]:
    """The ``count`` pairs with the most BTC traded in the 24 h of 5m candles closed by ``now``."""

    def volume(pair):
        frame = pd.read_feather(DATA / f"{pair.replace('/', '_')}-5m.feather")
        day = frame[frame["date"] + pd.Timedelta(minutes=5) <= now].iloc[-288:]
        return float((day["volume"] * (day["high"] + day["low"] + day["close"]) / 3).sum())

    return sorted(PAIRS, key=volume, reverse=True)[:count]


VOLUME_CHAIN = [
    {"method": "VolumePairList", "number_assets": 3, "refresh_period": 3600},
    {"method": "AgeFilter", "min_days_listed": 2},
]


@pytest.fixture
def volume_bot(db, tmp_path):
    config = load_config(
        write_config(
            tmp_path / "config.json",
            exchange={"pair_whitelist": [], "replay": {"speed": 0, "start": "20180115-0100"}},
            pairlists=VOLUME_CHAIN,
        )
    )
    return build_running_bot(config)


def test_volume_pairlist_picks_the_engines_pairs_and_refreshes(volume_bot):
    bot = volume_bot
    engine = Engine(bot)
    engine.iteration()
    start = bot.exchange.now()
    assert bot.current_whitelist() == ["ETH/BTC", "ETC/BTC", "ADA/BTC"] == top_by_volume(start, 3)
    # At 01:50 ADA/BTC passes ETC/BTC; the list stands until its hour (refresh_period) is up.
    while bot.exchange.now() < start + timedelta(minutes=55):
        engine.step()
    assert top_by_volume(bot.exchange.now(), 3) == ["ETH/BTC", "ADA/BTC", "ETC/BTC"]
    assert bot.current_whitelist() == ["ETH/BTC", "ETC/BTC", "ADA/BTC"]
    while bot.exchange.now() < start + timedelta(minutes=65):
        engine.step()
    assert bot.current_whitelist() == ["ETH/BTC", "ADA/BTC", "ETC/BTC"]


def test_blacklist_applies_to_a_generated_whitelist(volume_bot):
    bot = volume_bot
    engine = Engine(bot)
    engine.iteration()
    first = bot.current_whitelist()[0]
    bot.blacklist.append(first)
    bot.pairlist_chain.handlers[0]._cache.clear()  # as after its refresh period
    engine.iteration()
    assert first not in bot.current_whitelist()
    assert len(bot.current_whitelist()) == 3


def test_a_bad_handler_parameter_stops_the_start_naming_the_key(tmp_path):
    path = write_config(
        tmp_path / "config.json",
        pairlists=[{"method": "StaticPairList"}, {"method": "PriceFilter", "min_price": "low"}],
    )
    with pytest.raises(ConfigError, match=r"pairlists\.1\.min_price: must be a number"):
        load_config(path)


def test_a_reloaded_config_brings_its_own_chain(volume_bot):
    bot = volume_bot
    engine = Engine(bot)
    engine.iteration()
    assert bot.current_whitelist() == ["ETH/BTC", "ETC/BTC", "ADA/BTC"]
    bot.config = replace(
        bot.config,
        pairlists=(
            {"method": "VolumePairList", "number_assets": 3},
            {"method": "OffsetFilter", "offset": 1},
        ),
    )  # what reload_config does with the re-read file
    engine.iteration()
    assert bot.current_whitelist() == ["ETC/BTC", "ADA/BTC"]
    assert bot.pairlist_chain.name_list == ["VolumePairList", "OffsetFilter"]
