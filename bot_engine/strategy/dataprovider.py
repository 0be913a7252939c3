"""``self.dp``: Freqtrade's DataProvider, the strategy's window on candles, prices and the bot.

The engine gives every strategy one (``bot_engine.engine.factory``) before ``bot_start``; the
pair_history view gives one that reads stored candles. It answers from what it is handed:

* ``exchange`` (live or replay, through the dry-run layer) for candles of any pair and timeframe
  the exchange serves, tickers, order books and markets. Candles are cached per bot-clock tick,
  so a strategy asking ten times costs one fetch.
* ``whitelist`` / ``analysed`` callables for ``current_whitelist()`` and
  ``get_analyzed_dataframe()``; ``publish`` for ``send_msg()``.
* ``data_dir`` for ``historic_ohlcv()`` (and ``get_pair_dataframe()`` outside live/dry-run).

``candle_type`` is accepted for Freqtrade's signatures; Tradeplane trades spot, so it is spot.
Missing data answers as Freqtrade's does: an empty DataFrame, ``{}`` or ``None``, never raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from pandas import DataFrame

from bot_engine.data.candles import COLUMNS, load_candles
from bot_engine.data.gaps import fill_gaps
from bot_engine.data.resample import can_resample, resample_candles
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.exceptions import ExchangeError, StrategyError
from bot_engine.strategy.enums import RunMode

logger = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_WINDOW = 300


LIVE_MODES = (RunMode.LIVE, RunMode.DRY_RUN)

Analysed = Callable[[str, str], "tuple[DataFrame, datetime] | None"]


__all__ = ["DataProvider", "RunMode"]


class DataProvider:
    """What a strategy may ask of the bot, Freqtrade's names and return shapes."""

    def __init__(
        self,
        config: Mapping[str, Any],
        exchange: Any = None,
        *,
        runmode: RunMode,
        timeframe: str,
        whitelist: Callable[[], list[str]] | None = None,
        analysed: Analysed | None = None,
        data_dir: Path | None = None,
        publish: Callable[[dict], None] | None = None,
        window: int = DEFAULT_WINDOW,
    ) -> None:
        self._config = config
        self._exchange = exchange
        self._runmode = runmode
        self._timeframe = timeframe
        self._whitelist = whitelist
        self._analysed = analysed
        self._data_dir = data_dir
        self._publish = publish
        self._window = window
        self._cache: dict[tuple[str, str], DataFrame] = {}
        self._cache_clock: int | None = None
        self._kept: list[tuple[str, str]] = []
        self._sent: dict[str, datetime] = {}
        self._warned: set[tuple[str, str]] = set()

    # What the bot is
    @property
    def runmode(self) -> RunMode:
        return self._runmode

    def current_whitelist(self) -> list[str]:
        """The pairs the bot trades now (a copy)."""
        if self._whitelist is None:
            raise StrategyError("Dataprovider was not initialized with a pairlist provider.")
        return list(self._whitelist())

    @property
    def available_pairs(self) -> list[tuple[str, str]]:
        """``(pair, timeframe)`` the engine keeps refreshed: the whitelist and informatives."""
        return list(self._kept)

    # Candles
    def refresh(
        self, pairs: list[tuple[str, str]], also_kept: list[tuple[str, str]] | None = None
    ) -> None:
        """Called by the engine each iteration: fetch ``pairs`` (pair, timeframe) now; list them
        and ``also_kept`` (fetched by the engine itself) in ``available_pairs``."""
        self._kept = list(dict.fromkeys([*(also_kept or []), *pairs]))
        for pair, timeframe in pairs:
            self.ohlcv(pair, timeframe, copy=False)

    def remember(self, pair: str, timeframe: str, candles: DataFrame) -> None:
        """The engine's own fetch of the bot's candles, so ``ohlcv`` does not fetch them twice."""
        self._fresh_cache()
        self._cache[(pair, timeframe)] = candles  # the index is reset when a strategy reads it

    def ohlcv(
        self, pair: str, timeframe: str | None = None, copy: bool = True, candle_type: str = ""
    ) -> DataFrame:
        """The exchange's latest closed candles (live and dry-run only; else empty)."""
        if self._runmode not in LIVE_MODES or self._exchange is None:
            return _empty()
        timeframe = timeframe or self._timeframe
        self._fresh_cache()
        key = (pair, timeframe)
        if key not in self._cache:
            try:
                frame = self._exchange.fetch_ohlcv(pair, timeframe, self._window)
            except ExchangeError as exc:
                if key not in self._warned:  # once: the engine asks again every iteration
                    self._warned.add(key)
                    logger.warning("No %s candles for %s: %s", timeframe, pair, exc)
                return _empty()
            self._cache[key] = frame
        frame = self._cache[key].reset_index(drop=True)
        return frame.copy() if copy else frame

    def historic_ohlcv(
        self, pair: str, timeframe: str | None = None, candle_type: str = ""
    ) -> DataFrame:
        """The stored candles (``datadir``), built from the bot's timeframe when not stored;
        missing candles filled in (quiet candles at the previous close), as Freqtrade's are."""
        timeframe = timeframe or self._timeframe
        if self._data_dir is None:
            return _empty()
        frame = load_candles(self._data_dir, pair, timeframe)
        if frame.empty and can_resample(self._timeframe, timeframe):
            stored = load_candles(self._data_dir, pair, self._timeframe)
            frame = resample_candles(stored, self._timeframe, timeframe)
        return fill_gaps(frame, timeframe)

    def get_pair_dataframe(
        self, pair: str, timeframe: str | None = None, candle_type: str = ""
    ) -> DataFrame:
        """Live/dry-run: the exchange's candles; otherwise the stored ones."""
        if self._runmode in LIVE_MODES:
            return self.ohlcv(pair, timeframe, copy=True)
        return self.historic_ohlcv(pair, timeframe)

    def get_analyzed_dataframe(self, pair: str, timeframe: str) -> tuple[DataFrame, datetime]:
        """The pair's frame after populate_*, and the bot-clock time it was analysed at (the
        close of its last candle); an empty frame and 1970-01-01 before the first analysis."""
        found = self._analysed(pair, timeframe) if self._analysed is not None else None
        if found is None:
            return _empty(), EPOCH
        return found

    # Prices and markets
    def ticker(self, pair: str) -> dict[str, Any]:
        """ccxt's ticker shape (``last``, ``bid``, ``ask``, ``timestamp``); ``{}`` when unknown."""
        if self._exchange is None:
            return {}
        try:
            ticker = self._exchange.fetch_ticker(pair)
        except ExchangeError:
            return {}
        return {
            "symbol": ticker.symbol,
            "last": ticker.last,
            "close": ticker.last,
            "bid": ticker.bid,
            "ask": ticker.ask,
            "timestamp": int(ticker.timestamp.timestamp() * 1000),
            "datetime": ticker.timestamp.isoformat(),
            # ccxt's other keys, present as on an exchange that does not report them.
            **dict.fromkeys(("open", "high", "low", "baseVolume", "quoteVolume", "percentage")),
        }

    def orderbook(self, pair: str, maximum: int) -> dict[str, Any]:
        """ccxt's order book shape: ``bids`` / ``asks`` as ``[price, amount]``, best first."""
        if self._exchange is None:
            return {"symbol": pair, "bids": [], "asks": []}
        return self._exchange.fetch_order_book(pair, maximum)

    def market(self, pair: str) -> dict[str, Any] | None:
        """The pair's market (symbol, base, quote, precision, limits...), None when unlisted."""
        if self._exchange is None:
            return None
        market = self._exchange.markets().get(pair)
        if market is None:
            return None
        fields = asdict(market)
        return {
            **fields,
            "id": pair.replace("/", ""),
            "type": "spot" if market.spot else "swap",
            "precision": {"amount": market.amount_precision, "price": market.price_precision},
            "limits": {
                "amount": {"min": market.min_amount, "max": None},
                "cost": {"min": market.min_cost, "max": None},
            },
        }

    # Messages
    def send_msg(self, message: str, *, always_send: bool = False) -> None:
        """Log ``message`` and publish it to websocket clients (``strategy_msg``), once per
        candle unless ``always_send`` (live and dry-run only, as in Freqtrade)."""
        if self._runmode not in LIVE_MODES:
            return
        now = self._now()
        if not always_send and self._sent.get(message) == now:
            return
        self._sent = {message: now} if len(self._sent) > 1000 else {**self._sent, message: now}
        logger.info("Strategy message: %s", message)
        if self._publish is not None:
            self._publish({"type": "strategy_msg", "msg": message})

    # Internals
    def _now(self) -> datetime | None:
        return self._exchange.now() if self._exchange is not None else None

    def _fresh_cache(self) -> None:
        """Drop cached candles once a candle of the bot's timeframe closed: candles of every
        timeframe at least as long close only at those moments."""
        now = self._now()
        step = timeframe_to_seconds(self._timeframe)
        candle = int(now.timestamp()) // step if now is not None else None
        if candle != self._cache_clock:
            self._cache.clear()
            self._cache_clock = candle


def _empty() -> DataFrame:
    """No candles, with the candle dtypes, so a strategy's arithmetic on them gives NaN columns."""
    frame = pd.DataFrame({column: pd.Series(dtype="float64") for column in COLUMNS})
    frame["date"] = pd.Series(dtype="datetime64[ns, UTC]")
    return frame
