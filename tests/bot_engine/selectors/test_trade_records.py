"""Trade selectors and the records they return: pages, open trades, prices (contract §3.2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot_engine.selectors.trade_records import price_to_precision
from bot_engine.selectors.trades import (
    closed_trades_page,
    get_trade,
    open_trades,
    open_trades_count_and_stake,
)
from tests.fixtures.freqtrade_data import make_bot_row, make_closed_trade, make_open_trade

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)


def test_trade_selectors():
    bot = make_bot_row()
    make_closed_trade(
        bot, 1, open_rate=1.0, close_rate=1.1, opened=T0, closed=T0 + timedelta(hours=2)
    )
    make_closed_trade(
        bot, 2, open_rate=1.0, close_rate=1.1, opened=T0, closed=T0 + timedelta(hours=1)
    )
    make_open_trade(bot, 3, open_rate=2.0, amount=3.0, opened=T0)
    make_open_trade(bot, 4, open_rate=0.5, amount=2.0, opened=T0)

    page = closed_trades_page(bot_id=bot.pk, limit=500, offset=0)
    assert [record.trade.trade_id for record in page.trades] == [1, 2]
    assert (page.offset, page.total) == (0, 2)
    newest_first = closed_trades_page(bot_id=bot.pk, limit=1, offset=0, order_by_id=False)
    assert [record.trade.trade_id for record in newest_first.trades] == [1]
    assert newest_first.total == 2
    assert closed_trades_page(bot_id=bot.pk, limit=10, offset=5).trades == []

    assert [t.trade_id for t in open_trades(bot_id=bot.pk)] == [3, 4]
    assert open_trades_count_and_stake(bot_id=bot.pk) == (2, 2.0 * 3.0 + 0.5 * 2.0)
    assert get_trade(bot_id=bot.pk, trade_id=99) is None


def test_trades_page_query_count(django_assert_num_queries):
    bot = make_bot_row()
    for trade_id in range(1, 6):
        make_closed_trade(
            bot,
            trade_id,
            open_rate=1.0,
            close_rate=1.1,
            opened=T0,
            closed=T0 + timedelta(hours=trade_id),
        )
    with django_assert_num_queries(3):  # page, its orders, the count
        closed_trades_page(bot_id=bot.pk, limit=500, offset=0)


@pytest.mark.parametrize(
    ("price", "precision", "mode", "expected"),
    [
        (-3.4499999999999996e-06, 1e-08, 4, -3.45e-06),
        (1.23456789, 0.01, 4, 1.23),
        (1.235, 0.01, 4, 1.24),  # ties away from zero, like ccxt's ROUND
        (-1.235, 0.01, 4, -1.24),
        (1.23456, 3, 2, 1.235),  # decimal places
        (1.23456, None, 4, 1.23456),
    ],
)
def test_price_to_precision(price, precision, mode, expected):
    assert price_to_precision(price, precision, mode) == expected
