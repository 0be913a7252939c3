"""time_unit_profit buckets on hand-built trades (contract §3.5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from api.serializers.stats import time_unit_body
from bot_engine.selectors.timeunit import period_starts, time_unit_profit
from tests.fixtures.freqtrade_data import freqtrade_bot_config, make_bot_row, make_closed_trade

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 1, 5, 12, 0, tzinfo=UTC)  # a Friday


@pytest.fixture(name="bot_with_dated_trades")
def fixture_bot():
    bot_with_dated_trades = make_bot_row()
    opened = datetime(2023, 12, 31, tzinfo=UTC)
    # 2024-01-02: +1.0 and +2.0; 2024-01-04 00:00:00 exactly: −0.5
    make_closed_trade(
        bot_with_dated_trades,
        1,
        open_rate=1.0,
        close_rate=1.1,
        opened=opened,
        closed=datetime(2024, 1, 2, 8, 0, tzinfo=UTC),
    )
    make_closed_trade(
        bot_with_dated_trades,
        2,
        open_rate=1.0,
        close_rate=1.2,
        opened=opened,
        closed=datetime(2024, 1, 2, 23, 59, 59, 999999, tzinfo=UTC),
    )
    make_closed_trade(
        bot_with_dated_trades,
        3,
        open_rate=1.0,
        close_rate=0.95,
        opened=opened,
        closed=datetime(2024, 1, 4, tzinfo=UTC),
    )
    return bot_with_dated_trades


def test_daily_buckets(bot_with_dated_trades):
    body = time_unit_body(
        time_unit_profit(
            bot_id=bot_with_dated_trades.pk,
            config=freqtrade_bot_config(),
            unit="days",
            timescale=5,
            now=NOW,
        )
    )
    assert body["stake_currency"] == "BTC"
    assert body["fiat_display_currency"] == ""
    rows = body["data"]
    assert [row["date"] for row in rows] == [
        "2024-01-05",
        "2024-01-04",
        "2024-01-03",
        "2024-01-02",
        "2024-01-01",
    ]
    assert [row["trade_count"] for row in rows] == [0, 1, 0, 2, 0]
    assert [row["abs_profit"] for row in rows] == [0.0, -0.5, 0.0, 3.0, 0.0]
    # Backwards from the total stake amount (1000 + 2.5) · 0.99, one period at a time.
    balance = (1000 + 2.5) * 0.99
    expected = []
    for profit in (0.0, -0.5, 0.0, 3.0, 0.0):
        balance -= profit
        expected.append(balance)
    assert [row["starting_balance"] for row in rows] == expected
    assert rows[1]["rel_profit"] == round(-0.5 / expected[1], 8)
    assert rows[0]["rel_profit"] == 0.0
    assert all(row["fiat_value"] == 0.0 for row in rows)


def test_weekly_and_monthly_buckets(bot_with_dated_trades):
    weekly = time_unit_body(
        time_unit_profit(
            bot_id=bot_with_dated_trades.pk,
            config=freqtrade_bot_config(),
            unit="weeks",
            timescale=2,
            now=NOW,
        )
    )["data"]
    assert [(row["date"], row["trade_count"], row["abs_profit"]) for row in weekly] == [
        ("2024-01-01", 3, 2.5),
        ("2023-12-25", 0, 0.0),
    ]
    monthly = time_unit_body(
        time_unit_profit(
            bot_id=bot_with_dated_trades.pk,
            config=freqtrade_bot_config(),
            unit="months",
            timescale=3,
            now=NOW,
        )
    )["data"]
    assert [row["date"] for row in monthly] == ["2024-01-01", "2023-12-01", "2023-11-01"]
    assert [row["trade_count"] for row in monthly] == [3, 0, 0]


def test_trades_after_the_newest_period_are_left_out(bot_with_dated_trades):
    body = time_unit_body(
        time_unit_profit(
            bot_id=bot_with_dated_trades.pk,
            config=freqtrade_bot_config(),
            unit="days",
            timescale=2,
            now=datetime(2024, 1, 3, tzinfo=UTC),
        )
    )
    assert [(row["date"], row["trade_count"]) for row in body["data"]] == [
        ("2024-01-03", 0),
        ("2024-01-02", 2),
    ]


def test_empty_bot_lists_every_period():
    bot_with_dated_trades = make_bot_row()
    body = time_unit_body(
        time_unit_profit(
            bot_id=bot_with_dated_trades.pk,
            config=freqtrade_bot_config(),
            unit="days",
            timescale=7,
            now=NOW,
        )
    )
    assert len(body["data"]) == 7
    assert {row["starting_balance"] for row in body["data"]} == {990.0}


def test_period_starts():
    assert period_starts("weeks", 2, date(2024, 1, 7)) == [date(2024, 1, 1), date(2023, 12, 25)]
    assert period_starts("months", 3, date(2024, 2, 29)) == [
        date(2024, 2, 1),
        date(2024, 1, 1),
        date(2023, 12, 1),
    ]
    assert period_starts("days", 2, date(2024, 3, 1)) == [date(2024, 3, 1), date(2024, 2, 29)]


@pytest.mark.parametrize(("unit", "timescale"), [("hours", 1), ("days", 0)])
def test_bad_arguments(unit, timescale):
    with pytest.raises(ValueError):
        time_unit_body(
            time_unit_profit(
                bot_id=1,
                config=freqtrade_bot_config(),
                unit=unit,
                timescale=timescale,
                now=NOW - timedelta(days=1),
            )
        )
