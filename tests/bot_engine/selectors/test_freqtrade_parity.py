"""Selectors against the bodies Freqtrade 2026.9 returned for the same 2,000-trade database.

Numbers are compared with ``==``: the contract's formulas reproduce them to the last digit.
"""

from __future__ import annotations

import pytest

from api.serializers.profit import profit_body
from api.serializers.stats import (
    balance_body,
    group_profit_body,
    performance_body,
    stats_body,
    time_unit_body,
)
from api.serializers.trades import trade_open, trades_page
from bot_engine.selectors.balance import balance_summary
from bot_engine.selectors.performance import (
    entry_tag_performance,
    exit_reason_performance,
    mix_tag_performance,
    pair_performance,
)
from bot_engine.selectors.profit import profit_summary
from bot_engine.selectors.stats import trade_stats
from bot_engine.selectors.timeunit import time_unit_profit
from bot_engine.selectors.trade_records import open_trade_record
from bot_engine.selectors.trades import (
    closed_trades_page,
    get_trade,
    open_trades,
    open_trades_count_and_stake,
)
from tests.fixtures.freqtrade_data import (
    PARITY_NOW,
    fixture_freqtrade_2k_bot,  # noqa: F401 - registers the fixture
    fixture_freqtrade_config,  # noqa: F401 - registers the fixture
    freqtrade_response,
)

pytestmark = pytest.mark.django_db

CLOCK_DEPENDENT = {"first_trade_humanized", "latest_trade_humanized"}


@pytest.mark.parametrize(
    ("name", "limit", "offset"),
    [
        ("trades_0", 500, 0),
        ("trades_500", 500, 500),
        ("trades_tail", 100, 1950),
        ("trades_default", 500, 0),
    ],
)
def test_trades_pages(freqtrade_2k_bot, name, limit, offset):
    expected = freqtrade_response(name)
    page = closed_trades_page(bot_id=freqtrade_2k_bot.pk, limit=limit, offset=offset)
    assert trades_page(page) == expected


@pytest.mark.parametrize("trade_id", [1, 2, 777, 2000])
def test_trade_by_id(freqtrade_2k_bot, trade_id):
    trade = get_trade(bot_id=freqtrade_2k_bot.pk, trade_id=trade_id)
    body = trade_open(open_trade_record(trade, current_rate=None))
    assert body == freqtrade_response(f"trade_{trade_id}")


def test_status_and_count(freqtrade_2k_bot, freqtrade_config):
    assert open_trades(bot_id=freqtrade_2k_bot.pk) == freqtrade_response("status")
    current, total_stake = open_trades_count_and_stake(bot_id=freqtrade_2k_bot.pk)
    count = freqtrade_response("count")
    assert (current, total_stake, freqtrade_config.max_open_trades) == (
        count["current"],
        count["total_stake"],
        count["max"],
    )


def test_profit(freqtrade_2k_bot, freqtrade_config):
    body = profit_body(
        profit_summary(
            bot_id=freqtrade_2k_bot.pk,
            config=freqtrade_config,
            current_rates={},
            bot_start=freqtrade_2k_bot.bot_start_time,
            now=PARITY_NOW,
        )
    )
    expected = freqtrade_response("profit")
    assert body.keys() == expected.keys()
    differences = {
        key: (body[key], expected[key])
        for key in expected
        if key not in CLOCK_DEPENDENT and body[key] != expected[key]
    }
    assert differences == {}


def test_profit_without_stored_bot_start_uses_first_open(freqtrade_2k_bot, freqtrade_config):
    body = profit_body(
        profit_summary(
            bot_id=freqtrade_2k_bot.pk,
            config=freqtrade_config,
            current_rates={},
            bot_start=None,
            now=PARITY_NOW,
        )
    )
    expected = freqtrade_response("profit")
    assert (body["bot_start_date"], body["bot_start_timestamp"]) == (
        expected["bot_start_date"],
        expected["bot_start_timestamp"],
    )


def test_performance(freqtrade_2k_bot):
    assert performance_body(pair_performance(bot_id=freqtrade_2k_bot.pk)) == freqtrade_response(
        "performance"
    )


def test_entries(freqtrade_2k_bot):
    assert group_profit_body(
        "enter_tag", entry_tag_performance(bot_id=freqtrade_2k_bot.pk)
    ) == freqtrade_response("entries")


def test_exits(freqtrade_2k_bot):
    assert group_profit_body(
        "exit_reason", exit_reason_performance(bot_id=freqtrade_2k_bot.pk)
    ) == freqtrade_response("exits")


def test_mix_tags(freqtrade_2k_bot):
    """Row order, ratio, abs and count as Freqtrade; profit_pct by the formula (its slip)."""
    rows = group_profit_body("mix_tag", mix_tag_performance(bot_id=freqtrade_2k_bot.pk))
    expected = freqtrade_response("mix_tags")
    assert [row["mix_tag"] for row in rows] == [row["mix_tag"] for row in expected]
    for row, want in zip(rows, expected, strict=True):
        assert (row["profit_ratio"], row["profit_abs"], row["count"]) == (
            want["profit_ratio"],
            want["profit_abs"],
            want["count"],
        )
        assert row["profit_pct"] == round(row["profit_ratio"] * 100, 2)


def test_stats(freqtrade_2k_bot):
    assert stats_body(trade_stats(bot_id=freqtrade_2k_bot.pk)) == freqtrade_response("stats")


def test_balance(freqtrade_2k_bot, freqtrade_config):
    body = balance_body(
        balance_summary(bot_id=freqtrade_2k_bot.pk, config=freqtrade_config, current_rates={})
    )
    assert body == freqtrade_response("balance")


@pytest.mark.parametrize(
    ("name", "unit", "timescale"),
    [("daily", "days", 70), ("weekly", "weeks", 12), ("monthly", "months", 6)],
)
def test_time_units(freqtrade_2k_bot, freqtrade_config, name, unit, timescale):
    """Buckets compared by date (the recorded files keep those before 2018-03-01)."""
    body = time_unit_body(
        time_unit_profit(
            bot_id=freqtrade_2k_bot.pk,
            config=freqtrade_config,
            unit=unit,
            timescale=timescale,
            now=PARITY_NOW,
        )
    )
    expected = freqtrade_response(name)
    assert {k: v for k, v in body.items() if k != "data"} == {
        k: v for k, v in expected.items() if k != "data"
    }
    ours = {row["date"]: row for row in body["data"]}
    for row in expected["data"]:
        assert ours[row["date"]] == row
