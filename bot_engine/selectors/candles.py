"""``/pair_candles`` and ``/pair_history``: the analysed dataframes to answer with (§3.8); their
JSON encoding is ``api/serializers/candles.py``'s."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from bot_engine.config.model import BotConfig
from bot_engine.data.candles import COLUMNS, available_data, load_candles
from bot_engine.data.gaps import fill_gaps
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.data.timerange import TimeRangeError
from bot_engine.data.timerange import parse_timerange as timerange_bounds
from bot_engine.engine.state import AnalysedFrame
from bot_engine.exceptions import ConfigError, ExchangeError, TradeplaneError
from bot_engine.exchange.base import Market, Ticker
from bot_engine.selectors.columns import EPOCH
from bot_engine.strategy.dataprovider import DataProvider
from bot_engine.strategy.enums import RunMode
from bot_engine.strategy.loader import load_strategy

BASE_COLUMNS = (
    "date",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "enter_long",
    "exit_long",
    "enter_short",
    "exit_short",
)
NO_DATA = "No data for {pair}, {timeframe} in {timerange} found."
LIVE_FAILED = "Could not fetch {pair}, {timeframe} from {name}: {exc}"
LIVE_DAYS = timedelta(days=30)  # live_mode without a start: Freqtrade's last 30 days


class NoCandleData(TradeplaneError):
    """No stored candles for the requested pair, timeframe and range."""


@dataclass(frozen=True, slots=True)
class CandleFrame:
    """An analysed dataframe to answer with, already trimmed to the wanted rows."""

    frame: pd.DataFrame
    pair: str
    timeframe: str
    strategy: str
    analysed_at: datetime
    columns: Sequence[str] | None = None  # extra columns asked for; None: all of them


def pair_candles(
    *,
    analysed: AnalysedFrame | None,
    pair: str,
    timeframe: str,
    strategy: str,
    limit: int | None = None,
    columns: Sequence[str] | None = None,
) -> CandleFrame:
    """The bot's cached analysed frame for ``pair`` (empty when it is not cached)."""
    if analysed is None:
        frame, when = pd.DataFrame(columns=list(BASE_COLUMNS[:6])), EPOCH
    else:
        frame, when = analysed.frame, analysed.analysed_at
    if limit:
        frame = frame.tail(limit)
    return CandleFrame(
        frame, pair=pair, timeframe=timeframe, strategy=strategy, analysed_at=when, columns=columns
    )


def parse_timerange(timerange: str | None) -> tuple[datetime | None, datetime | None]:
    """Freqtrade's timerange syntax (``bot_engine/data/timerange.py``: dates, hours and minutes,
    epochs); a bad one is ``NoCandleData`` with Freqtrade's message."""
    try:
        return timerange_bounds(timerange)
    except TimeRangeError as exc:
        raise NoCandleData(str(exc)) from None


def pair_history(
    *,
    config: BotConfig,
    pair: str,
    timeframe: str,
    timerange: str | None,
    strategy: str,
    strategy_dirs: Sequence[Path],
    columns: Sequence[str] | None = None,
    live: bool = False,
    now: datetime | None = None,
) -> CandleFrame:
    """Stored candles in ``timerange`` analysed by ``strategy``, framed as Freqtrade frames them:
    the range's stop candle included, gaps filled with "no trade" candles, and the strategy's
    ``startup_candle_count`` candles loaded before the start, analysed, then cut from the answer
    (cut by count even without a start date, as Freqtrade does).

    ``live`` (API 2.42's ``live_mode``): the candles come from the exchange instead of the disk
    (from the start, or the last 30 days, as Freqtrade asks); on replay the exchange's candles
    are the stored ones."""
    start, stop = parse_timerange(timerange)
    loaded = load_strategy(strategy, config=config.raw, search_dirs=strategy_dirs)
    # The request's timeframe replaces the strategy's, as in Freqtrade (its config wins): a
    # strategy merging informatives relative to ``self.timeframe`` then merges them right.
    loaded.timeframe = timeframe
    startup = int(loaded.startup_candle_count)
    if live and not config.exchange.is_replay:
        since = (start or (now or datetime.now(UTC)) - LIVE_DAYS) - pd.Timedelta(
            seconds=timeframe_to_seconds(timeframe) * startup
        )
        candles = _exchange_candles(config, pair, timeframe, since=since, stop=stop)
    else:
        candles = load_candles(config.data_dir, pair, timeframe)
    if start is not None:
        before = pd.Timedelta(seconds=timeframe_to_seconds(timeframe) * startup)
        candles = candles[candles["date"] >= pd.Timestamp(start) - before]
    if stop is not None:
        candles = candles[candles["date"] <= pd.Timestamp(stop)]
    if candles.empty:
        raise NoCandleData(NO_DATA.format(pair=pair, timeframe=timeframe, timerange=timerange))
    # Freqtrade's webserver gives the strategy a DataProvider on the stored candles (runmode
    # webserver, no pairlist: current_whitelist() raises there too).
    loaded.dp = DataProvider(
        config.raw,
        StoredMarkets(config.data_dir),
        runmode=RunMode.WEBSERVER,
        timeframe=timeframe,
        data_dir=config.data_dir,
    )
    frame = loaded.analyze(fill_gaps(candles, timeframe), pair)
    frame = frame.iloc[startup:]
    return CandleFrame(
        frame,
        pair=pair,
        timeframe=timeframe,
        strategy=strategy,
        analysed_at=datetime.now(UTC),
        columns=columns,
    )


def _exchange_candles(
    config: BotConfig, pair: str, timeframe: str, *, since: datetime, stop: datetime | None
) -> pd.DataFrame:
    """``since``..``stop`` (the stop candle included) asked of the configured exchange."""
    from bot_engine.exchange.ccxt_exchange import CcxtExchange

    until = stop + pd.Timedelta(seconds=timeframe_to_seconds(timeframe)) if stop else None
    name = config.exchange.name
    try:
        exchange = CcxtExchange(config.exchange)
        try:
            pages = list(exchange.fetch_ohlcv_pages(pair, timeframe, since=since, until=until))
        finally:
            exchange.close()
    except (ConfigError, ExchangeError) as exc:
        message = LIVE_FAILED.format(pair=pair, timeframe=timeframe, name=name, exc=exc)
        raise NoCandleData(message) from None
    if not pages:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.concat(pages, ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"], utc=True)
    return frame.drop_duplicates("date", keep="last").sort_values("date", ignore_index=True)


class StoredMarkets:
    """The exchange as ``pair_history`` sees it without a bot: the markets are the pairs whose
    candles are stored (``@informative`` with an asset reads its base and quote from them); it
    has no live prices or order books."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir

    def markets(self) -> dict[str, Market]:
        pairs = {pair for pair, _tf, _type in available_data(self._data_dir)}
        return {pair: Market(pair, *pair.split("/", 1)) for pair in pairs if "/" in pair}

    def fetch_ticker(self, pair: str) -> Ticker:
        raise ExchangeError(f"No live prices for {pair} without a running bot.")

    def fetch_order_book(self, pair: str, limit: int) -> dict:
        return {"symbol": pair, "bids": [], "asks": []}

    def now(self) -> None:
        return None
