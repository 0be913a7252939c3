"""Freqtrade's strategy callbacks in the live engine, on the bundled replay data at speed 0.

One strategy file per behaviour (tests/data/strategies/callbacks/); each test reads the trades
and orders a user sees (the bot's rows) after the engine ran over the same candles.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot_engine.models import Order, PairLock, Trade
from tests.fixtures.engine import TEST_STRATEGIES, run_candles

CALLBACKS = str(TEST_STRATEGIES / "callbacks")
CANDLES = 800
CANDLE = timedelta(minutes=5)


def run(make_running_bot, strategy: str, **changes):
    bot = make_running_bot(strategy=strategy, strategy_path=CALLBACKS, **changes)
    run_candles(bot, CANDLES)
    trades = list(Trade.objects.for_bot(bot.bot_id).order_by("trade_id"))
    return bot, trades


def cash_flow(trade: Trade) -> float:
    """What the trade's filled orders paid and received, fees included."""
    total = 0.0
    for order in trade.orders.filter(filled__gt=0):
        value = order.filled * order.average
        if order.ft_order_side == "buy":
            total -= value * (1 + trade.fee_open)
        else:
            total += value * (1 - trade.fee_close)
    return total


def test_custom_stoploss_raises_the_stop_and_never_lowers_it(make_running_bot):
    _bot, trades = run(make_running_bot, "CustomStoplossStrategy")
    closed = [t for t in trades if not t.is_open]
    assert closed
    for trade in trades:
        # The strategy answers -50 % while a trade is not 1 % up: the -10 % stop stays.
        assert trade.stop_loss >= trade.initial_stop_loss
        assert trade.initial_stop_loss == pytest.approx(
            trade.open_rate * 0.9, abs=1e-8
        )  # on the tick
    trailed = [t for t in closed if t.exit_reason == "trailing_stop_loss"]
    # No ROI, no exit signal: only the stops close trades, the raised one or the initial one.
    assert {t.exit_reason for t in closed} == {"trailing_stop_loss", "stop_loss"}
    for trade in closed:
        if trade.exit_reason == "stop_loss":
            assert trade.stop_loss == trade.initial_stop_loss
    for trade in trailed:
        assert trade.stop_loss > trade.initial_stop_loss
        assert trade.stop_loss_pct == pytest.approx(-0.02)
        assert trade.close_profit > -0.05  # far above the -10 % stoploss
    assert any(t.close_profit > 0 for t in trailed)


def test_custom_entry_and_exit_prices_within_the_allowed_distance(make_running_bot):
    bot, trades = run(make_running_bot, "CustomPricesStrategy")
    proposed = bot.strategy.proposed
    buys = list(Order.objects.filter(bot_id=bot.bot_id, ft_order_side="buy").order_by("id"))
    sells = list(Order.objects.filter(bot_id=bot.bot_id, ft_order_side="sell").order_by("id"))
    assert len(buys) >= 3
    assert sells
    asked = {
        side: [(pair, rate) for s, pair, rate in proposed if s == side] for side in ["buy", "sell"]
    }
    # Each entry order rests 2 % under the proposed price (the strategy asked for 50 %).
    for order in buys:
        rates = [rate for pair, rate in asked["buy"] if pair == order.ft_pair]
        assert any(order.price == pytest.approx(rate * 0.98, abs=1e-8) for rate in rates)
    # Entries under the market fill later or time out: some trades vanished with their order.
    assert len(asked["buy"]) > len({t.trade_id for t in trades})
    for order in sells:
        if order.ft_order_tag in ("roi", "exit_signal"):
            rates = [rate for pair, rate in asked["sell"] if pair == order.ft_pair]
            assert any(order.price == pytest.approx(rate * 1.005, abs=1e-8) for rate in rates)


def test_custom_exit_price_on_stoploss_exits(make_running_bot):
    """Freqtrade's bot asks custom_exit_price for a limit stoploss exit, not for a market one."""
    bot, trades = run(make_running_bot, "StopExitPriceStrategy")
    stops = list(
        Order.objects.filter(bot_id=bot.bot_id, ft_order_side="sell", ft_order_tag="stop_loss")
    )
    assert len(stops) >= 3
    asked = bot.strategy.asked
    assert {tag for _pair, tag, _rate in asked} == {"stop_loss"}
    for order in stops:  # each rests where the strategy priced it, 0.5 % under the proposal
        rates = [rate for pair, _tag, rate in asked if pair == order.ft_pair]
        assert any(order.price == pytest.approx(rate * 0.995, abs=1e-8) for rate in rates)
    market_bot, market_trades = run(
        make_running_bot,
        "StopExitPriceStrategy",
        order_types={"entry": "limit", "exit": "limit", "stoploss": "market"},
    )
    assert any(t.exit_reason == "stop_loss" for t in market_trades)
    assert market_bot.strategy.asked == []


def test_custom_stake_amount_zero_skips_the_entry(make_running_bot):
    _bot, trades = run(make_running_bot, "StakeSkipStrategy")
    assert trades
    assert {t.pair for t in trades} == {"XLM/BTC"}  # ETH/BTC signals, always skipped
    for trade in trades:
        assert trade.stake_amount == pytest.approx(0.025, rel=1e-6)  # half the 0.05 proposed


def test_adjust_trade_position_adds_and_partly_exits(make_running_bot):
    bot, trades = run(make_running_bot, "DcaStrategy")
    closed = [t for t in trades if not t.is_open]
    dca = [t for t in closed if t.orders.filter(ft_order_tag="dca_add").exists()]
    partial = [t for t in closed if t.orders.filter(ft_order_tag="take_half").exists()]
    assert dca and partial
    for trade in trades:
        buys = trade.select_filled_orders("buy")
        assert len(buys) <= 2  # max_entry_position_adjustment = 1
    for trade in dca:
        buys = trade.select_filled_orders("buy")
        sells = trade.select_filled_orders("sell")
        if len(sells) == 1:  # no partial exit: the open rate is the average of the entries
            bought = sum(o.filled for o in buys)
            average = sum(o.filled * o.average for o in buys) / bought
            assert trade.open_rate == pytest.approx(average, rel=1e-12)
            assert trade.stake_amount == pytest.approx(bought * average)
            assert sells[0].filled == pytest.approx(bought)
        # The stop stays where the first entry put it.
        assert trade.initial_stop_loss == pytest.approx(buys[0].average * 0.9, abs=1e-8)
    for trade in partial:
        sells = trade.select_filled_orders("sell")
        assert len(sells) == 2
        assert sells[0].ft_order_tag == "take_half"
        assert trade.exit_reason == sells[1].ft_order_tag
        assert trade.amount == pytest.approx(sells[1].filled)
    for trade in closed:
        # Realised profit over every order: what the fills paid and received.
        assert trade.close_profit_abs == pytest.approx(cash_flow(trade), abs=2e-8)
    # confirm_trade_entry is asked before a new trade's entry, not before an add-on order
    # (Freqtrade asks only for the initial entry).
    entries = Order.objects.filter(bot_id=bot.bot_id, ft_order_side="buy")
    assert len(bot.strategy.confirmed) == entries.exclude(ft_order_tag="dca_add").count()
    # confirm_trade_exit: asked for each full exit, never for a partial one.
    asked = {reason for _pair, reason in bot.strategy.exits_confirmed}
    assert "take_half" not in asked
    assert {t.exit_reason for t in closed} <= asked


def test_order_filled_and_check_exit_timeout(make_running_bot):
    bot, trades = run(make_running_bot, "OrderCallbacksStrategy")
    filled = list(Order.objects.filter(bot_id=bot.bot_id, filled__gt=0).order_by("id"))
    assert sorted(bot.strategy.filled) == sorted(
        (o.order_id, o.ft_order_side, o.trade.trade_id) for o in filled
    )
    cancelled = list(
        Order.objects.filter(bot_id=bot.bot_id, ft_order_side="sell", status="canceled")
    )
    assert cancelled
    for order in cancelled:
        # The strategy's check_exit_timeout cancels a candle after placing, not the config's
        # 10 minutes.
        assert order.ft_cancel_reason == "timeout"
        assert order.order_update_date - order.order_date == CANDLE


def reentry_gaps(trades: list[Trade]) -> list[timedelta]:
    """Per pair, from each exit to the next entry."""
    gaps = []
    for pair in {t.pair for t in trades}:
        mine = sorted((t for t in trades if t.pair == pair), key=lambda t: t.open_date)
        gaps += [b.open_date - a.close_date for a, b in zip(mine, mine[1:], strict=False)]
    return gaps


def test_protections_of_the_strategy_and_the_config(make_running_bot):
    bot, trades = run(make_running_bot, "ProtectionsStrategy")
    gaps = reentry_gaps(trades)
    assert gaps
    assert min(gaps) >= 6 * CANDLE  # the strategy's CooldownPeriod: 6 candles
    locks = PairLock.objects.filter(bot_id=bot.bot_id, reason__startswith="Cooldown period")
    assert locks.count() >= len(gaps)
    # The config's protections replace the strategy's: a 1-candle cooldown re-enters sooner.
    _bot, trades = run(
        make_running_bot,
        "ProtectionsStrategy",
        bot_name="engine-test-config-protections",
        protections=[{"method": "CooldownPeriod", "stop_duration_candles": 1}],
    )
    assert min(reentry_gaps(trades)) < 6 * CANDLE
