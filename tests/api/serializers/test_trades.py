"""TradeFull / TradeOpen / TradeBase bodies of hand-built trades (contract §2.9, §3.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.serializers import trades as wire
from api.serializers.trades import trade_base, trade_full, trade_open
from bot_engine.selectors.trade_records import open_trade_record, trade_record
from bot_engine.selectors.trades import get_trade
from tests.fixtures.freqtrade_data import (
    freqtrade_response,
    make_bot_row,
    make_closed_trade,
    make_open_trade,
    make_order,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
TRADE_OPEN_KEYS = set(freqtrade_response("trade_1"))
TRADE_FULL_KEYS = set(freqtrade_response("trades_0")["trades"][0])
ORDER_BASE_KEYS = set(freqtrade_response("trade_1")["orders"][0])
ORDER_FULL_KEYS = set(freqtrade_response("trades_0")["trades"][0]["orders"][0])


def test_open_trade_at_the_current_rate():
    bot = make_bot_row()
    make_open_trade(bot, 1, open_rate=2.0, amount=10.0, fee=0.001, opened=T0)
    trade = get_trade(bot_id=bot.pk, trade_id=1)
    body = trade_open(open_trade_record(trade, current_rate=2.2))
    assert set(body) == TRADE_OPEN_KEYS
    assert {key for order in body["orders"] for key in order} == ORDER_BASE_KEYS
    # open value 10·2·1.001 = 20.02; close value 10·2.2·0.999 = 21.978
    assert body["current_rate"] == 2.2
    assert body["profit_abs"] == 1.958
    assert body["profit_ratio"] == 0.0978022  # 21.978 / 20.02 − 1, 8 decimals
    assert body["profit_pct"] == 9.78
    assert body["total_profit_abs"] == 1.958
    assert body["total_profit_ratio"] == round(1.958 / (20 * 1.001), 8)
    assert body["close_profit"] is None
    assert (body["profit_fiat"], body["total_profit_fiat"]) == (None, None)
    # stop 1.8: 1.8 − 2.2 on the 1e-8 tick, / 2.2
    assert body["stoploss_current_dist"] == -0.4
    assert body["stoploss_current_dist_ratio"] == round(-0.4 / 2.2, 8)
    assert body["stoploss_current_dist_pct"] == -18.18
    # closing at the stop: 10·1.8·0.999 − 20.02
    assert body["stoploss_entry_dist"] == -2.038
    assert body["stoploss_entry_dist_ratio"] == round(17.982 / 20.02 - 1, 8)
    assert body["nr_of_successful_entries"] == 1
    assert body["open_fill_date"] == "2024-01-01 10:00:00"


def test_open_trade_without_a_price():
    bot = make_bot_row()
    make_open_trade(bot, 1, open_rate=2.0, opened=T0)
    trade = get_trade(bot_id=bot.pk, trade_id=1)
    body = trade_open(open_trade_record(trade, current_rate=None))
    assert body["current_rate"] is None
    assert (body["profit_ratio"], body["profit_abs"], body["profit_pct"]) == (None, None, None)
    assert (body["total_profit_abs"], body["total_profit_ratio"]) == (0.0, None)
    assert body["stoploss_current_dist"] is None
    assert body["stoploss_current_dist_ratio"] is None


def test_open_trade_without_a_filled_entry():
    bot = make_bot_row()
    make_open_trade(bot, 1, open_rate=2.0, opened=T0, filled=False)
    trade = get_trade(bot_id=bot.pk, trade_id=1)
    body = trade_open(open_trade_record(trade, current_rate=2.5))
    assert (body["profit_ratio"], body["profit_abs"], body["profit_pct"]) == (0.0, 0.0, 0.0)
    assert (body["total_profit_abs"], body["total_profit_ratio"]) == (0.0, None)
    assert body["nr_of_successful_entries"] == 0
    assert (body["open_fill_date"], body["open_fill_timestamp"]) == (None, None)
    assert body["has_open_orders"] is True
    assert [order["status"] for order in body["orders"]] == ["open"]


def test_orders_are_the_filled_or_open_ones():
    bot = make_bot_row()
    trade = make_open_trade(bot, 1, open_rate=2.0, opened=T0)
    make_order(trade, "buy", amount=5.0, price=1.9, at=T0, filled=False, status="canceled")
    make_order(
        trade, "stoploss", amount=10.0, price=1.8, at=T0 + timedelta(minutes=5), filled=False
    )
    trade = get_trade(bot_id=bot.pk, trade_id=1)
    body = trade_full(trade_record(trade, trade.orders.all()))
    assert set(body) == TRADE_FULL_KEYS
    assert {key for order in body["orders"] for key in order} == ORDER_FULL_KEYS
    # the cancelled, unfilled entry is left out; the open stoploss order is shown
    assert [(o["ft_order_side"], o["status"]) for o in body["orders"]] == [
        ("buy", "closed"),
        ("stoploss", "open"),
    ]
    assert body["has_open_orders"] is False  # stoploss orders do not count
    assert body["stoploss_last_update"] == "2024-01-01 10:05:00"
    assert body["stoploss_last_update_timestamp"] == int(
        (T0 + timedelta(minutes=5)).timestamp() * 1000
    )


def test_trade_full_of_a_closed_trade():
    bot = make_bot_row()
    make_closed_trade(
        bot,
        7,
        open_rate=1.0,
        close_rate=1.0,
        opened=T0,
        closed=T0 + timedelta(minutes=90, seconds=30),
    )
    trade = get_trade(bot_id=bot.pk, trade_id=7)
    body = trade_full(trade_record(trade, trade.orders.all()))
    assert (body["trade_duration_s"], body["trade_duration"]) == (5430, 90)
    # a zero close_profit gives null percentages (Freqtrade's truthiness quirk)
    assert (body["close_profit"], body["close_profit_pct"], body["profit_pct"]) == (0.0, None, None)
    assert body["realized_profit_ratio"] is None
    assert (body["nr_of_successful_entries"], body["nr_of_successful_exits"]) == (1, 1)
    assert [o["ft_is_entry"] for o in body["orders"]] == [True, False]


def test_trade_base_keys():
    bot = make_bot_row()
    make_open_trade(bot, 1, open_rate=2.0, opened=T0)
    trade = get_trade(bot_id=bot.pk, trade_id=1)
    body = trade_base(trade_record(trade, trade.orders.all()))
    assert set(body) == TRADE_FULL_KEYS - {
        "trade_duration",
        "trade_duration_s",
        "precision_mode_price",
        "contract_size",
    } | {"profit_fiat"}
    assert {key for order in body["orders"] for key in order} == ORDER_BASE_KEYS


def _declared(keys) -> list[str]:
    return [entry[0] for entry in keys]


def test_bodies_have_the_declared_keys_in_order():
    """The key tables drive the OpenAPI schema; the bodies must carry exactly those keys."""
    bot = make_bot_row()
    make_open_trade(bot, 1, open_rate=2.0, opened=T0)
    make_closed_trade(bot, 2, open_rate=1.0, close_rate=1.1, opened=T0, closed=T0)
    trade = get_trade(bot_id=bot.pk, trade_id=1)
    opened = trade_open(open_trade_record(trade, current_rate=2.2))
    assert list(opened) == _declared(wire.TRADE_OPEN_KEYS)
    assert list(opened["orders"][0]) == _declared(wire.ORDER_BASE_KEYS)
    based = trade_base(trade_record(trade, trade.orders.all()))
    assert list(based) == _declared(wire.TRADE_BASE_KEYS)
    closed = get_trade(bot_id=bot.pk, trade_id=2)
    full = trade_full(trade_record(closed, closed.orders.all()))
    assert list(full) == [*_declared(wire.TRADE_FULL_KEYS), "orders"]
    assert list(full["orders"][0]) == _declared(wire.ORDER_FULL_KEYS)
