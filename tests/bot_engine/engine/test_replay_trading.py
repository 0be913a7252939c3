"""The engine on the bundled replay data at speed 0: trades, exits, limits, locks, failures."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from bot_engine.engine import locks
from bot_engine.models import Order, Trade
from tests.fixtures.engine import TEST_STRATEGIES, run_candles

CANDLES = 1500  # about five days of 5m candles: enough for every exit kind to happen


def closed_trades(bot) -> list[Trade]:
    return list(Trade.objects.for_bot(bot.bot_id).closed().order_by("trade_id"))


# SampleStrategy on ETH/BTC and XLM/BTC over CANDLES (deterministic: replay at speed 0, the price
# moving inside each candle; entries at a candle's open, ROI exits at the ROI price, stops at the
# stop). Trade id: (pair, open_rate, close_rate, close_profit_abs, exit_reason).
EXPECTED_TRADES = {
    1: ("XLM/BTC", 3.396e-05, 3.539e-05, 0.00200331, "roi"),
    2: ("ETH/BTC", 0.094, 0.09607195, 0.001001, "roi"),
    3: ("ETH/BTC", 0.0913999, 0.09249871, 0.0005005, "roi"),
    4: ("ETH/BTC", 0.0918, 0.08262001, -0.00509499, "stop_loss"),
    5: ("XLM/BTC", 3.536e-05, 3.183e-05, -0.00508652, "stop_loss"),
    6: ("XLM/BTC", 3.281e-05, 3.419e-05, 0.00200091, "roi"),
    7: ("ETH/BTC", 0.087, 0.08804592, 0.0005005, "roi"),
    8: ("ETH/BTC", 0.08784875, 0.08890487, 0.0005005, "roi"),
    9: ("XLM/BTC", 4.045e-05, 4.134e-05, 0.00099902, "roi"),
    10: ("XLM/BTC", 4.755e-05, 4.86e-05, 0.001003, "roi"),
    11: ("XLM/BTC", 4.637e-05, 4.64e-05, -6.768e-05, "rsi_overbought"),
    12: ("ETH/BTC", 0.09749, 0.09866203, 0.0005005, "roi"),
    13: ("XLM/BTC", 4.479e-05, 4.533e-05, 0.00050221, "roi"),
    14: ("ETH/BTC", 0.098, 0.09917816, 0.0005005, "roi"),
    15: ("XLM/BTC", 4.36e-05, 4.456e-05, 0.00099982, "roi"),
    16: ("ETH/BTC", 0.09799995, 0.09917811, 0.0005005, "roi"),
    17: ("ETH/BTC", 0.09650001, 0.09766014, 0.0005005, "roi"),
}
EXPECTED_PROFIT = 0.00176358  # BTC, the sum of the closed trades' close_profit_abs
# /balance after the same run (the API's credentials, tests.fixtures.api): every trade closed;
# the dry-run wallet is 1 BTC (0.99 tradable).
API_SERVER = {
    "enabled": True,
    "listen_ip_address": "127.0.0.1",
    "listen_port": 8080,
    "username": "tester",
    "password": "s3cret-pass",
    "jwt_secret_key": "test-jwt-secret-0123456789abcdef0123456789",
}
EXPECTED_BALANCE = (
    '{"currencies":[{"currency":"BTC","free":1.00176358,"balance":1.00176358,"used":0,"bot_ow'
    'ned":0.9917459442,"est_stake":1.00176358,"est_stake_bot":0.9917459442,"stake":"BTC","sid'
    'e":"long","is_position":false,"position":0.0,"is_bot_managed":true}],"total":1.00176358,'
    '"total_bot":0.9917459442,"symbol":"","value":0.0,"value_bot":0.0,"stake":"BTC","note":"S'
    'imulated balances","starting_capital":0.99,"starting_capital_ratio":0.001763579999999986'
    '8,"starting_capital_pct":0.18,"starting_capital_fiat":0.0,"starting_capital_fiat_ratio":'
    '0.0,"starting_capital_fiat_pct":0.0}'
)


def test_replay_trades_and_profits_match_the_formulas(make_running_bot):
    bot = make_running_bot()
    run_candles(bot, CANDLES)
    trades = closed_trades(bot)
    got = {
        t.trade_id: (t.pair, t.open_rate, t.close_rate, t.close_profit_abs, t.exit_reason)
        for t in trades
    }
    assert got == EXPECTED_TRADES  # prices on the 1e-8 tick, so exact equality holds
    assert sum(t.close_profit_abs for t in trades) == pytest.approx(EXPECTED_PROFIT, abs=1e-12)
    assert not Trade.objects.for_bot(bot.bot_id).open().exists()
    for trade in trades:
        paid = trade.amount * trade.open_rate * (1 + trade.fee_open)
        received = trade.amount * trade.close_rate * (1 - trade.fee_close)
        assert trade.close_profit_abs == pytest.approx(received - paid, abs=1e-8)
        assert trade.close_profit == pytest.approx((received - paid) / paid, abs=1e-7)
        assert trade.stake_amount == pytest.approx(trade.amount * trade.open_rate)
        assert datetime(2018, 1, 10, tzinfo=UTC) < trade.open_date < trade.close_date
        sides = sorted(o.ft_order_side for o in trade.orders.all())
        assert sides == ["buy", "sell"]
        assert all(o.status == "closed" and not o.ft_is_open for o in trade.orders.all())


def test_replay_balance_is_exact(make_running_bot, client_basic):
    """The acceptance figure a user sees after the run: /balance, byte for byte."""
    from bot_engine import runtime

    bot = make_running_bot(api_server=API_SERVER)
    run_candles(bot, CANDLES)
    runtime.register(bot)
    try:
        response = client_basic.get("/api/v1/balance")
    finally:
        runtime.register(None)
    assert response.status_code == 200
    assert response.content.decode() == EXPECTED_BALANCE


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "roi"),
        ({"minimal_roi": {"0": 10}, "stoploss": -0.5}, "rsi_overbought"),  # the exit signal
        ({"minimal_roi": {"0": 10}, "use_exit_signal": False, "stoploss": -0.01}, "stop_loss"),
        (
            {
                "minimal_roi": {"0": 10},
                "use_exit_signal": False,
                "stoploss": -0.05,
                "trailing_stop": True,
                "trailing_stop_positive": 0.002,
                "trailing_stop_positive_offset": 0.005,
                "trailing_only_offset_is_reached": True,
            },
            "trailing_stop_loss",
        ),
    ],
    ids=["roi", "exit_signal", "stoploss", "trailing"],
)
def test_each_exit_kind_happens(make_running_bot, changes, expected):
    bot = make_running_bot(**changes)
    run_candles(bot, CANDLES)
    reasons = {t.exit_reason for t in closed_trades(bot)}
    assert expected in reasons
    for trade in closed_trades(bot):
        if trade.exit_reason == "stop_loss":
            assert trade.close_rate <= trade.stop_loss
            assert trade.close_profit < 0
        if trade.exit_reason == "trailing_stop_loss":
            assert trade.stop_loss > trade.initial_stop_loss  # the stop really trailed
        if trade.exit_reason == "roi":
            assert trade.close_profit > 0


def test_max_open_trades_is_never_exceeded(make_running_bot):
    bot = make_running_bot(
        max_open_trades=1, exchange={"pair_whitelist": ["ETH/BTC", "XLM/BTC", "ADA/BTC"]}
    )
    run_candles(bot, CANDLES)
    trades = list(Trade.objects.for_bot(bot.bot_id).order_by("open_date"))
    assert len(trades) >= 3
    for earlier, later in zip(trades, trades[1:], strict=False):
        assert later.open_date >= earlier.close_date  # one position at a time


def test_unlimited_stake_splits_the_wallet(make_running_bot):
    bot = make_running_bot(stake_amount="unlimited", max_open_trades=2)
    run_candles(bot, CANDLES)
    first = Trade.objects.for_bot(bot.bot_id).order_by("trade_id").first()
    # (1 BTC wallet x 0.99 tradable) / 2 slots
    assert first.stake_amount == pytest.approx(0.495, rel=1e-6)


def test_locked_pair_gets_no_new_trades_and_exits_lock_a_candle(make_running_bot):
    bot = make_running_bot()
    now = bot.exchange.now()
    locks.lock_pair(
        bot.bot_id,
        "ETH/BTC",
        until=datetime(2019, 1, 1, tzinfo=UTC),
        now=now,
        timeframe="5m",
        reason="test",
    )
    run_candles(bot, CANDLES)
    pairs = {t.pair for t in Trade.objects.for_bot(bot.bot_id)}
    assert pairs == {"XLM/BTC"}
    xlm = closed_trades(bot)
    for earlier, later in zip(xlm, xlm[1:], strict=False):
        assert later.open_date > earlier.close_date  # the auto lock spans the exit candle


def test_a_raising_strategy_is_logged_and_other_pairs_still_trade(make_running_bot, caplog):
    caplog.set_level(logging.ERROR)
    bot = make_running_bot(strategy="RaisingStrategy", strategy_path=str(TEST_STRATEGIES))
    run_candles(bot, 600)
    pairs = {t.pair for t in Trade.objects.for_bot(bot.bot_id)}
    assert pairs == {"XLM/BTC"}
    failures = [r for r in caplog.records if "ETH/BTC" in r.getMessage()]
    assert failures and failures[0].exc_info  # logged with its traceback
    assert "indicator blew up on purpose" in caplog.text


def test_paused_bot_exits_but_does_not_enter(make_running_bot):
    bot = make_running_bot()
    run_candles(bot, 400)
    opened = Trade.objects.for_bot(bot.bot_id).count()
    assert opened >= 1
    from bot_engine.engine.state import BotState

    bot.state = BotState.PAUSED
    run_candles(bot, 600)
    assert Trade.objects.for_bot(bot.bot_id).count() == opened
    assert not Trade.objects.for_bot(bot.bot_id).open().exists()


def test_restart_resumes_open_trades_without_duplicates(make_running_bot):
    bot = make_running_bot()
    run_candles(bot, 700)
    before = {t.trade_id: (t.pair, t.open_date) for t in Trade.objects.for_bot(bot.bot_id)}
    # A new process on the same database: the replay resumes where the bot stopped.
    restarted = make_running_bot()
    assert restarted.bot_id == bot.bot_id
    assert restarted.exchange.now() >= max(d for _, d in before.values())
    run_candles(restarted, 700)
    after = {t.trade_id: (t.pair, t.open_date) for t in Trade.objects.for_bot(bot.bot_id)}
    assert {k: after[k] for k in before} == before  # nothing lost or rewritten
    assert sorted(after) == list(range(1, len(after) + 1))  # no gaps, no duplicates
    assert len(after) > len(before)
    assert Order.objects.filter(bot_id=bot.bot_id).values("order_id").distinct().count() == (
        Order.objects.filter(bot_id=bot.bot_id).count()
    )


def test_bots_sharing_a_database_never_see_each_other(make_running_bot):
    first = make_running_bot(bot_name="alpha")
    second = make_running_bot(bot_name="beta", exchange={"pair_whitelist": ["XLM/BTC"]})
    run_candles(first, 500)
    run_candles(second, 500)
    assert {t.pair for t in Trade.objects.for_bot(second.bot_id)} == {"XLM/BTC"}
    assert Trade.objects.for_bot(first.bot_id).filter(trade_id=1).exists()
    assert Trade.objects.for_bot(second.bot_id).filter(trade_id=1).exists()  # own numbering


def test_end_of_replay_keeps_the_bot_up_without_new_entries(make_running_bot, caplog):
    caplog.set_level(logging.INFO)
    bot = make_running_bot(exchange={"replay": {"speed": 0, "start": "20180129-1800"}})
    engine = run_candles(bot, 400)
    assert bot.exchange.finished
    trades_at_end = Trade.objects.for_bot(bot.bot_id).count()
    for _ in range(5):
        engine.step()  # the loop keeps running after the data ends
    assert "Replay finished" in caplog.text
    assert Trade.objects.for_bot(bot.bot_id).count() == trades_at_end
