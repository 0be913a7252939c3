"""Trading rules: a key the config file sets wins over the strategy; one it leaves out does not."""

from __future__ import annotations

import pytest

from bot_engine.config.builder import build_config
from bot_engine.engine.rules import TradingRules
from bot_engine.strategy.base import IStrategy


class _Strategy(IStrategy):
    use_exit_signal = False
    exit_profit_only = True
    exit_profit_offset = 0.02
    ignore_roi_if_entry_signal = True
    order_types = {"entry": "market", "exit": "market", "emergency_exit": "market"}

    def populate_indicators(self, dataframe, metadata):
        return dataframe


def rules_for(**config) -> TradingRules:
    return TradingRules.resolve(build_config(config, path=None), _Strategy({}))


def test_keys_the_file_leaves_out_are_the_strategys():
    rules = rules_for()
    assert (rules.use_exit_signal, rules.exit_profit_only) == (False, True)
    assert (rules.exit_profit_offset, rules.ignore_roi_if_entry_signal) == (0.02, True)
    assert rules.order_types == {
        "entry": "market",
        "exit": "market",
        "stoploss": "market",
        "stoploss_on_exchange": False,
        "emergency_exit": "market",
    }


@pytest.mark.parametrize("value", [True, False])
def test_a_flag_the_file_sets_wins_even_when_it_is_the_default(value):
    rules = rules_for(use_exit_signal=value, exit_profit_only=value)
    assert (rules.use_exit_signal, rules.exit_profit_only) == (value, value)


def test_exit_profit_offset_from_the_file_wins_even_when_zero():
    assert rules_for(exit_profit_offset=0).exit_profit_offset == 0.0


def test_order_types_from_the_file_win_over_the_strategys_and_empty_means_not_set():
    rules = rules_for(order_types={"exit": "limit"})
    # the file's keys over the defaults replace the strategy's; its extra keys stay
    assert rules.order_types == {
        "entry": "limit",
        "exit": "limit",
        "stoploss": "market",
        "stoploss_on_exchange": False,
        "emergency_exit": "market",
    }
    assert rules_for(order_types={}).order_types == rules_for().order_types
