"""performance / entries / exits / mix_tags, stats and balance on hand-built trades."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.serializers.stats import balance_body, group_profit_body, performance_body, stats_body
from bot_engine.selectors.balance import balance_summary
from bot_engine.selectors.performance import (
    entry_tag_performance,
    exit_reason_performance,
    mix_tag_performance,
    pair_performance,
)
from bot_engine.selectors.stats import trade_stats
from tests.fixtures.freqtrade_data import (
    freqtrade_bot_config,
    make_bot_row,
    make_closed_trade,
    make_open_trade,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture(name="bot_with_tagged_trades")
def fixture_bot():
    bot_with_tagged_trades = make_bot_row()
    trades = [  # (pair, open, close, amount, enter_tag, exit_reason, minutes)
        ("ETH/BTC", 1.0, 1.1, 10.0, "a", "roi", 60),  # +1.0, ratio 0.1
        ("ETH/BTC", 2.0, 1.8, 10.0, "a", "stop_loss", 120),  # −2.0, ratio −0.1
        ("LTC/BTC", 1.0, 1.5, 2.0, None, "roi", 30),  # +1.0, ratio 0.5
        ("LTC/BTC", 1.0, 1.0, 4.0, "b", None, 10),  # 0.0 (a draw)
    ]
    for trade_id, (pair, open_rate, close_rate, amount, tag, reason, minutes) in enumerate(
        trades, start=1
    ):
        make_closed_trade(
            bot_with_tagged_trades,
            trade_id,
            pair=pair,
            open_rate=open_rate,
            close_rate=close_rate,
            amount=amount,
            enter_tag=tag,
            exit_reason=reason,
            opened=T0,
            closed=T0 + timedelta(minutes=minutes),
        )
    return bot_with_tagged_trades


def test_pair_performance(bot_with_tagged_trades):
    assert performance_body(pair_performance(bot_id=bot_with_tagged_trades.pk)) == [
        # Σ profit_abs / Σ entry stake: 1.0 / (2·1 + 4·1) and −1.0 / (10·1 + 10·2)
        {
            "pair": "LTC/BTC",
            "profit_ratio": 1.0 / 6.0,
            "profit": 16.67,
            "profit_pct": 16.67,
            "profit_abs": 1.0,
            "count": 2,
        },
        {
            "pair": "ETH/BTC",
            "profit_ratio": -1.0 / 30.0,
            "profit": -3.33,
            "profit_pct": -3.33,
            "profit_abs": -1.0,
            "count": 2,
        },
    ]


def test_entry_and_exit_performance(bot_with_tagged_trades):
    entries = group_profit_body(
        "enter_tag", entry_tag_performance(bot_id=bot_with_tagged_trades.pk)
    )
    assert [(r["enter_tag"], r["profit_abs"], r["count"]) for r in entries] == [
        ("Other", 1.0, 1),
        ("b", 0.0, 1),
        ("a", -1.0, 2),
    ]
    assert entries[0]["profit_ratio"] == 0.5
    exits = group_profit_body(
        "exit_reason", exit_reason_performance(bot_id=bot_with_tagged_trades.pk)
    )
    assert [(r["exit_reason"], r["profit_abs"], r["count"]) for r in exits] == [
        ("roi", 2.0, 2),
        ("Other", 0.0, 1),
        ("stop_loss", -2.0, 1),
    ]
    assert exits[0]["profit_ratio"] == 2.0 / 12.0
    assert group_profit_body(
        "exit_reason", exit_reason_performance(bot_id=bot_with_tagged_trades.pk, pair="LTC/BTC")
    ) == [
        {
            "exit_reason": "roi",
            "profit_ratio": 0.5,
            "profit_pct": 50.0,
            "profit_abs": 1.0,
            "count": 1,
        },
        {
            "exit_reason": "Other",
            "profit_ratio": 0.0,
            "profit_pct": 0.0,
            "profit_abs": 0.0,
            "count": 1,
        },
    ]


def test_mix_tags_follow_the_best_single_trade(bot_with_tagged_trades):
    rows = group_profit_body("mix_tag", mix_tag_performance(bot_id=bot_with_tagged_trades.pk))
    # Trades by profit_abs: +1.0 (a roi, id 1), +1.0 (Other roi, id 3), 0.0, −2.0 (a stop_loss)
    assert [(r["mix_tag"], r["profit_abs"], r["count"]) for r in rows] == [
        ("a roi", 1.0, 1),
        ("Other roi", 1.0, 1),
        ("b Other", 0.0, 1),
        ("a stop_loss", -2.0, 1),
    ]
    assert rows[1]["profit_ratio"] == 0.5  # Σ of per-trade ratios
    assert all(r["profit_pct"] == round(r["profit_ratio"] * 100, 2) for r in rows)


def test_empty_bot_has_no_rows():
    bot_with_tagged_trades = make_bot_row()
    assert performance_body(pair_performance(bot_id=bot_with_tagged_trades.pk)) == []
    assert (
        group_profit_body("enter_tag", entry_tag_performance(bot_id=bot_with_tagged_trades.pk))
        == []
    )
    assert (
        group_profit_body(
            "exit_reason", exit_reason_performance(bot_id=bot_with_tagged_trades.pk, pair="ETH/BTC")
        )
        == []
    )
    assert group_profit_body("mix_tag", mix_tag_performance(bot_id=bot_with_tagged_trades.pk)) == []
    assert stats_body(trade_stats(bot_id=bot_with_tagged_trades.pk)) == {
        "exit_reasons": {},
        "durations": {"wins": None, "losses": None, "draws": None},
    }


def test_stats(bot_with_tagged_trades):
    assert stats_body(trade_stats(bot_id=bot_with_tagged_trades.pk)) == {
        "exit_reasons": {
            "roi": {"wins": 2, "losses": 0, "draws": 0},
            "stop_loss": {"wins": 0, "losses": 1, "draws": 0},
            "Other": {"wins": 0, "losses": 0, "draws": 1},
        },
        "durations": {"wins": 45 * 60.0, "losses": 120 * 60.0, "draws": 10 * 60.0},
    }


def test_balance_with_an_open_trade():
    bot_with_tagged_trades = make_bot_row()
    make_open_trade(bot_with_tagged_trades, 1, open_rate=2.0, amount=10.0, opened=T0)  # stake 20
    body = balance_body(
        balance_summary(
            bot_id=bot_with_tagged_trades.pk,
            config=freqtrade_bot_config(),
            current_rates={"ETH/BTC": 2.5},
        )
    )
    eth, btc = body["currencies"]
    assert (eth["currency"], eth["free"], eth["used"], eth["balance"]) == ("ETH", 10.0, 0.0, 10.0)
    assert (eth["bot_owned"], eth["est_stake"], eth["est_stake_bot"]) == (10.0, 25.0, 25.0)
    assert eth["is_bot_managed"] is True
    assert (btc["currency"], btc["free"], btc["balance"], btc["used"]) == ("BTC", 980.0, 980.0, 0.0)
    available = (980.0 + 20.0) * 0.99 - 20.0  # total stake amount − open stakes
    assert (btc["bot_owned"], btc["est_stake"], btc["est_stake_bot"]) == (
        available,
        980.0,
        available,
    )
    assert body["total"] == 25.0 + 980.0
    assert body["total_bot"] == 25.0 + available
    assert body["starting_capital"] == 990.0
    assert body["starting_capital_ratio"] == (25.0 + available) / 990.0 - 1
    assert body["starting_capital_pct"] == round(body["starting_capital_ratio"] * 100, 2)
    assert (body["note"], body["symbol"], body["stake"]) == ("Simulated balances", "", "BTC")


def test_balance_without_a_price_values_the_coin_at_zero():
    bot_with_tagged_trades = make_bot_row()
    make_open_trade(bot_with_tagged_trades, 1, open_rate=2.0, amount=10.0, opened=T0)
    eth = balance_body(
        balance_summary(
            bot_id=bot_with_tagged_trades.pk, config=freqtrade_bot_config(), current_rates={}
        )
    )["currencies"][0]
    assert (eth["balance"], eth["est_stake"], eth["est_stake_bot"]) == (10.0, 0.0, 0.0)
