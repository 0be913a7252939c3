"""Two bots in one database: every selector sees its own bot's trades and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.serializers.profit import profit_body
from api.serializers.stats import (
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
from bot_engine.selectors.stats import trade_stats
from bot_engine.selectors.timeunit import time_unit_profit
from bot_engine.selectors.trades import (
    closed_trades_page,
    get_trade,
    open_trades,
    open_trades_count_and_stake,
)
from tests.fixtures.freqtrade_data import (
    freqtrade_bot_config,
    make_bot_row,
    make_closed_trade,
    make_open_trade,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
NOW = datetime(2024, 1, 10, tzinfo=UTC)


@pytest.fixture(name="two_bots_with_trades")
def fixture_bots():
    """Both bots number their trades from 1; only the pairs and amounts tell them apart."""
    mine, other = make_bot_row("mine"), make_bot_row("other")
    make_closed_trade(
        mine,
        1,
        pair="ETH/BTC",
        open_rate=1.0,
        close_rate=1.1,
        opened=T0,
        closed=T0 + timedelta(hours=1),
        enter_tag="mine",
        exit_reason="roi",
    )
    make_open_trade(mine, 2, pair="ETH/BTC", open_rate=1.0, amount=1.0, opened=T0)
    for trade_id in (1, 2, 3):
        make_closed_trade(
            other,
            trade_id,
            pair="XRP/BTC",
            open_rate=1.0,
            close_rate=0.5,
            amount=100.0,
            opened=T0,
            closed=T0 + timedelta(days=1),
            enter_tag="other",
            exit_reason="stop_loss",
        )
    make_open_trade(other, 4, pair="XRP/BTC", open_rate=1.0, amount=50.0, opened=T0)
    return mine, other


def test_selectors_only_see_their_bot(two_bots_with_trades):
    mine, _other = two_bots_with_trades
    config = freqtrade_bot_config()

    page = closed_trades_page(bot_id=mine.pk, limit=500, offset=0)
    assert [(r.trade.trade_id, r.trade.pair) for r in page.trades] == [(1, "ETH/BTC")]
    assert page.total == 1
    assert [t.pair for t in open_trades(bot_id=mine.pk)] == ["ETH/BTC"]
    assert open_trades_count_and_stake(bot_id=mine.pk) == (1, 1.0)
    assert get_trade(bot_id=mine.pk, trade_id=1).pair == "ETH/BTC"
    assert get_trade(bot_id=mine.pk, trade_id=3) is None

    body = profit_body(
        profit_summary(
            bot_id=mine.pk, config=config, current_rates={"ETH/BTC": 1.0}, bot_start=None, now=NOW
        )
    )
    assert (body["trade_count"], body["closed_trade_count"]) == (2, 1)
    assert body["profit_closed_coin"] == 1.0
    assert body["best_pair"] == "ETH/BTC"
    assert body["trading_volume"] == pytest.approx(10 * 1.0 + 10 * 1.1 + 1.0)

    assert [r["pair"] for r in performance_body(pair_performance(bot_id=mine.pk))] == ["ETH/BTC"]
    assert [
        r["enter_tag"]
        for r in group_profit_body("enter_tag", entry_tag_performance(bot_id=mine.pk))
    ] == ["mine"]
    assert [
        r["exit_reason"]
        for r in group_profit_body("exit_reason", exit_reason_performance(bot_id=mine.pk))
    ] == ["roi"]
    assert [
        r["mix_tag"] for r in group_profit_body("mix_tag", mix_tag_performance(bot_id=mine.pk))
    ] == ["mine roi"]
    assert list(stats_body(trade_stats(bot_id=mine.pk))["exit_reasons"]) == ["roi"]

    days = time_unit_body(
        time_unit_profit(bot_id=mine.pk, config=config, unit="days", timescale=10, now=NOW)
    )
    assert sum(row["trade_count"] for row in days["data"]) == 1
    assert days["data"][0]["starting_balance"] == (1000 + 1.0) * 0.99

    balance = balance_body(
        balance_summary(bot_id=mine.pk, config=config, current_rates={"ETH/BTC": 1.0})
    )
    assert [c["currency"] for c in balance["currencies"]] == ["ETH", "BTC"]
    assert balance["currencies"][1]["free"] == 1000 + 1.0 - 1.0


def test_the_other_bot_sees_its_own(two_bots_with_trades):
    _mine, other = two_bots_with_trades
    body = profit_body(
        profit_summary(
            bot_id=other.pk,
            config=freqtrade_bot_config(),
            current_rates={},
            bot_start=None,
            now=NOW,
        )
    )
    assert (body["trade_count"], body["closed_trade_count"]) == (4, 3)
    assert body["profit_closed_coin"] == -150.0
    assert body["best_pair"] == "XRP/BTC"
    assert closed_trades_page(bot_id=other.pk, limit=500, offset=0).total == 3
