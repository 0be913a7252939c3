"""``merge_informative_pair`` and the stoploss helpers, with Freqtrade's semantics."""

from __future__ import annotations

import pandas as pd

from freqtrade.exchange import timeframe_to_minutes


def merge_informative_pair(
    dataframe: pd.DataFrame,
    informative: pd.DataFrame,
    timeframe: str,
    timeframe_inf: str,
    ffill: bool = True,
    append_timeframe: bool = True,
    date_column: str = "date",
    suffix: str | None = None,
) -> pd.DataFrame:
    """Join a same-or-slower timeframe frame onto ``dataframe`` without lookahead.

    An informative candle opening at D closes at D + timeframe_inf, so it first becomes
    usable on the base candle that closes at that moment: the one opening at
    D + timeframe_inf - timeframe. Informative columns get the ``_<timeframe_inf>`` suffix
    (or ``_<suffix>``); with ``ffill`` each base row carries the latest closed candle.
    """
    minutes = timeframe_to_minutes(timeframe)
    minutes_inf = timeframe_to_minutes(timeframe_inf)
    if minutes_inf < minutes:
        raise ValueError(
            "Tried to merge a faster timeframe to a slower timeframe. "
            "This would create new rows, and can throw off your regular indicators."
        )
    if suffix and append_timeframe:
        raise ValueError("You can not specify `append_timeframe` as True and a `suffix`.")
    tag = timeframe_inf if append_timeframe else suffix
    merge_key = f"date_merge_{tag}" if tag else "date_merge"
    left_dates = dataframe["date"]
    inf = informative.copy()
    usable_from = inf[date_column] + pd.Timedelta(minutes=minutes_inf - minutes)
    if tag:
        inf.columns = [f"{column}_{tag}" for column in inf.columns]
    # merge_asof refuses keys of different resolutions (ns vs us), so align them.
    inf[merge_key] = usable_from.astype(left_dates.dtype)
    if ffill:
        merged = pd.merge_asof(
            dataframe,
            inf.sort_values(merge_key),
            left_on="date",
            right_on=merge_key,
            direction="backward",
        )
    else:
        merged = dataframe.merge(inf, left_on="date", right_on=merge_key, how="left")
    return merged.drop(columns=merge_key)


def stoploss_from_open(
    open_relative_stop: float, current_profit: float, is_short: bool = False, leverage: float = 1.0
) -> float:
    """Turn a stop relative to the open rate into one relative to the current rate.

    E.g. keep 7% above open while 10% in profit: ``stoploss_from_open(0.07, 0.10)``.
    Never negative (a stop above the current rate is clamped to 0); 1 for a total loss.
    """
    sign = -1 if is_short else 1
    if current_profit == -1 * sign:
        return 1.0
    ratio = (1 + sign * open_relative_stop / leverage) / (1 + sign * current_profit / leverage)
    stoploss = sign * (1 - ratio)
    return max(stoploss * leverage, 0.0)


def stoploss_from_absolute(
    stop_rate: float, current_rate: float, is_short: bool = False, leverage: float = 1.0
) -> float:
    """Turn an absolute stop price into a stop ratio relative to ``current_rate``."""
    if current_rate == 0:
        return 1.0
    stoploss = 1 - stop_rate / current_rate
    if is_short:
        stoploss = -stoploss
    return max(min(stoploss, 1.0), 0.0) * leverage


__all__ = ["merge_informative_pair", "stoploss_from_absolute", "stoploss_from_open"]
