"""Pairlist chains on the bundled candles (10 BTC pairs, Binance 5m, January 2018), evaluated
at the end of the data as a live bot would see it then."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from bot_engine.data.candles import available_data
from bot_engine.exceptions import ConfigError
from bot_engine.exchange.replay import ReplayExchange
from bot_engine.pairlists.base import PairlistContext
from bot_engine.pairlists.chain import PairlistChain

DATA = Path(__file__).resolve().parents[3] / "user_data" / "data" / "binance"
PAIRS = sorted({pair for pair, _tf, _ct in available_data(DATA)})
END = datetime(2018, 1, 30, 5, 0, tzinfo=UTC)


def replay(start: datetime = END) -> ReplayExchange:
    return ReplayExchange(
        data_dir=DATA, pairs=PAIRS, timeframe="5m", speed=0, stake_currency="BTC", start=start
    )


@pytest.fixture(scope="module")
def end_replay() -> ReplayExchange:
    return replay()


def evaluate(exchange, pairlists, **context) -> list[str]:
    context.setdefault("whitelist", tuple(PAIRS))
    ctx = PairlistContext(exchange=exchange, stake_currency="BTC", **context)
    return PairlistChain(pairlists, ctx).refresh()


def day_of_candles(pair: str) -> pd.DataFrame:
    """The last 24 h of 5m candles that closed by END, read straight from the file."""
    frame = pd.read_feather(DATA / f"{pair.replace('/', '_')}-5m.feather")
    closed = frame[frame["date"] + pd.Timedelta(minutes=5) <= END]
    return closed.iloc[-288:]


def quote_volume(pair: str) -> float:
    day = day_of_candles(pair)
    return float((day["volume"] * (day["high"] + day["low"] + day["close"]) / 3).sum())


def last_close(pair: str) -> float:
    return float(day_of_candles(pair)["close"].iloc[-1])


def test_static_pairlist_is_the_configured_whitelist_minus_blacklist(end_replay):
    pairs = evaluate(
        end_replay,
        [{"method": "StaticPairList"}],
        whitelist=("ETH/BTC", "ETH/USDT", "LTC/BTC", "XMR/BTC"),
        blacklist=("X.*/BTC",),
    )
    assert pairs == ["ETH/BTC", "LTC/BTC"]  # no ETH/USDT market, XMR blacklisted by regex


def test_volume_pairlist_ranks_by_24h_quote_volume(end_replay):
    expected = sorted(PAIRS, key=quote_volume, reverse=True)
    assert evaluate(end_replay, [{"method": "VolumePairList", "number_assets": 5}]) == expected[:5]
    assert expected[:3] == ["ETH/BTC", "ADA/BTC", "XLM/BTC"]


def test_volume_pairlist_min_value_and_blacklist(end_replay):
    pairs = evaluate(
        end_replay,
        [{"method": "VolumePairList", "number_assets": 20, "min_value": 500}],
        blacklist=("ADA/BTC",),
    )
    assert pairs == [
        p
        for p in sorted(PAIRS, key=quote_volume, reverse=True)
        if quote_volume(p) > 500 and p != "ADA/BTC"
    ]
    assert pairs == ["ETH/BTC", "XLM/BTC", "ETC/BTC", "LTC/BTC"]


def test_percent_change_pairlist_sorts_by_24h_change(end_replay):
    def change(pair):
        day = day_of_candles(pair)
        return (last_close(pair) - day["open"].iloc[0]) / day["open"].iloc[0]

    pairs = evaluate(end_replay, [{"method": "PercentChangePairList", "number_assets": 3}])
    assert pairs == sorted(PAIRS, key=change, reverse=True)[:3]
    ascending = evaluate(
        end_replay,
        [{"method": "PercentChangePairList", "number_assets": 3, "sort_direction": "asc"}],
    )
    assert ascending == sorted(PAIRS, key=change)[:3]


def test_price_filter(end_replay):
    cheap = {p for p in PAIRS if last_close(p) < 0.001}
    assert cheap == {"ADA/BTC", "NXT/BTC", "TRX/BTC", "XLM/BTC"}
    chain = [{"method": "StaticPairList"}, {"method": "PriceFilter", "min_price": 0.001}]
    assert evaluate(end_replay, chain) == [p for p in PAIRS if p not in cheap]
    # One 1e-8 tick is more than 0.03 % of the price only below 3.33e-5 BTC: NXT (3.0e-5).
    chain = [{"method": "StaticPairList"}, {"method": "PriceFilter", "low_price_ratio": 0.0003}]
    assert evaluate(end_replay, chain) == [p for p in PAIRS if p != "NXT/BTC"]
    chain = [{"method": "StaticPairList"}, {"method": "PriceFilter", "max_price": 0.03}]
    assert evaluate(end_replay, chain) == [p for p in PAIRS if last_close(p) <= 0.03]


def test_age_filter_counts_days_listed(end_replay):
    # The data starts on 10 January 04:55: 11 January is its first whole day, so by the 30th
    # 19 days are listed (the day in progress does not count, as in Freqtrade).
    chain = [{"method": "StaticPairList"}, {"method": "AgeFilter", "min_days_listed": 10}]
    assert evaluate(end_replay, chain) == PAIRS
    chain[1]["min_days_listed"] = 19
    assert evaluate(end_replay, chain) == PAIRS
    chain[1]["min_days_listed"] = 20
    assert evaluate(end_replay, chain) == []
    early = replay(datetime(2018, 1, 14, tzinfo=UTC))
    chain[1]["min_days_listed"] = 10
    assert evaluate(early, chain) == []


def test_range_stability_and_volatility_filters(end_replay):
    def daily(pair):
        frame = pd.read_feather(DATA / f"{pair.replace('/', '_')}-5m.feather")
        days = frame.set_index("date").resample("1D").agg({"high": "max", "low": "min"})
        return days.loc["2018-01-24":"2018-01-29"]  # 5 + 1 closed days: a change over 5

    def rate(pair):
        days = daily(pair)
        return (days["high"].max() - days["low"].min()) / days["low"].min()

    chain = [
        {"method": "StaticPairList"},
        {"method": "RangeStabilityFilter", "lookback_days": 5, "min_rate_of_change": 0.15},
    ]
    kept = evaluate(end_replay, chain)
    assert kept == [p for p in PAIRS if rate(p) >= 0.15]
    assert 0 < len(kept) < len(PAIRS)
    chain[1]["sort_direction"] = "desc"
    assert evaluate(end_replay, chain) == sorted(kept, key=rate, reverse=True)

    chain = [
        {"method": "StaticPairList"},
        {"method": "VolatilityFilter", "lookback_days": 5, "sort_direction": "asc"},
    ]
    calm_first = evaluate(end_replay, chain)
    assert sorted(calm_first) == PAIRS
    chain[1]["max_volatility"] = 0.05
    assert evaluate(end_replay, chain) == [
        p for p in calm_first if p in evaluate(end_replay, chain)
    ]
    assert len(evaluate(end_replay, chain)) < len(PAIRS)


def test_spread_and_precision_filters_keep_replay_pairs(end_replay):
    # The replay quotes bid = ask = last on a 1e-8 grid: no spread, room for any stoploss.
    chain = [
        {"method": "StaticPairList"},
        {"method": "SpreadFilter", "max_spread_ratio": 0.001},
        {"method": "PrecisionFilter"},
    ]
    assert evaluate(end_replay, chain, stoploss=-0.10) == PAIRS


def test_shuffle_filter_seed_outside_live_and_per_candle_in_live(end_replay):
    chain = [{"method": "StaticPairList"}, {"method": "ShuffleFilter", "seed": 42}]
    expected = list(PAIRS)
    random.Random(42).shuffle(expected)  # Freqtrade's generator: the same order for a seed
    assert evaluate(end_replay, chain, live=False) == expected
    ctx = PairlistContext(exchange=end_replay, stake_currency="BTC", whitelist=tuple(PAIRS))
    live = PairlistChain(chain, ctx)
    first = live.refresh()
    assert sorted(first) == PAIRS
    assert live.refresh() == first  # same candle: same order


def test_offset_filter(end_replay):
    chain = [
        {"method": "VolumePairList", "number_assets": 10},
        {"method": "OffsetFilter", "offset": 2, "number_assets": 3},
    ]
    ranked = evaluate(end_replay, [{"method": "VolumePairList", "number_assets": 10}])
    assert evaluate(end_replay, chain) == ranked[2:5]


def test_volume_pairlist_keeps_its_list_for_refresh_period():
    exchange = replay(datetime(2018, 1, 20, tzinfo=UTC))
    reads = []
    fetch = exchange.fetch_ohlcv

    def counted(pair, timeframe, limit):
        reads.append(pair)
        return fetch(pair, timeframe, limit)

    exchange.fetch_ohlcv = counted
    ctx = PairlistContext(exchange=exchange, stake_currency="BTC")
    chain = PairlistChain([{"method": "VolumePairList", "refresh_period": 1800}], ctx)
    first = chain.refresh()
    assert len(reads) == len(PAIRS)
    for _ in range(20):  # 20 ticks of 75 s: 25 minutes, inside the refresh period
        exchange.advance()
        assert chain.refresh() == first
    assert len(reads) == len(PAIRS)
    for _ in range(5):
        exchange.advance()
    chain.refresh()
    assert len(reads) == 2 * len(PAIRS)


@pytest.mark.parametrize(
    ("pairlists", "message"),
    [
        ([{"method": "MarketCapPairList"}], "pairlists.0.method: unknown pairlist handler"),
        ([{"method": "PriceFilter"}], "pairlists.0.method: the first handler must generate"),
        (
            [{"method": "VolumePairList", "number_assets": 0}],
            "pairlists.0.number_assets: must be >= 1",
        ),
        (
            [{"method": "VolumePairList", "lookback_days": 2, "lookback_period": 3}],
            "pairlists.0: lookback_days and lookback_period are both set",
        ),
        (
            [{"method": "VolumePairList", "lookback_days": 2}],
            "pairlists.0: refresh_period of 1800 seconds is smaller than one 1d candle; "
            "set it to at least 86400",
        ),
        (
            [
                {"method": "StaticPairList"},
                {"method": "VolatilityFilter", "lookback_timeframe": "1x"},
            ],
            "pairlists.1: lookback_timeframe: '1x' is not a timeframe",
        ),
    ],
)
def test_bad_config_names_the_key(end_replay, pairlists, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        evaluate(end_replay, pairlists)


def test_an_exchange_with_its_own_tickers_is_asked_once_for_all_pairs():
    class ListedTickers(ReplayExchange):
        """A live exchange's shape: its 24h tickers in one request (ccxt's fetch_tickers)."""

        calls = 0

        def fetch_tickers_24h(self):
            self.calls += 1
            volumes = {"LTC/BTC": 900.0, "TRX/BTC": 800.0, "ZEC/BTC": 700.0}
            return {
                pair: {"last": 0.01, "bid": 0.01, "ask": 0.01, "quoteVolume": volume}
                for pair, volume in volumes.items()
            }

    exchange = ListedTickers(
        data_dir=DATA, pairs=PAIRS, timeframe="5m", speed=0, stake_currency="BTC", start=END
    )
    chain = [{"method": "VolumePairList", "number_assets": 2, "refresh_period": 0}]
    ctx = PairlistContext(exchange=exchange, stake_currency="BTC")
    built = PairlistChain(chain, ctx)
    assert built.refresh() == ["LTC/BTC", "TRX/BTC"]  # the exchange's volumes, not candles'
    assert built.refresh() == ["LTC/BTC", "TRX/BTC"]
    assert exchange.calls == 1  # one request for every pair, kept 10 minutes
