"""``self.dp`` and informative candles: strategy files run by the engine on replay data.

The reference for "no lookahead" is the stored 5m candles themselves: the 1h candle a 5m row
may see is the last one that closed when that row's candle closed (Freqtrade's convention:
the 1h candle opening at 10:00 first shows on the 5m row opening at 10:55).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pandas as pd
import pytest

from bot_engine import events
from bot_engine.data.candles import load_candles
from bot_engine.models import Trade
from bot_engine.selectors.candles import pair_history
from tests.fixtures.engine import TEST_STRATEGIES, run_candles

STRATEGIES = TEST_STRATEGIES / "informative"
DATA_DIR = TEST_STRATEGIES.parents[2] / "user_data" / "data" / "binance"
WHITELIST = ["XLM/BTC", "LTC/BTC"]
CANDLES = 250


def informative_bot(make_running_bot, strategy: str):
    return make_running_bot(
        strategy=strategy,
        strategy_path=str(STRATEGIES),
        exchange={"pair_whitelist": WHITELIST, "replay": {"speed": 0, "start": "20180115"}},
    )


def last_closed(pair: str, timeframe: str, at: pd.Timestamp) -> pd.Series:
    """The ``timeframe`` candle of ``pair`` that had closed at ``at``, built from the 5m file."""
    five = load_candles(DATA_DIR, pair, "5m")
    size = pd.Timedelta(timeframe)
    opened = at.floor(size) - size
    inside = five[(five["date"] >= opened) & (five["date"] < opened + size)]
    return pd.Series(
        {
            "date": opened,
            "open": inside["open"].iloc[0],
            "close": inside["close"].iloc[-1],
            "high": inside["high"].max(),
        }
    )


def test_informative_sample_merges_without_lookahead_and_trades(make_running_bot):
    """One replay run (they take seconds): dp's answers, the merged columns, the entries."""
    sample_run = informative_bot(make_running_bot, "InformativeSampleLike")
    run_candles(sample_run, CANDLES)
    seen = sample_run.strategy.seen
    assert seen["runmode"] == "dry_run"
    assert seen["whitelist"] == WHITELIST
    assert set(sample_run.strategy.dp.available_pairs) >= {
        ("XLM/BTC", "5m"),
        ("XLM/BTC", "15m"),
        ("ETH/BTC", "1h"),
    }

    frame = sample_run.dataframes["XLM/BTC"].frame
    for column in ("close_15m", "sma4_15m", "date_1h", "close_1h", "rising_1h"):
        assert column in frame.columns
    rows = frame.dropna(subset=["close_1h"]).tail(30)
    assert len(rows) == 30
    for _, row in rows.iterrows():
        closed_at = row["date"] + pd.Timedelta("5m")
        hour = last_closed("ETH/BTC", "1h", closed_at)
        quarter = last_closed("XLM/BTC", "15m", closed_at)
        assert row["date_1h"] == hour["date"]
        assert row["close_1h"] == pytest.approx(hour["close"])
        assert row["rising_1h"] == int(hour["close"] > hour["open"])
        assert row["date_15m"] == quarter["date"]
        assert row["close_15m"] == pytest.approx(quarter["close"])

    trades = list(Trade.objects.for_bot(sample_run.bot_id).order_by("trade_id"))
    assert trades, "the informative conditions never let the strategy enter"
    checks = sample_run.strategy.seen["exit_checks"]
    assert checks
    for current_time, last_date, analysed_at in checks:
        # The analysed frame custom_exit reads ends with the candle that closed last (the
        # price moves inside the forming candle: custom_exit is asked at each of its ticks).
        closed = pd.Timestamp(current_time).floor("5min")
        assert last_date + timedelta(minutes=5) == closed
        assert analysed_at == closed


def test_decorated_informatives_merge_without_lookahead_and_enter(make_running_bot):
    bot = informative_bot(make_running_bot, "InformativeDecorated")
    run_candles(bot, CANDLES)
    frame = bot.dataframes["LTC/BTC"].frame
    for column in ("date_1h", "close_1h", "sma3_1h", "eth_btc_date_30m", "eth_btc_up_30m"):
        assert column in frame.columns
    rows = frame.dropna(subset=["close_1h", "eth_btc_up_30m"]).tail(20)
    assert len(rows) == 20
    for _, row in rows.iterrows():
        closed_at = row["date"] + pd.Timedelta("5m")
        hour = last_closed("LTC/BTC", "1h", closed_at)
        half = last_closed("ETH/BTC", "30m", closed_at)
        assert row["date_1h"] == hour["date"]
        assert row["close_1h"] == pytest.approx(hour["close"])
        assert row["eth_btc_date_30m"] == half["date"]
        assert row["eth_btc_up_30m"] == int(half["close"] > half["open"])
    assert set(bot.strategy.gather_informative_pairs()) == {
        ("XLM/BTC", "1h"),
        ("LTC/BTC", "1h"),
        ("ETH/BTC", "30m"),
    }
    assert Trade.objects.for_bot(bot.bot_id).exists()

    # The engine's incremental signals are the ones /pair_history computes on the whole stored
    # history (itself checked against Freqtrade's by the parity tests): nothing seen early.
    history = pair_history(
        config=bot.config,
        pair="LTC/BTC",
        timeframe="5m",
        timerange=None,
        strategy="InformativeDecorated",
        strategy_dirs=[STRATEGIES],
    ).frame.set_index("date")
    live = frame.set_index("date").tail(100)
    assert live["enter_long"].fillna(0).sum() > 0
    expected = history.loc[live.index]
    assert live["enter_long"].fillna(0).tolist() == expected["enter_long"].fillna(0).tolist()
    assert live["sma3_1h"].tolist() == pytest.approx(expected["sma3_1h"].tolist(), nan_ok=True)


class Recorder:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    def publish(self, message: dict) -> None:
        self.messages.append(message)


def test_dp_prices_markets_frames_and_messages(
    make_running_bot, django_capture_on_commit_callbacks, caplog
):
    # SampleStrategy on ETH/BTC and XLM/BTC
    bot = make_running_bot(exchange={"replay": {"speed": 0, "start": "20180115"}})
    run_candles(bot, 3)
    dp = bot.strategy.dp
    now = pd.Timestamp(bot.exchange.now())
    five = load_candles(DATA_DIR, "ETH/BTC", "5m")
    # The clock is on a candle boundary: the price is the forming candle's open (its 1st tick).
    forming_open = five[five["date"] == now]["open"].iloc[0]

    ticker = dp.ticker("ETH/BTC")
    assert ticker["last"] == pytest.approx(forming_open)
    book = dp.orderbook("ETH/BTC", 5)
    assert book["bids"][0][0] == ticker["bid"] and book["asks"][0][0] == ticker["ask"]
    market = dp.market("ETH/BTC")
    assert (market["symbol"], market["base"], market["quote"]) == ("ETH/BTC", "ETH", "BTC")
    assert dp.market("DOGE/USDT") is None
    assert dp.ticker("DOGE/USDT") == {}

    frame, analysed_at = dp.get_analyzed_dataframe("ETH/BTC", "5m")
    # Analysed when its last candle closed; the loop then moved the clock one candle on.
    assert analysed_at == frame["date"].iloc[-1] + pd.Timedelta("5m") == now - pd.Timedelta("5m")
    empty, never = dp.get_analyzed_dataframe("ETH/BTC", "1h")
    assert empty.empty and never.year == 1970

    hourly = dp.get_pair_dataframe("LTC/BTC", "1h")  # not whitelisted: fetched on demand
    assert hourly["date"].iloc[-1] + pd.Timedelta("1h") <= now
    stored = dp.historic_ohlcv("LTC/BTC", "1h")  # every stored candle, past the replay clock
    assert stored["date"].iloc[-1] > now
    assert (
        stored.set_index("date").loc[hourly["date"], "close"].tolist() == hourly["close"].tolist()
    )

    # A pair the exchange does not have (Freqtrade's InformativeSample asks for BTC/USDT):
    # no candles, typed, so the strategy's arithmetic gives NaN; warned about once.
    with caplog.at_level(logging.WARNING, logger="bot_engine.strategy.dataprovider"):
        for _ in range(3):
            missing = dp.get_pair_dataframe("BTC/USDT", "1h")
    assert missing.empty and str(missing["close"].dtype) == "float64"
    assert len([r for r in caplog.records if "BTC/USDT" in r.getMessage()]) == 1

    recorder = Recorder()
    events.set_publisher(recorder)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            dp.send_msg("ETH looks heavy")
            dp.send_msg("ETH looks heavy")  # once per candle
            dp.send_msg("ETH looks heavy", always_send=True)
    finally:
        events.set_publisher(events.NullPublisher())
    assert recorder.messages == [{"type": "strategy_msg", "msg": "ETH looks heavy"}] * 2
