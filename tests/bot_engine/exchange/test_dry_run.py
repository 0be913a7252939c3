"""Dry-run orders over the replay exchange: market orders fill now, limits only when crossed,
crossing limits at the market price; amounts and prices on the market's grid."""

from pathlib import Path

import pandas as pd
import pytest

from bot_engine.exceptions import InvalidOrderError
from bot_engine.exchange.dry_run import DryRunExchange
from bot_engine.exchange.replay import ReplayExchange

DATA = Path(__file__).resolve().parents[3] / "user_data" / "data" / "binance"


@pytest.fixture
def dry_run_exchange() -> DryRunExchange:
    replay = ReplayExchange(
        data_dir=DATA, pairs=["ETH/BTC"], timeframe="5m", speed=0, stake_currency="BTC"
    )
    for _ in range(100):
        replay.advance()
    return DryRunExchange(replay)


def candles_since(dry_run_exchange: DryRunExchange, since) -> tuple[float, float]:
    frame = dry_run_exchange.fetch_ohlcv("ETH/BTC", "5m", 10_000)
    closed_after = frame[frame["date"] + pd.Timedelta(minutes=5) > since]
    return closed_after["low"].min(), closed_after["high"].max()


def test_market_order_fills_at_once_at_the_current_price(dry_run_exchange):
    price = dry_run_exchange.fetch_ticker("ETH/BTC").last
    order = dry_run_exchange.create_order(
        pair="ETH/BTC", order_type="market", side="buy", amount=2.0, price=None
    )
    assert order.status == "closed"
    assert order.average == price
    assert order.cost == pytest.approx(2.0 * price)
    assert order.fee_cost == pytest.approx(2.0 * price * 0.001)


@pytest.mark.parametrize(("side", "factor"), [("buy", 0.985), ("sell", 1.015)])
def test_limit_order_fills_only_once_the_price_crosses(dry_run_exchange, side, factor):
    wanted = dry_run_exchange.fetch_ticker("ETH/BTC").last * factor
    order = dry_run_exchange.create_order(
        pair="ETH/BTC", order_type="limit", side=side, amount=1.0, price=wanted
    )
    created = order.timestamp
    assert order.status == "open"
    limit = order.price
    assert limit == pytest.approx(wanted, abs=0.5e-8)  # the nearest 1e-8 tick
    assert limit == float(f"{limit:.8f}")
    for _ in range(3000):
        dry_run_exchange.advance()
        low, high = candles_since(dry_run_exchange, created)
        crossed = low <= limit if side == "buy" else high >= limit
        state = dry_run_exchange.fetch_order(order.id, "ETH/BTC")
        assert (state.status == "closed") == crossed  # never early, never late
        if crossed:
            assert state.average == limit and state.filled == 1.0
            return
    pytest.fail("the price never crossed the limit in the bundled data")


def test_cancel_keeps_an_unfilled_order_unfilled(dry_run_exchange):
    limit = dry_run_exchange.fetch_ticker("ETH/BTC").last * 0.5
    order = dry_run_exchange.create_order(
        pair="ETH/BTC", order_type="limit", side="buy", amount=1.0, price=limit
    )
    cancelled = dry_run_exchange.cancel_order(order.id, "ETH/BTC")
    assert cancelled.status == "canceled" and cancelled.filled == 0


def test_replay_never_shows_a_candle_before_it_closes(dry_run_exchange):
    now = dry_run_exchange.now()
    frame = dry_run_exchange.fetch_ohlcv("ETH/BTC", "5m", 50)
    last_open = frame["date"].iloc[-1].to_pydatetime()
    assert (now - last_open).total_seconds() >= 300  # the newest candle has closed
    assert dry_run_exchange.fetch_ticker("ETH/BTC").last == round(frame["close"].iloc[-1], 8)


@pytest.mark.parametrize(("side", "limit"), [("buy", 1.0), ("sell", 0.00000001)])
def test_a_limit_that_crosses_the_market_fills_at_once_at_the_market_price(
    dry_run_exchange, side, limit
):
    """Freqtrade's dry-run and every exchange: a buy at 1.0 with the ask at 0.1 pays 0.1."""
    market = dry_run_exchange.fetch_ticker("ETH/BTC").last
    order = dry_run_exchange.create_order(
        pair="ETH/BTC", order_type="limit", side=side, amount=2.0, price=limit
    )
    assert order.status == "closed" and order.filled == 2.0
    assert order.average == market and order.price == limit
    assert order.cost == pytest.approx(2.0 * market)
    assert dry_run_exchange.fetch_order(order.id, "ETH/BTC").average == market


def test_amounts_truncate_and_prices_round_to_the_market_grid(dry_run_exchange):
    order = dry_run_exchange.create_order(
        pair="ETH/BTC", order_type="limit", side="buy", amount=1.234567899, price=0.0123456789
    )
    assert order.amount == 1.23456789  # truncated: never more than asked for
    assert order.price == 0.01234568  # nearest tick


@pytest.mark.parametrize(
    ("amount", "price"), [(0.000000001, 0.05), (1.0, 0.000000001), (1.0, -1.0)]
)
def test_orders_off_the_grid_are_refused(dry_run_exchange, amount, price):
    with pytest.raises(InvalidOrderError):
        dry_run_exchange.create_order(
            pair="ETH/BTC", order_type="limit", side="sell", amount=amount, price=price
        )
