"""Download OHLCV history from an exchange into the data folder, appending without gaps."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

import pandas as pd

from bot_engine.data.candles import COLUMNS, load_candles, store_candles
from bot_engine.data.timeframes import timeframe_to_delta
from bot_engine.data.timerange import TimeRangeError, parse_timerange
from bot_engine.exceptions import ExchangeError, TradeplaneError

logger = logging.getLogger(__name__)

DOWNLOAD_FAILED = "Downloading {pair} {timeframe} failed: {error}"
NO_START = "timerange {value!r} has no start date: a download needs one"


class DownloadError(TradeplaneError):
    """A pair could not be downloaded; the data on disk is what it was before."""


class CandleSource(Protocol):
    """What downloading needs from an exchange (``CcxtExchange`` provides it)."""

    def fetch_ohlcv_pages(
        self, pair: str, timeframe: str, *, since: datetime, until: datetime | None = None
    ) -> Iterable[pd.DataFrame]: ...


class Progress(Protocol):
    """A progress bar over a time range, advanced in candles (tqdm's interface)."""

    def update(self, n: int) -> object: ...

    def close(self) -> object: ...


ProgressFactory = Callable[[str, int], Progress]  # (description, total candles) -> bar


@dataclass(frozen=True)
class PairDownload:
    """The outcome for one pair and timeframe."""

    pair: str
    timeframe: str
    added: int  # candles new on disk
    total: int  # candles in the file afterwards
    first: datetime | None
    last: datetime | None
    error: str | None = None


def download_range(
    *, days: int | None, timerange: str | None, now: datetime
) -> tuple[datetime, datetime | None]:
    """``(start, stop)`` from ``timerange`` (Freqtrade's syntax, ``data/timerange.py``), else
    the last ``days`` (default 30) up to now."""
    if timerange:
        try:
            start, stop = parse_timerange(timerange)
        except TimeRangeError as exc:
            raise DownloadError(str(exc)) from None
        if start is None:
            raise DownloadError(NO_START.format(value=timerange))
        return start, stop
    return now - timedelta(days=days or 30), None


def missing_spans(
    existing: pd.DataFrame, *, start: datetime, stop: datetime | None, timeframe: str
) -> list[tuple[datetime, datetime | None]]:
    """The ranges to fetch so the file covers ``start``..``stop`` with no hole.

    Data is only ever added next to what is stored: before its first candle (when ``start`` is
    earlier) and after its last one, from the candle after the last (even when ``start`` is
    later, which would otherwise leave a gap).
    """
    if existing.empty:
        return [(start, stop)]
    first = existing["date"].iloc[0].to_pydatetime()
    after_last = existing["date"].iloc[-1].to_pydatetime() + timeframe_to_delta(timeframe)
    spans: list[tuple[datetime, datetime | None]] = []
    if start < first:
        spans.append((start, first))
    if stop is None or stop > after_last:
        spans.append((after_last, stop))
    return spans


def download_pair(
    source: CandleSource,
    *,
    data_dir: Path,
    pair: str,
    timeframe: str,
    start: datetime,
    stop: datetime | None,
    now: datetime,
    progress: ProgressFactory | None = None,
) -> PairDownload:
    """Fetch what ``pair``/``timeframe`` lacks in ``start``..``stop`` and store the merged file.

    Nothing is written until every page is in: a failure leaves the old file untouched.
    """
    existing = load_candles(data_dir, pair, timeframe)
    spans = missing_spans(existing, start=start, stop=stop, timeframe=timeframe)
    step = timeframe_to_delta(timeframe)
    expected = sum(max(0, int(((until or now) - since) / step)) for since, until in spans)
    bar = progress(f"{pair} {timeframe}", expected) if progress else None
    pages = [existing]
    try:
        for since, until in spans:
            for page in source.fetch_ohlcv_pages(pair, timeframe, since=since, until=until):
                pages.append(page)
                if bar is not None:
                    bar.update(len(page))
    except ExchangeError as exc:
        raise DownloadError(
            DOWNLOAD_FAILED.format(pair=pair, timeframe=timeframe, error=exc)
        ) from exc
    finally:
        if bar is not None:
            bar.close()
    fetched = [p for p in pages[1:] if not p.empty]
    if not fetched:
        merged = existing
    else:
        merged = pd.concat([existing, *fetched], ignore_index=True)[COLUMNS]
        merged["date"] = pd.to_datetime(merged["date"], utc=True).astype("datetime64[ns, UTC]")
        merged = merged.drop_duplicates("date", keep="last").sort_values("date", ignore_index=True)
        store_candles(data_dir, pair, timeframe, merged)
    dates = merged["date"]
    return PairDownload(
        pair=pair,
        timeframe=timeframe,
        added=len(merged) - len(existing),
        total=len(merged),
        first=dates.iloc[0].to_pydatetime() if len(dates) else None,
        last=dates.iloc[-1].to_pydatetime() if len(dates) else None,
    )


def download_data(
    source: CandleSource,
    *,
    data_dir: Path,
    pairs: Sequence[str],
    timeframes: Sequence[str],
    start: datetime,
    stop: datetime | None,
    now: datetime | None = None,
    progress: ProgressFactory | None = None,
) -> list[PairDownload]:
    """Every pair x timeframe in turn; a pair that fails is reported and the others go on."""
    now = now or datetime.now(UTC)
    results = []
    for pair in pairs:
        for timeframe in timeframes:
            try:
                result = download_pair(
                    source,
                    data_dir=data_dir,
                    pair=pair,
                    timeframe=timeframe,
                    start=start,
                    stop=stop,
                    now=now,
                    progress=progress,
                )
            except DownloadError as exc:
                logger.error("%s", exc)
                result = PairDownload(pair, timeframe, 0, 0, None, None, error=str(exc))
            results.append(result)
    return results
