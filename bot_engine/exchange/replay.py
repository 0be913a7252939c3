"""An offline exchange that serves stored candles as if they were live, on a replay clock.

``speed`` is a multiple of real time; 0 means "as fast as the engine can go": the clock then
moves one candle each time the engine asks for the next tick. The engine only ever sees candles
that have closed by the replay clock, so a replay runs the same code as live trading.

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


class _Series:
    """One pair's candles with their close times as int64 seconds, for fast slicing."""

    def __init__(self, frame: pd.DataFrame, timeframe: str) -> None:
        self.frame = frame
        step = timeframe_to_seconds(timeframe)
        opens = frame["date"].astype("int64").to_numpy() // 10**9
        self.close_ts = opens + step
        self.low = frame["low"].to_numpy()
        self.high = frame["high"].to_numpy()
        self.close = frame["close"].to_numpy()

    def closed_count(self, now_ts: float) -> int:
        return int(np.searchsorted(self.close_ts, now_ts, side="right"))


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
        return datetime.fromtimestamp(min(self._now_ts(), self.end_ts), tz=UTC)

    @property
    def finished(self) -> bool:
        return self._now_ts() >= self.end_ts

    def next_tick_delay(self, throttle_secs: float) -> float:
        """Real seconds until the next candle closes (0 at speed 0); the throttle is moot."""
        if self.speed <= 0:
            return 0.0
        now = self._now_ts()
        return max(0.0, ((int(now) // self.step + 1) * self.step - now) / self.speed)

    def advance(self) -> bool:
        """Speed 0 only: move the clock to the next candle close; False once the data ends."""
        if self.finished:
            return False
        if self.speed <= 0:
            self._virtual_ts = float((int(self._virtual_ts) // self.step + 1) * self.step)
        return True

    # Exchange interface
    def markets(self) -> dict[str, Market]:
        return self._markets

    def fetch_ohlcv(self, pair: str, timeframe: str, limit: int) -> pd.DataFrame:
        series = self._series_for(pair, timeframe)
        stop = series.closed_count(self._now_ts())
        return series.frame.iloc[max(0, stop - limit) : stop]

    def fetch_ticker(self, pair: str) -> Ticker:
        series = self._series_for(pair)
        stop = series.closed_count(self._now_ts())
        if stop == 0:
            raise ExchangeError(f"Replay exchange: no price for {pair} yet.")
        # The stored candles carry float noise (5.2900000000000005e-05); an exchange quotes on
        # its tick, so the ticker does too.
        price = self.price_to_precision(pair, float(series.close[stop - 1]))
        return Ticker(symbol=pair, last=price, bid=price, ask=price, timestamp=self.now())

    def price_range_since(self, pair: str, since: datetime) -> tuple[float, float] | None:
        """Lowest low and highest high of the candles closed after ``since`` (limit fills)."""
        series = self._series_for(pair)
        stop = series.closed_count(self._now_ts())
        start = series.closed_count(since.timestamp())
        if stop <= start:
            return None
        return float(series.low[start:stop].min()), float(series.high[start:stop].max())

    def fetch_balance(self) -> dict[str, BalanceEntry]:
        return {}

    def create_order(self, **kwargs) -> OrderResult:
        raise ExchangeError("The replay exchange only serves data; orders go through dry-run.")

    def fetch_order(self, order_id: str, pair: str) -> OrderResult:
        raise ExchangeError("The replay exchange only serves data; orders go through dry-run.")

    def cancel_order(self, order_id: str, pair: str) -> OrderResult:
        raise ExchangeError("The replay exchange only serves data; orders go through dry-run.")
