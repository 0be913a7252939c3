"""The statistics bodies (contract §3.4–3.7, §3.14) against their declarations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.serializers.profit import PROFIT_KEYS, profit_body
from api.serializers.stats import (
    BALANCE_KEYS,
    BALANCES_KEYS,
    PERFORMANCE_KEYS,
    TIME_UNIT_ENTRY_KEYS,
    TIME_UNIT_KEYS,
    balance_body,
    group_profit_body,
    performance_body,
    stats_body,
    time_unit_body,
)
from bot_engine.selectors.balance import balance_summary
from bot_engine.selectors.performance import (
    entry_tag_performance,
    exit_reason_performance,
    mix_tag_performance,
    pair_performance,
)
from bot_engine.selectors.profit import profit_summary
from bot_engine.selectors.stats import OUTCOMES, trade_stats
from bot_engine.selectors.timeunit import time_unit_profit
from tests.fixtures.freqtrade_data import (
    freqtrade_bot_config,
    freqtrade_response,
    make_bot_row,
    make_closed_trade,
    make_open_trade,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
# Entries, exits and mix tags: their key, then what /performance has after its ``profit``.
PERFORMANCE_KEYS_AFTER_PROFIT = ["profit_ratio", "profit_pct", "profit_abs", "count"]


def _body(bot, current_rates):
    summary = profit_summary(
        bot_id=bot.pk,
        config=freqtrade_bot_config(),
        current_rates=current_rates,
        bot_start=None,
        now=T0 + timedelta(days=3),
    )
    return profit_body(summary)


@pytest.mark.parametrize("with_trades", [False, True])
def test_profit_keys_in_the_declared_order(with_trades):
    bot = make_bot_row()
    if with_trades:
        make_closed_trade(
            bot, 1, open_rate=1.0, close_rate=1.1, opened=T0, closed=T0 + timedelta(1)
        )
        make_open_trade(bot, 2, open_rate=2.0, opened=T0)
    body = _body(bot, {})
    assert list(body) == [key for key, *_ in PROFIT_KEYS]
    assert set(body) == set(freqtrade_response("profit"))  # the recording has sorted keys


def test_a_missing_rate_makes_the_all_sums_null_as_declared():
    bot = make_bot_row()
    make_closed_trade(bot, 1, open_rate=1.0, close_rate=1.1, opened=T0, closed=T0 + timedelta(1))
    make_open_trade(bot, 2, open_rate=2.0, opened=T0)
    body = _body(bot, {})
    nullable = {key for key, *spec in PROFIT_KEYS if spec[1]}
    assert {key for key, value in body.items() if value is None} <= nullable
    assert body["profit_all_coin"] is None
    assert body["profit_closed_coin"] is not None
    assert _body(bot, {"ETH/BTC": 2.0})["profit_all_coin"] is not None


def test_balance_keys_in_the_declared_order():
    bot = make_bot_row()
    make_open_trade(bot, 1, open_rate=2.0, opened=T0)
    summary = balance_summary(bot_id=bot.pk, config=freqtrade_bot_config(), current_rates={})
    body = balance_body(summary)
    assert list(body) == [key for key, *_ in BALANCES_KEYS]
    assert [list(coin) for coin in body["currencies"]] == [[key for key, *_ in BALANCE_KEYS]] * 2


def test_performance_time_unit_and_stats_keys_in_the_declared_order():
    bot = make_bot_row()
    make_closed_trade(bot, 1, open_rate=1.0, close_rate=1.1, opened=T0, closed=T0 + timedelta(1))
    config = freqtrade_bot_config()
    performance = performance_body(pair_performance(bot_id=bot.pk))
    assert [list(row) for row in performance] == [[key for key, *_ in PERFORMANCE_KEYS]]
    for key, rows in (
        ("enter_tag", entry_tag_performance(bot_id=bot.pk)),
        ("exit_reason", exit_reason_performance(bot_id=bot.pk)),
        ("mix_tag", mix_tag_performance(bot_id=bot.pk)),
    ):
        assert list(group_profit_body(key, rows)[0]) == [key, *PERFORMANCE_KEYS_AFTER_PROFIT]
    days = time_unit_body(
        time_unit_profit(bot_id=bot.pk, config=config, unit="days", timescale=2, now=T0)
    )
    assert list(days) == [key for key, *_ in TIME_UNIT_KEYS]
    assert list(days["data"][0]) == [key for key, *_ in TIME_UNIT_ENTRY_KEYS]
    stats = stats_body(trade_stats(bot_id=bot.pk))
    assert list(stats["durations"]) == list(OUTCOMES)
    assert [list(counts) for counts in stats["exit_reasons"].values()] == [list(OUTCOMES)]
