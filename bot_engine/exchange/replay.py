"""An offline exchange that serves stored candles as if they were live, on a replay clock.

``speed`` is a multiple of real time; 0 means "as fast as the engine can go": the clock then
moves one step each time the engine asks for the next tick. The engine only ever sees candles
that have closed by the replay clock, so a replay runs the same code as live trading.

Prices move inside each candle, as a live bot would see them: every candle is four ticks a
quarter of a candle apart -- open, low, high, close (``PATH``: low first is Freqtrade's backtest
order of checks, stoploss before ROI, and matched its exits best; see the README). Between two
ticks the price moves continuously, so an order waiting at a price the market moved through
fills at that price (``trigger_fill``). The ticker is the price of the last tick.

Coarser timeframes (a strategy's informative 1h or 1d candles) come from the stored file of that
timeframe when there is one, else are built from the bot's timeframe candles; a 1h candle is
served once the replay clock passed its close, like any other.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from bot_engine.data.candles import available_data, load_candles
from bot_engine.data.resample import can_resample, resample_candles
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.exceptions import ExchangeError
from bot_engine.exchange.base import BalanceEntry, Exchange, Market, OrderResult, Ticker

logger = logging.getLogger(__name__)

REPLAY_FEE = 0.001  # Binance's spot taker fee, the source of the bundled candles


TICKS_PER_CANDLE = 4
# The order of the extremes inside a candle: "low_first", "high_first" or "direction" (bullish:
# low first, bearish: high first). Measured against Freqtrade's backtest: README, Replay exchange.
PATH = "low_first"


def candle_path(
    open_: np.ndarray,
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    order: str | None = None,
) -> np.ndarray:
    """The four prices of each candle's ticks, shape (candles, 4)."""
    order = order or PATH
    if order == "low_first":
        low_first = np.ones(len(open_), dtype=bool)
    elif order == "high_first":
        low_first = np.zeros(len(open_), dtype=bool)
    else:
        low_first = close >= open_
    first = np.where(low_first, low, high)
    second = np.where(low_first, high, low)
    return np.column_stack([open_, first, second, close])


class _Series:
    """One pair's candles with their close times as int64 seconds, for fast slicing, and the
    ticks inside them (time and price of each, in order)."""

    def __init__(self, frame: pd.DataFrame, timeframe: str) -> None:
        self.frame = frame
        step = timeframe_to_seconds(timeframe)
        opens = frame["date"].astype("int64").to_numpy() // 10**9
        self.open_ts = opens
        self.close_ts = opens + step
        self.low = frame["low"].to_numpy()
        self.high = frame["high"].to_numpy()
        self.close = frame["close"].to_numpy()
        path = candle_path(frame["open"].to_numpy(), self.high, self.low, self.close)
        offsets = np.arange(TICKS_PER_CANDLE) * (step // TICKS_PER_CANDLE)
        self.tick_ts = (opens[:, None] + offsets[None, :]).ravel()
        self.tick_px = path.ravel()
        self.window: tuple[tuple[int, int], pd.DataFrame] | None = None  # fetch_ohlcv's last
        self.quotes: np.ndarray | None = None  # tick_px on the market's price grid, on demand

    def closed_count(self, now_ts: float) -> int:
        return int(np.searchsorted(self.close_ts, now_ts, side="right"))

    def tick_count(self, now_ts: float) -> int:
        """How many ticks happened by ``now_ts`` (the last one is the current price)."""
        return int(np.searchsorted(self.tick_ts, now_ts, side="right"))


class ReplayExchange(Exchange):
    """Market data from ``data_dir``; order placement is done by the dry-run layer on top."""

    name = "replay"

    def __init__(
        self,
        *,
        data_dir: Path,
        pairs: list[str],
        timeframe: str,
        speed: float,
        stake_currency: str,
        start: datetime | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.timeframe = timeframe
        self.speed = speed
        self.step = timeframe_to_seconds(timeframe)
        self._series: dict[tuple[str, str], _Series] = {}
        self._lock = threading.Lock()
        self._markets = self._build_markets(stake_currency)
        for pair in pairs:
            self._load(pair)
        if not self._series:
            raise ExchangeError(
                f"Replay exchange: no {timeframe} candles for {', '.join(pairs) or 'any pair'} "
                f"in {data_dir}."
            )
        # Only the bot's timeframe is loaded yet: the clock runs over those candles.
        first = min(int(s.close_ts[0]) for s in self._series.values())
        self.end_ts = max(int(s.close_ts[-1]) for s in self._series.values())
        self.start_ts = max(first, int(start.timestamp())) if start else first
        self._virtual_ts = float(self.start_ts)
        self._wall_start = time.monotonic()
        self._now_cache: tuple[float, datetime | None] = (-1.0, None)

    # data
    def _build_markets(self, stake_currency: str) -> dict[str, Market]:
        markets = {}
        for pair, _tf, _ct in available_data(self.data_dir):
            base, quote = pair.split("/")
            markets[pair] = Market(
                symbol=pair,
                base=base,
                quote=quote,
                amount_precision=1e-8,
                price_precision=1e-8,
                min_cost=0.0001 if quote == "BTC" else None,
                fee_taker=REPLAY_FEE,
                fee_maker=REPLAY_FEE,
            )
        return markets

    def _load(self, pair: str, timeframe: str | None = None) -> _Series | None:
        timeframe = timeframe or self.timeframe
        key = (pair, timeframe)
        if key not in self._series:
            frame = load_candles(self.data_dir, pair, timeframe)
            if frame.empty and timeframe != self.timeframe:
                frame = self._coarser(pair, timeframe)
            if frame.empty:
                return None
            self._series[key] = _Series(frame, timeframe)
        return self._series[key]

    def _coarser(self, pair: str, timeframe: str) -> pd.DataFrame:
        """``timeframe`` candles built from the bot's timeframe, the only ones a replay has."""
        if not can_resample(self.timeframe, timeframe):
            raise ExchangeError(
                f"Replay exchange cannot serve {timeframe} candles from {self.timeframe} candles."
            )
        base = self._load(pair)
        return (
            pd.DataFrame()
            if base is None
            else resample_candles(base.frame, self.timeframe, timeframe)
        )

    def _series_for(self, pair: str, timeframe: str | None = None) -> _Series:
        series = self._load(pair, timeframe)
        if series is None:
            raise ExchangeError(
                f"Replay exchange: no {timeframe or self.timeframe} candles for {pair}."
            )
        return series

    # clock
    def _now_ts(self) -> float:
        if self.speed > 0:
            return self.start_ts + (time.monotonic() - self._wall_start) * self.speed
        return self._virtual_ts

    def now(self) -> datetime:
        ts = min(self._now_ts(), self.end_ts)
        if self._now_cache[0] != ts:  # asked many times per tick at speed 0
            self._now_cache = (ts, datetime.fromtimestamp(ts, tz=UTC))
        return self._now_cache[1]

    @property
    def finished(self) -> bool:
        return self._now_ts() >= self.end_ts

    def next_tick_delay(self, throttle_secs: float) -> float:
        """Real seconds until the next tick (0 at speed 0); the throttle is moot."""
        if self.speed <= 0:
            return 0.0
        now = self._now_ts()
        tick = self.step // TICKS_PER_CANDLE
        return max(0.0, ((int(now) // tick + 1) * tick - now) / self.speed)

    def advance(self) -> bool:
        """Speed 0 only: move the clock to the next tick; False once the data ends."""
        if self.finished:
            return False
        if self.speed <= 0:
            tick = self.step // TICKS_PER_CANDLE
            self._virtual_ts = float((int(self._virtual_ts) // tick + 1) * tick)
        return True

    # Exchange interface
    def markets(self) -> dict[str, Market]:
        return self._markets

    def fetch_ohlcv(self, pair: str, timeframe: str, limit: int) -> pd.DataFrame:
        series = self._series_for(pair, timeframe)
        stop = series.closed_count(self._now_ts())
        # Asked every tick, new only once per candle: the same window is served again.
        key = (stop, limit)
        cached = series.window
        if cached is None or cached[0] != key:
            series.window = cached = (key, series.frame.iloc[max(0, stop - limit) : stop])
        return cached[1]

    def fetch_ticker(self, pair: str) -> Ticker:
        series = self._series_for(pair)
        ticks = series.tick_count(self._now_ts())
        if ticks == 0:
            raise ExchangeError(f"Replay exchange: no price for {pair} yet.")
        price = float(self._quotes(pair, series)[ticks - 1])
        return Ticker(symbol=pair, last=price, bid=price, ask=price, timestamp=self.now())

    def _quotes(self, pair: str, series: _Series) -> np.ndarray:
        """The ticks' prices on the market's tick: the stored candles carry float noise
        (5.2900000000000005e-05) and an exchange quotes on its tick. Rounded once per distinct
        price (decimal arithmetic is slow, and the ticker is asked every tick)."""
        if series.quotes is None:
            distinct, where = np.unique(series.tick_px, return_inverse=True)
            rounded = np.array([self.price_to_precision(pair, float(p)) for p in distinct])
            series.quotes = rounded[where]
        return series.quotes

    def price_range_since(self, pair: str, since: datetime) -> tuple[float, float] | None:
        """Lowest and highest price of the ticks after ``since`` (resting limit orders)."""
        series = self._series_for(pair)
        stop = series.tick_count(self._now_ts())
        start = series.tick_count(since.timestamp())
        if stop <= start:
            return None
        prices = series.tick_px[start:stop]
        return float(prices.min()), float(prices.max())

    def trigger_fill(self, pair: str, level: float) -> float | None:
        """``level`` when the price moved through it on the way to the current tick (an order
        waiting there, a stop or a take-profit, fills at it), else None: the market price.

        A candle that opens through a stop and never trades back up to it sells at the open,
        as Freqtrade's backtest does; between two candles the price moves from the last close
        to the open like between any two ticks.
        """
        series = self._series_for(pair)
        now = self._now_ts()
        ticks = series.tick_count(now)
        if ticks == 0:
            return None
        price = float(series.tick_px[ticks - 1])
        before = float(series.tick_px[ticks - 2]) if ticks > 1 else price
        if not min(before, price) <= level <= max(before, price):
            return None
        candle, tick = divmod(ticks - 1, TICKS_PER_CANDLE)
        if tick == 0 and level > price and float(series.high[candle]) < level:
            return None
        return level

    def fetch_balance(self) -> dict[str, BalanceEntry]:
        return {}

    def create_order(self, **kwargs) -> OrderResult:
        raise ExchangeError("The replay exchange only serves data; orders go through dry-run.")

    def fetch_order(self, order_id: str, pair: str) -> OrderResult:
        raise ExchangeError("The replay exchange only serves data; orders go through dry-run.")

    def cancel_order(self, order_id: str, pair: str) -> OrderResult:
        raise ExchangeError("The replay exchange only serves data; orders go through dry-run.")
