"""Exchange faults injected under the real engine loop (issue 5, reliability 2): it retries
with backoff, logs, never crashes, and records no fill the exchange did not make."""

from __future__ import annotations

import logging
import math

from bot_engine.engine.loop import ERROR_BACKOFF_SECS, Engine
from bot_engine.exchange.replay import TICKS_PER_CANDLE
from bot_engine.models import Order, Trade
from tests.fixtures.faulty_exchange import FaultyExchange

CANDLES = 400


def test_engine_survives_injected_faults_and_records_only_real_fills(make_running_bot, caplog):
    bot = make_running_bot(
        max_open_trades=3,
        exchange={"pair_whitelist": ["ETH/BTC", "XLM/BTC", "ADA/BTC"]},
        minimal_roi={"0": 0.01},
    )
    faulty = FaultyExchange(bot.exchange, rate=0.15, order_rate=0.5)
    bot.exchange = faulty
    engine = Engine(bot)
    delays = []
    with caplog.at_level(logging.WARNING):
        for _ in range(CANDLES * TICKS_PER_CANDLE):  # one step per tick
            delays.append(engine.step())  # would raise if the loop let a fault through
            if bot.exchange.finished:
                break
    injected = sum(faulty.injected.values())
    assert set(faulty.injected) == {
        "timeout", "rate_limit", "server_error", "malformed", "insufficient_funds",
    }  # fmt: skip
    assert injected >= 100, faulty.injected
    # Backoff: consecutive failed iterations wait longer and longer.
    assert any(d >= 2 * ERROR_BACKOFF_SECS for d in delays)
    assert "Exchange temporarily unavailable" in caplog.text
    assert "insufficient balance" in caplog.text

    trades = list(Trade.objects.filter(bot_id=bot.bot_id))
    assert trades, "the bot still trades between faults"
    for order in Order.objects.filter(bot_id=bot.bot_id):
        placed = faulty.placed_orders.get(order.order_id)
        assert placed is not None, f"order {order.order_id} was never accepted by the exchange"
        if order.status == "closed":
            assert order.filled and order.filled > 0 and not math.isnan(order.average or 0)
    for trade in trades:
        assert not math.isnan(trade.open_rate) and trade.open_rate > 0
        assert trade.amount > 0
        assert not math.isnan(trade.stake_amount)
        if not trade.is_open:
            assert trade.close_rate and not math.isnan(trade.close_profit_abs)
    print(f"faults injected and survived: {injected} {dict(faulty.injected)}; trades {len(trades)}")
