"""The ShowConfig body (contract §2.9) against its declaration: one table for schema and bytes."""

from __future__ import annotations

from api.serializers.info import (
    PRICING_KEYS,
    SHOW_CONFIG_KEYS,
    UNFILLED_TIMEOUT_KEYS,
    show_config_body,
)
from tests.fixtures.freqtrade_data import freqtrade_bot_config


def test_show_config_keys_in_the_declared_order():
    body = show_config_body(config=freqtrade_bot_config(), state="", runmode="webserver")
    assert list(body) == [key for key, *_ in SHOW_CONFIG_KEYS]
    assert list(body["unfilledtimeout"]) == [key for key, *_ in UNFILLED_TIMEOUT_KEYS]
    for side in ("entry_pricing", "exit_pricing"):
        assert list(body[side]) == [key for key, *_ in PRICING_KEYS]
