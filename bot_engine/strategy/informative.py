"""Informative candles: ``merge_informative_pair`` and the ``@informative`` decorator.

Both follow Freqtrade's rules, so a strategy sees the same columns with the same values:

* An informative candle is usable only once it has closed. The 1h candle opening at 10:00 closes
  at 11:00, which is when the 5m candle opening at 10:55 closes; so that 5m row is the first to
  carry it (its ``date_1h`` is 10:00). Rows between two informative closes carry the latest
  closed one (``ffill``), never the candle still forming: no lookahead.
* ``@informative(timeframe, asset, fmt)`` marks a ``populate_indicators_*`` method that gets the
  ``timeframe`` candles of ``asset`` (the analysed pair when empty; ``{stake}`` is replaced by
  the stake currency) through the data provider; its columns are renamed by ``fmt`` (default
  ``{column}_{timeframe}``, or ``{base}_{quote}_{column}_{timeframe}`` for another asset) and
  merged into the strategy's frame before ``populate_indicators`` runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas import DataFrame

from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.exceptions import StrategyError

PopulateIndicators = Callable[[Any, DataFrame, dict], DataFrame]
INFORMATIVE_ATTR = "_ft_informative"  # Freqtrade's attribute name, which some strategies read


@dataclass
class InformativeData:
    """One ``@informative(...)`` use: which candles, and how their columns are named."""

    asset: str
    timeframe: str
    fmt: str | Callable[..., str] | None
    ffill: bool
    candle_type: str | None = None


def informative(
    timeframe: str,
    asset: str = "",
    fmt: str | Callable[..., str] | None = None,
    *,
    candle_type: str | None = None,
    ffill: bool = True,
) -> Callable[[PopulateIndicators], PopulateIndicators]:
    """Mark ``populate_indicators_*(self, dataframe, metadata)`` as an informative populator.

    Stackable: each use adds one (asset, timeframe) the method is run on and merged from.
    """

    def decorator(fn: PopulateIndicators) -> PopulateIndicators:
        uses = list(getattr(fn, INFORMATIVE_ATTR, None) or [])
        uses.append(InformativeData(asset, timeframe, fmt, ffill, candle_type))
        setattr(fn, INFORMATIVE_ATTR, uses)
        return fn

    return decorator


def decorated_populators(strategy: Any) -> list[tuple[InformativeData, PopulateIndicators]]:
    """The ``@informative`` methods of ``strategy``'s class, by name, each use once."""
    return _populators(type(strategy), strategy.timeframe)


@functools.cache
def _populators(cls: type, timeframe: str) -> list[tuple[InformativeData, PopulateIndicators]]:
    # Cached per class: analyze runs every candle for every pair, and dir() is not free.
    found = []
    base_seconds = timeframe_to_seconds(timeframe)
    for name in dir(cls):
        method = getattr(cls, name, None)
        uses = getattr(method, INFORMATIVE_ATTR, None) if callable(method) else None
        if not isinstance(uses, list):
            continue
        for use in uses:
            if timeframe_to_seconds(use.timeframe) < base_seconds:
                raise StrategyError(
                    "Informative timeframe must be equal or higher than strategy timeframe!"
                )
            found.append((use, method))
    return found


def format_pair(pair: str, stake_currency: str) -> str:
    """``BTC/{stake}`` -> ``BTC/USDT``: the stake currency put in, upper case as on exchanges."""
    return pair.format(stake_currency=stake_currency, stake=stake_currency).upper()


def merge_decorated(
    strategy: Any,
    dataframe: DataFrame,
    metadata: dict,
    use: InformativeData,
    populate: PopulateIndicators,
) -> DataFrame:
    """Run one ``@informative`` populator on its candles and merge the result into ``dataframe``."""
    dp = strategy.dp
    if dp is None:
        raise StrategyError(
            f"{strategy.get_strategy_name()} uses @informative, which needs the data provider."
        )
    stake = str(strategy.config.get("stake_currency", ""))
    asset = format_pair(use.asset, stake) if use.asset else metadata["pair"]
    market = dp.market(asset)
    if market is None:
        raise StrategyError(f"Market {asset} is not available.")
    fmt = use.fmt or (
        "{base}_{quote}_{column}_{timeframe}" if use.asset else "{column}_{timeframe}"
    )
    candles = dp.get_pair_dataframe(asset, use.timeframe)
    candles = populate(strategy, candles, {"pair": asset, "timeframe": use.timeframe})
    base, quote = str(market["base"]), str(market["quote"])
    names = {
        "BASE": base.upper(),
        "QUOTE": quote.upper(),
        "base": base.lower(),
        "quote": quote.lower(),
        "asset": asset,
        "timeframe": use.timeframe,
    }
    formatter = fmt if callable(fmt) else fmt.format
    candles = candles.rename(columns=lambda column: formatter(column=column, **names))
    date_column = formatter(column="date", **names)
    if date_column in dataframe.columns:
        raise StrategyError(
            f"Duplicate column name {date_column} exists in dataframe! "
            "Ensure column names are unique!"
        )
    return merge_informative_pair(
        dataframe,
        candles,
        strategy.timeframe,
        use.timeframe,
        ffill=use.ffill,
        append_timeframe=False,
        date_column=date_column,
    )


def merge_informative_pair(
    dataframe: DataFrame,
    informative: DataFrame,
    timeframe: str,
    timeframe_inf: str,
    ffill: bool = True,
    append_timeframe: bool = True,
    date_column: str = "date",
    suffix: str | None = None,
) -> DataFrame:
    """``dataframe`` with the columns of the same-or-slower ``informative`` candles, no lookahead.

    Informative columns are renamed ``<column>_<timeframe_inf>`` (or ``<column>_<suffix>``; left
    as they are with ``append_timeframe=False`` and no suffix). An informative candle lands on
    the base row whose candle closes when it closes; with ``ffill`` the rows after it carry it
    until the next one closes, without it they hold NaN.
    """
    seconds = timeframe_to_seconds(timeframe)
    seconds_inf = timeframe_to_seconds(timeframe_inf)
    if seconds_inf < seconds:
        raise ValueError(
            "Tried to merge a faster timeframe to a slower timeframe. "
            "This would create new rows, and can throw off your regular indicators."
        )
    if suffix and append_timeframe:
        raise ValueError("You can not specify `append_timeframe` as True and a `suffix`.")
    dates = pd.DatetimeIndex(pd.to_datetime(dataframe["date"], utc=True))
    # The base candle on which the informative one closes opens a base candle before that close.
    usable_at = pd.to_datetime(informative[date_column], utc=True) + pd.Timedelta(
        seconds=seconds_inf - seconds
    )
    positions = pd.DatetimeIndex(usable_at).as_unit(dates.unit).get_indexer(dates)
    if ffill:
        # Each row takes the latest informative candle that landed on it or on an earlier row
        # (landing positions grow with the date, so a running maximum carries them forward).
        positions = np.maximum.accumulate(positions) if len(positions) else positions
    tag = timeframe_inf if append_timeframe else suffix
    picked = informative.reset_index(drop=True).reindex(positions)
    if tag:
        picked.columns = [f"{column}_{tag}" for column in picked.columns]
    picked.index = dataframe.index
    # A name on both sides (date_1h when a second 1h frame is merged) is kept twice, as pandas'
    # merge in Freqtrade keeps it: ``<name>_x`` (the base frame's) and ``<name>_y`` (this one's).
    both = [c for c in picked.columns if c in dataframe.columns and c != "date"]
    if both:
        dataframe = dataframe.rename(columns={c: f"{c}_x" for c in both})
        picked = picked.rename(columns={c: f"{c}_y" for c in both})
    return pd.concat([dataframe, picked], axis=1)


__all__ = ["InformativeData", "informative", "merge_informative_pair"]
