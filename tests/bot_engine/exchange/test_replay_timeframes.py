"""The replay exchange serves coarser candles (15m ... 1d) built from the stored 5m ones, and
only those closed by the replay clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from bot_engine.data.candles import load_candles
from bot_engine.data.timeframes import timeframe_to_delta
from bot_engine.exceptions import ExchangeError
from bot_engine.exchange.replay import TICKS_PER_CANDLE, ReplayExchange

DATA = Path(__file__).resolve().parents[3] / "user_data" / "data" / "binance"
START = datetime(2018, 1, 15, 10, 0, tzinfo=UTC)


def replay(start: datetime = START) -> ReplayExchange:
    return ReplayExchange(
        data_dir=DATA, pairs=["ETH/BTC"], timeframe="5m", speed=0, stake_currency="BTC", start=start
    )


@pytest.mark.parametrize("timeframe", ["15m", "30m", "1h", "2h", "4h", "1d"])
def test_coarser_candles_aggregate_the_5m_candles_inside_them(timeframe):
    exchange = replay()
    candles = exchange.fetch_ohlcv("XLM/BTC", timeframe, 3)
    five = load_candles(DATA, "XLM/BTC", "5m")
    size = pd.Timedelta(timeframe_to_delta(timeframe))
    assert len(candles) == 3
    for _, candle in candles.iterrows():
        inside = five[(five["date"] >= candle["date"]) & (five["date"] < candle["date"] + size)]
        assert candle["date"] == candle["date"].floor(size)
        assert candle["open"] == inside["open"].iloc[0]
        assert candle["high"] == inside["high"].max()
        assert candle["low"] == inside["low"].min()
        assert candle["close"] == inside["close"].iloc[-1]
        assert candle["volume"] == pytest.approx(inside["volume"].sum())
    # Closed by the clock: the newest ends at or before now, the one forming is not served.
    assert candles["date"].iloc[-1] + size <= pd.Timestamp(exchange.now())
    assert candles["date"].iloc[-1] + 2 * size > pd.Timestamp(exchange.now())


def test_an_hour_candle_appears_when_its_last_5m_candle_closes():
    exchange = replay()
    for _ in range(11 * TICKS_PER_CANDLE):  # 10:55: the 10:00 hour is still forming
        exchange.advance()
    assert exchange.fetch_ohlcv("ETH/BTC", "1h", 1)["date"].iloc[-1] == pd.Timestamp(
        "2018-01-15 09:00", tz="UTC"
    )
    for _ in range(TICKS_PER_CANDLE):  # 11:00
        exchange.advance()
    assert exchange.fetch_ohlcv("ETH/BTC", "1h", 1)["date"].iloc[-1] == pd.Timestamp(
        "2018-01-15 10:00", tz="UTC"
    )


def test_the_first_partial_bucket_of_the_data_is_not_served():
    # The data starts at 04:55: an exchange's 04:00 hour held trades the file does not have.
    exchange = replay(datetime(2018, 1, 10, 8, 0, tzinfo=UTC))
    first = exchange.fetch_ohlcv("ETH/BTC", "1h", 100)["date"].iloc[0]
    assert first == pd.Timestamp("2018-01-10 05:00", tz="UTC")


def test_finer_or_unaligned_timeframes_are_refused():
    exchange = replay()
    with pytest.raises(ExchangeError, match="cannot serve 1m"):
        exchange.fetch_ohlcv("ETH/BTC", "1m", 3)
    with pytest.raises(ExchangeError, match="cannot serve 1w"):
        exchange.fetch_ohlcv("ETH/BTC", "1w", 3)
