"""Freqtrade 2026.9's pairlist handlers run on the bundled candles, for
tests/bot_engine/pairlists/test_freqtrade_parity.py. Run with Freqtrade's own interpreter (the
command is in README.md); it writes ``chains.json``.

Freqtrade's PairListManager (its real handlers, resolver and chain) runs against a stand-in for
its Exchange object that answers from the stored 5m candles as they stand at END, the moment
Tradeplane's tests evaluate at: the 24 h tickers (last price, bid = ask = last, quote volume as
volume x typical price, change from the day's first open), and daily or hourly candles closed by
END (Freqtrade drops the candle in progress). So both sides get the same market; what is
compared is what the handlers do with it. Freqtrade's clock is read at the real date: the
stand-in moves its requests' "since" from today to END.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from freqtrade.enums import CandleType, RunMode
from freqtrade.plugins.pairlistmanager import PairListManager
from freqtrade.util import dt_floor_day, dt_now

REPO = Path(__file__).resolve().parents[4]
DATA = REPO / "user_data" / "data" / "binance"
END = datetime(2018, 1, 30, 5, 0, tzinfo=UTC)
OUT = Path(__file__).with_name("chains.json")

# name -> (pairlists, blacklist); every chain runs in webserver mode (ShuffleFilter's seed applies)
CHAINS = {
    "volume_top5": ([{"method": "VolumePairList", "number_assets": 5}], []),
    "volume_min_value_blacklist": (
        [{"method": "VolumePairList", "number_assets": 20, "min_value": 500}],
        ["ADA/BTC"],
    ),
    "volume_lookback_hours": (
        [
            {
                "method": "VolumePairList",
                "number_assets": 6,
                "lookback_timeframe": "1h",
                "lookback_period": 6,
                "refresh_period": 3600,
            }
        ],
        [],
    ),
    "percent_change": ([{"method": "PercentChangePairList", "number_assets": 4}], []),
    "percent_change_asc_lookback": (
        [
            {
                "method": "PercentChangePairList",
                "number_assets": 4,
                "sort_direction": "asc",
                "lookback_days": 3,
                "refresh_period": 86400,
            }
        ],
        [],
    ),
    "filters": (
        [
            {"method": "StaticPairList"},
            {"method": "AgeFilter", "min_days_listed": 10},
            {"method": "PrecisionFilter"},
            {"method": "PriceFilter", "low_price_ratio": 0.0003, "max_price": 0.05},
            {"method": "SpreadFilter", "max_spread_ratio": 0.005},
        ],
        ["X.*/BTC"],
    ),
    "age_too_young": (
        [{"method": "StaticPairList"}, {"method": "AgeFilter", "min_days_listed": 20}],
        [],
    ),
    "range_stability_sorted": (
        [
            {"method": "StaticPairList"},
            {
                "method": "RangeStabilityFilter",
                "lookback_days": 5,
                "min_rate_of_change": 0.12,
                "sort_direction": "desc",
            },
        ],
        [],
    ),
    "volatility_sorted": (
        [
            {"method": "StaticPairList"},
            {
                "method": "VolatilityFilter",
                "lookback_days": 5,
                "min_volatility": 0.03,
                "max_volatility": 0.2,
                "sort_direction": "asc",
            },
        ],
        [],
    ),
    "shuffle_offset": (
        [
            {"method": "VolumePairList", "number_assets": 8},
            {"method": "ShuffleFilter", "seed": 42},
            {"method": "OffsetFilter", "offset": 2, "number_assets": 4},
        ],
        [],
    ),
    "performance_without_trades": (
        [{"method": "StaticPairList"}, {"method": "PerformanceFilter"}],
        [],
    ),
}


def load(pair: str) -> pd.DataFrame:
    frame = pd.read_feather(DATA / f"{pair.replace('/', '_')}-5m.feather")
    return frame[frame["date"] + pd.Timedelta(minutes=5) <= END].reset_index(drop=True)


def resample(frame: pd.DataFrame, timeframe: str) -> pd.DataFrame:
    """Candles of ``timeframe`` closed by END; the period the data starts inside of is left out
    (it is partial), as Tradeplane's replay does."""
    rule = {"1d": "1D", "1h": "1h"}[timeframe]
    grouped = frame.set_index("date").resample(rule, label="left", closed="left")
    out = grouped.agg({"open": "first", "high": "max", "low": "min", "close": "last"})
    out["volume"] = grouped["volume"].sum()
    out = out[grouped["close"].count() > 0].reset_index()
    if frame["date"].iloc[0] != out["date"].iloc[0]:
        out = out.iloc[1:]
    step = pd.Timedelta(rule)
    return out[out["date"] + step <= END].reset_index(drop=True)


class StoredExchange:
    """The parts of Freqtrade's Exchange its pairlist handlers call, from stored candles."""

    name = "binance"
    id = "binance"
    precisionMode = 4  # ccxt TICK_SIZE
    trading_mode = "spot"
    _config = {"candle_type_def": CandleType.SPOT}

    def __init__(self) -> None:
        pairs = sorted(p.name.split("-")[0].replace("_", "/") for p in DATA.glob("*-5m.feather"))
        self.frames = {pair: load(pair) for pair in pairs}
        self.markets = {pair: self._market(pair) for pair in pairs}

    @staticmethod
    def _market(pair: str) -> dict:
        base, quote = pair.split("/")
        return {
            "symbol": pair,
            "base": base,
            "quote": quote,
            "active": True,
            "spot": True,
            "type": "spot",
            "contractSize": None,
            "precision": {"price": 1e-8, "amount": 1e-8},
            "limits": {"amount": {"min": None}, "cost": {"min": 0.0001}},
        }

    def get_markets(self, quote_currencies=None, tradable_only=True, active_only=False):
        return {
            k: v
            for k, v in self.markets.items()
            if not quote_currencies or v["quote"] in quote_currencies
        }

    def get_pair_quote_currency(self, pair):
        return self.markets[pair]["quote"]

    def get_pair_base_currency(self, pair):
        return self.markets[pair]["base"]

    def market_is_tradable(self, market):
        return True

    def exchange_has(self, endpoint):
        return True

    def get_option(self, param, default=None):
        options = {
            "tickers_have_quoteVolume": True,
            "tickers_have_percentage": True,
            "tickers_have_bid_ask": True,
            "tickers_have_price": True,
            "ohlcv_volume_currency": "base",
        }
        return options.get(param, default)

    def ohlcv_candle_limit(self, timeframe, candle_type, since_ms=None):
        return 1000

    def check_delisting_time(self, pair):
        return None

    def get_tickers(self, *args, **kwargs):
        tickers = {}
        for pair, frame in self.frames.items():
            day = frame.iloc[-288:]
            last = float(day["close"].iloc[-1])
            typical = (day["high"] + day["low"] + day["close"]) / 3
            first_open = float(day["open"].iloc[0])
            tickers[pair] = {
                "symbol": pair,
                "last": last,
                "bid": last,
                "ask": last,
                "quoteVolume": float((day["volume"] * typical).sum()),
                "percentage": (last - first_open) / first_open * 100,
            }
        return tickers

    def price_get_one_pip(self, pair, price):
        return 1e-8

    def price_to_precision(self, pair, price, *, rounding_mode=None):
        from freqtrade.exchange.exchange_utils import price_to_precision

        return price_to_precision(price, 1e-8, self.precisionMode, rounding_mode=rounding_mode)

    def refresh_latest_ohlcv(self, pair_list, *, since_ms=None, cache=True, **kwargs):
        # "since" was computed from today's date: the same distance back from END.
        distance = dt_floor_day(dt_now()) - datetime.fromtimestamp(since_ms / 1000, tz=UTC)
        since = pd.Timestamp(END.replace(hour=0, minute=0) - distance)
        out = {}
        for pair, timeframe, candle_type in pair_list:
            candles = resample(self.frames[pair], timeframe)
            out[(pair, timeframe, candle_type)] = candles[candles["date"] >= since]
        return out

    def refresh_ohlcv_with_cache(self, pairs, *, lookback_period):
        # Freqtrade asks for lookback_period + 1 candles before the one in progress.
        out = {}
        for pair, timeframe, candle_type in pairs:
            candles = resample(self.frames[pair], timeframe)
            out[(pair, timeframe, candle_type)] = candles.iloc[-(lookback_period + 1) :]
        return out


def evaluate(exchange: StoredExchange, pairlists: list, blacklist: list) -> dict:
    pairs = sorted(exchange.markets)
    config = {
        "stake_currency": "BTC",
        "stoploss": -0.10,
        "runmode": RunMode.WEBSERVER,
        "candle_type_def": CandleType.SPOT,
        "trading_mode": "spot",
        "exchange": {"name": "binance", "pair_whitelist": pairs, "pair_blacklist": blacklist},
        "pairlists": pairlists,
        "timeframe": "5m",
    }
    manager = PairListManager(exchange, config)
    manager.refresh_pairlist()
    return {"method": manager.name_list, "whitelist": manager.whitelist}


def main() -> None:
    exchange = StoredExchange()
    results = {}
    for name, (pairlists, blacklist) in CHAINS.items():
        results[name] = {
            "pairlists": pairlists,
            "blacklist": blacklist,
            **evaluate(exchange, pairlists, blacklist),
        }
    OUT.write_text(json.dumps({"evaluated_at": END.isoformat(), "chains": results}, indent=1))


if __name__ == "__main__":
    main()
