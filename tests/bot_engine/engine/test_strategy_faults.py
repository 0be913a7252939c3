"""Strategy code that raises, or leaves unreadable signals, never stalls the engine loop.

Strategy files from tests/data/strategies/faulty/, loaded by the real loader and run by the
engine on the bundled replay data at speed 0.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot_engine.engine import exits
from bot_engine.models import Trade
from bot_engine.strategy.safe_call import call_strategy
from tests.fixtures.engine import TEST_STRATEGIES, run_candles

FAULTY = str(TEST_STRATEGIES / "faulty")
CANDLES = 600
CANDLE = timedelta(minutes=5)


def closed_trades(bot) -> list[Trade]:
    return list(Trade.objects.for_bot(bot.bot_id).closed().order_by("trade_id"))


def failures(caplog, callback: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if f": {callback} raised" in r.getMessage()]


def test_raising_callbacks_fall_back_to_freqtrades_defaults(make_running_bot, caplog):
    caplog.set_level(logging.ERROR)
    bot = make_running_bot(strategy="RaisingCallbacksStrategy", strategy_path=FAULTY)
    start = bot.exchange.now()
    run_candles(bot, CANDLES)

    # One candle per step: the clock went past every candle on which a callback raised.
    assert bot.exchange.now() == start + CANDLES * CANDLE
    trades = closed_trades(bot)
    # confirm_trade_entry/exit raising count as "yes"; custom_exit raising as "no exit", so the
    # stoploss and ROI checks after it still close the trades.
    assert {t.exit_reason for t in trades} == {"roi", "stop_loss"}
    # custom_stake_amount raising: the proposed stake (the config's 0.05 BTC).
    assert all(t.stake_amount == pytest.approx(0.05, rel=1e-3) for t in trades)
    for callback in (
        "bot_start",
        "bot_loop_start",
        "custom_stake_amount",
        "confirm_trade_entry",
        "custom_exit",
        "confirm_trade_exit",
    ):
        records = failures(caplog, callback)
        assert records, callback
        assert all(r.exc_info for r in records), callback  # with the traceback
        assert f"{callback} blew up on purpose" in caplog.text
    assert failures(caplog, "gather_informative_pairs")  # informative_pairs() raised: none
    assert "informative_pairs blew up on purpose" in caplog.text
    # bot_loop_start raises at every one of the CANDLES steps: logged once per candle.
    assert len(failures(caplog, "bot_loop_start")) == CANDLES
    assert "Unexpected error in the bot loop" not in caplog.text


def test_a_void_signal_column_is_no_signal_and_the_loop_goes_on(make_running_bot, caplog):
    caplog.set_level(logging.ERROR)
    bot = make_running_bot(strategy="VoidSignalStrategy", strategy_path=FAULTY)
    start = bot.exchange.now()
    run_candles(bot, CANDLES)

    assert bot.exchange.now() == start + CANDLES * CANDLE
    pairs = [t.pair for t in Trade.objects.for_bot(bot.bot_id)]
    assert pairs and set(pairs) == {"XLM/BTC"}  # ETH/BTC's |V0 entry column enters nothing
    assert bot.dataframes["ETH/BTC"].signal["enter_long"] is False
    assert "Unexpected error in the bot loop" not in caplog.text


def test_a_failed_analysis_drops_the_previous_candles_signal(make_running_bot, monkeypatch):
    bot = make_running_bot(max_open_trades=0)  # signals only: nothing may be entered
    run_candles(bot, 300)
    with_signal = next(iter(bot.dataframes))
    bot.dataframes[with_signal].signal = {**bot.dataframes[with_signal].signal, "enter_long": True}

    def broken(*args, **kwargs):
        raise RuntimeError("analysis blew up on purpose")

    monkeypatch.setattr(bot.strategy, "analyze", broken)
    run_candles(bot, 1)
    # Skipped for this candle: not the stale entry signal of the candle before.
    assert bot.dataframes[with_signal].signal == {}
    assert bot.dataframes[with_signal].frame is not None  # the last good frame, for the API


def test_an_unexpected_engine_error_still_moves_the_replay_on(make_running_bot, monkeypatch):
    bot = make_running_bot()

    def broken(*args, **kwargs):
        raise RuntimeError("engine bug")

    monkeypatch.setattr(exits, "handle_exits", broken)
    start = bot.exchange.now()
    run_candles(bot, 3)
    assert bot.exchange.now() == start + 3 * CANDLE


class _Flaky:
    def custom_exit(self, **kwargs):
        raise ValueError("nope")

    def custom_stake_amount(self, *, proposed_stake, **kwargs):
        return proposed_stake * 2


def test_call_strategy_logs_once_per_callback_pair_and_candle(caplog):
    flaky = _Flaky()
    with caplog.at_level(logging.ERROR):
        for candle in (1, 1, 1, 2, 2):
            answer = call_strategy(flaky, "custom_exit", default=None, candle=candle, pair="A")
            assert answer is None
        call_strategy(flaky, "custom_exit", default=None, candle=2, pair="B")
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3  # A on candle 1, A on candle 2, B on candle 2
    assert "custom_exit raised for B" in messages[-1]
    assert call_strategy(flaky, "custom_stake_amount", default=1.0, proposed_stake=3.0) == 6.0
