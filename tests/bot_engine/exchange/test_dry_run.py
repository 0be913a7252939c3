"""Dry-run orders over the replay exchange: market orders fill now, limits only when crossed,
crossing limits at the market price; amounts and prices on the market's grid; a stop or ROI
level the price moved through since the last tick fills at the level."""

from pathlib import Path

import pandas as pd
import pytest

from bot_engine.data.candles import load_candles
from bot_engine.exceptions import InvalidOrderError
from bot_engine.exchange.dry_run import DryRunExchange
from bot_engine.exchange.replay import TICKS_PER_CANDLE, ReplayExchange, candle_path

DATA = Path(__file__).resolve().parents[3] / "user_data" / "data" / "binance"


@pytest.fixture
def dry_run_exchange() -> DryRunExchange:
    replay = ReplayExchange(
        data_dir=DATA, pairs=["ETH/BTC"], timeframe="5m", speed=0, stake_currency="BTC"
    )
    for _ in range(100):
        replay.advance()
    return DryRunExchange(replay)


def ticks(start, end) -> list[float]:
    """ETH/BTC's prices at the replay's ticks in (start, end], from the stored candles."""
    frame = load_candles(DATA, "ETH/BTC", "5m")
    path = candle_path(*(frame[c].to_numpy() for c in ("open", "high", "low", "close")))
    quarter = pd.Timedelta(minutes=5) / TICKS_PER_CANDLE
    return [
        float(path[row, k])
        for row, opened in enumerate(frame["date"])
        for k in range(TICKS_PER_CANDLE)
        if start < opened + k * quarter <= end
    ]


def candles_since(dry_run_exchange: DryRunExchange, since) -> tuple[float, float]:
    prices = ticks(since, dry_run_exchange.now())
    return min(prices), max(prices)


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
    for _ in range(200):
        for _ in range(TICKS_PER_CANDLE):
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
    # The price is the forming candle's open (its first tick), on the 1e-8 grid.
    forming = load_candles(DATA, "ETH/BTC", "5m").set_index("date").loc[pd.Timestamp(now)]
    assert dry_run_exchange.fetch_ticker("ETH/BTC").last == round(forming["open"], 8)


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


def test_the_price_moves_inside_the_candle_open_low_high_close(dry_run_exchange):
    """Four ticks per candle: open, low, high, close (Freqtrade's backtest checks the stoploss
    against the low before the ROI against the high)."""
    frame = load_candles(DATA, "ETH/BTC", "5m").set_index("date")
    seen = {}
    for _ in range(40):
        now = pd.Timestamp(dry_run_exchange.now())
        price = dry_run_exchange.fetch_ticker("ETH/BTC").last
        seen.setdefault(now.floor("5min"), []).append(price)
        dry_run_exchange.advance()
    full = [(opened, prices) for opened, prices in seen.items() if len(prices) == 4]
    assert len(full) >= 9
    for opened, prices in full:
        candle = frame.loc[opened]
        assert prices == [round(candle[c], 8) for c in ("open", "low", "high", "close")]


def test_a_stop_the_price_fell_through_fills_at_the_stop(dry_run_exchange):
    """The price moved from one tick to the next through the level: a stop waiting there sells
    at it, not at the lower price after the move; a level not passed sells at the market."""
    replay = dry_run_exchange.data
    for _ in range(400):
        dry_run_exchange.advance()
        series = replay._series[("ETH/BTC", "5m")]
        count = series.tick_count(replay.now().timestamp())
        before, now = float(series.tick_px[count - 2]), float(series.tick_px[count - 1])
        if count % TICKS_PER_CANDLE != 1 and before - now > 0.0005:  # inside a candle, falling
            break
    else:
        pytest.fail("no falling tick in the data")
    level = round((before + now) / 2, 8)
    order = dry_run_exchange.create_order(
        pair="ETH/BTC",
        order_type="market",
        side="sell",
        amount=1.0,
        price=None,
        trigger_price=level,
    )
    assert order.status == "closed" and order.average == level
    missed = dry_run_exchange.create_order(
        pair="ETH/BTC",
        order_type="market",
        side="sell",
        amount=1.0,
        price=None,
        trigger_price=round(before * 1.01, 8),  # above where the move started
    )
    assert missed.average == round(now, 8)
