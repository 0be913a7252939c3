"""What every pairlist handler shares: the context it runs in, market data, and the base class.

A chain (``chain.py``) calls the first handler's ``generate`` and every later one's ``filter``,
as Freqtrade's PairListManager does. Market data comes through the engine's one exchange
interface, so the replay exchange answers from its candles like a live exchange would.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.exceptions import ExchangeError
from bot_engine.exchange.base import Exchange, Market
from bot_engine.pairlists.params import Param

logger = logging.getLogger(__name__)

TICKER_TIMEFRAME = "5m"  # the 24h ticker values are built from a day of these candles
TICKER_CANDLES = 24 * 60 // 5
# Seconds of the exchange's clock a pair's ticker is reused (Freqtrade caches its tickers for
# 10 minutes too): a filter chain then reads a live exchange once per pair per 10 minutes.
TICKER_TTL = 600.0


@dataclass(frozen=True)
class TickerInfo:
    """ccxt's ticker fields the handlers read: last, bid, ask, 24h quote volume and change (%)."""

    last: float | None
    bid: float | None
    ask: float | None
    quote_volume: float | None
    percentage: float | None


@dataclass
class PairlistContext:
    """Everything a handler may consult; built by the engine or by an evaluation job."""

    exchange: Exchange
    stake_currency: str
    whitelist: tuple[str, ...] = ()  # exchange.pair_whitelist (StaticPairList's pairs)
    blacklist: tuple[str, ...] = ()
    stoploss: float | None = None  # PrecisionFilter: the bot's stoploss
    bot_id: int | None = None  # PerformanceFilter: whose closed trades; None = no trades
    live: bool = True  # Freqtrade ignores ShuffleFilter's seed in dry-run/live
    candle_timeframe: str = "5m"  # ShuffleFilter's "candle" frequency
    config: Any = None  # the BotConfig the chain was built from (a reload builds a new one)
    _tickers: dict[str, tuple[float, TickerInfo]] = field(default_factory=dict)
    _listed: tuple[float, Mapping[str, Mapping[str, float | None]]] | None = None

    def now(self) -> datetime:
        return self.exchange.now()

    def markets(self) -> Mapping[str, Market]:
        return self.exchange.markets()

    def candles(self, pair: str, timeframe: str, count: int) -> pd.DataFrame:
        """The last ``count`` closed candles (empty when the exchange has none)."""
        if count <= 0:
            return pd.DataFrame()
        try:
            return self.exchange.fetch_ohlcv(pair, timeframe, count)
        except ExchangeError as exc:
            logger.info("Pairlist: no %s candles for %s: %s", timeframe, pair, exc)
            return pd.DataFrame()

    def ticker(self, pair: str) -> TickerInfo:
        """The 24h ticker of ``pair`` (kept ``TICKER_TTL``): price from the exchange's ticker,
        volume and change from the last day of candles (what an exchange's 24h ticker says)."""
        now = self.now().timestamp()
        kept = self._tickers.get(pair)
        if kept is None or now >= kept[0]:
            kept = self._tickers[pair] = (now + TICKER_TTL, self._build_ticker(pair))
        return kept[1]

    def _build_ticker(self, pair: str) -> TickerInfo:
        tickers = self._exchange_tickers()
        if tickers is not None:  # the exchange's word; a pair it does not list has no ticker
            listed = tickers.get(pair, {})
            return TickerInfo(
                listed.get("last"),
                listed.get("bid"),
                listed.get("ask"),
                listed.get("quoteVolume"),
                listed.get("percentage"),
            )
        try:
            quote = self.exchange.fetch_ticker(pair)
            last, bid, ask = quote.last, quote.bid, quote.ask
        except ExchangeError:
            last = bid = ask = None
        day = self.candles(pair, TICKER_TIMEFRAME, TICKER_CANDLES)
        if day.empty:
            return TickerInfo(last, bid, ask, None, None)
        volume = float((day["volume"] * typical_price(day)).sum())
        first_open = float(day["open"].iloc[0])
        close = last if last is not None else float(day["close"].iloc[-1])
        change = (close - first_open) / first_open * 100 if first_open > 0 else None
        return TickerInfo(last, bid, ask, volume, change)

    def _exchange_tickers(self) -> Mapping[str, Mapping[str, float | None]] | None:
        """A live exchange's own 24 h tickers, all in one request per ``TICKER_TTL`` (ccxt);
        None where the exchange has none (the replay: tickers come from its candles)."""
        source = getattr(self.exchange, "data", self.exchange)  # dry-run wraps the exchange
        fetch = getattr(source, "fetch_tickers_24h", None)
        if fetch is None:
            return None
        now = self.now().timestamp()
        if self._listed is None or now >= self._listed[0]:
            try:
                self._listed = (now + TICKER_TTL, fetch())
            except ExchangeError as exc:
                logger.warning("Pairlist: no tickers from the exchange: %s", exc)
                self._listed = (now + TICKER_TTL, {})
        return self._listed[1]


def typical_price(candles: pd.DataFrame) -> pd.Series:
    return (candles["high"] + candles["low"] + candles["close"]) / 3


def blacklisted(pairs: Iterable[str], blacklist: Iterable[str]) -> list[str]:
    """The pairs any blacklist entry matches, in their order (entries may be regexes such as
    ``BNB/.*``; an entry that is no valid regex matches nothing)."""
    patterns = []
    for entry in blacklist:
        try:
            patterns.append(re.compile(f"^{entry}$"))
        except re.error:
            continue
    return [p for p in pairs if any(pattern.match(p) for pattern in patterns)]


class PairlistHandler:
    """One handler of a chain. Generators build a list (``generate``); every handler filters
    one (``filter``); ``keep`` is the per-pair test of a plain filter."""

    name: str = ""
    description: str = ""
    is_pairlist_generator: bool = False
    params: Mapping[str, Param] = {}
    needs_tickers: bool = False

    def __init__(self, entry: Mapping[str, Any], context: PairlistContext) -> None:
        self.entry = entry
        self.context = context
        self._cache: dict[Any, tuple[float, Any]] = {}

    def option(self, key: str) -> Any:
        value = self.entry.get(key)
        return self.params[key].default if value is None else value

    def filter(self, pairs: list[str]) -> list[str]:
        return [pair for pair in pairs if self.keep(pair)]

    def keep(self, pair: str) -> bool:
        return True

    def cached(self, key: Any, period: float, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept ``period`` seconds of the exchange's clock (refresh_period)."""
        now = self.context.now().timestamp()
        hit = self._cache.get(key)
        if hit is not None and now < hit[0]:
            return hit[1]
        value = compute()
        if period > 0:
            self._cache[key] = (now + period, value)
        return value

    def tradable(self, pairs: Iterable[str], *, allow_inactive: bool = False) -> list[str]:
        """Pairs that exist, are spot pairs quoted in the stake currency and are active, in
        order, once each, minus the blacklist (Freqtrade's checks on every handler's output)."""
        markets = self.context.markets()
        stake = self.context.stake_currency
        out = []
        for pair in dict.fromkeys(pairs):
            market = markets.get(pair)
            if market is None or market.quote != stake or not market.spot:
                logger.debug("Pairlist %s: %s is not a %s spot market", self.name, pair, stake)
                continue
            if not market.active and not allow_inactive:
                continue
            out.append(pair)
        banned = set(blacklisted(out, self.context.blacklist))
        return [p for p in out if p not in banned]


def lookback(entry: Mapping[str, Any], params: Mapping[str, Param]) -> tuple[str, int]:
    """``(timeframe, candles)`` from lookback_days or lookback_timeframe + lookback_period."""
    days = entry.get("lookback_days") or 0
    if days:
        return "1d", int(days)
    period = entry.get("lookback_period")
    if period is None:
        period = params["lookback_period"].default
    return str(entry.get("lookback_timeframe") or "1d"), int(period or 0)


def lookback_check(entry: Mapping[str, Any], *, required: bool) -> str | None:
    """Freqtrade's rules for the lookback trio (an ambiguous or missing range is refused)."""
    days = entry.get("lookback_days") or 0
    period = entry.get("lookback_period")
    timeframe = entry.get("lookback_timeframe", "1d")
    if days and (period or 0) > 0:
        return "lookback_days and lookback_period are both set; set only one of them"
    if days and timeframe != "1d":
        return (
            f"lookback_days implies a lookback_timeframe of 1d, not {timeframe}; "
            "set lookback_period instead"
        )
    try:
        timeframe_to_seconds(str(timeframe))
    except (ValueError, KeyError, IndexError):
        return f"lookback_timeframe: {timeframe!r} is not a timeframe like '1d' or '4h'"
    if required and "lookback_days" in entry and days < 1 and not (period or 0) > 0:
        return "lookback_days must be >= 1"
    return None
