"""A strategy frame's signal columns: Freqtrade's v3 names (v2's mapped) and their types.

``enter_long``/``exit_long``/``enter_short``/``exit_short`` and the two tag columns, as the
engine, the backtester and ``/pair_candles`` read them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from pandas import DataFrame

SIGNAL_COLUMNS = ("enter_long", "exit_long", "enter_short", "exit_short")
TAG_COLUMNS = ("enter_tag", "exit_tag")
# Interface v2 column names and their v3 equivalents.
LEGACY_ENTRY_COLUMNS = {"buy": "enter_long", "buy_tag": "enter_tag"}
LEGACY_EXIT_COLUMNS = {"sell": "exit_long"}


def rename_legacy(df: DataFrame, names: Mapping[str, str]) -> DataFrame:
    """Map v2 ``buy``/``sell`` columns to v3 names, unless the v3 column was written."""
    for old, new in names.items():
        if old in df.columns and new not in df.columns:
            df = df.rename(columns={old: new})
    return df


def normalise_signals(df: DataFrame) -> DataFrame:
    """Every signal column present (NaN when never set) and tags as objects, None when unset."""
    added: dict[str, np.ndarray] = {}
    for column in SIGNAL_COLUMNS:
        if column not in df.columns:
            added[column] = np.full(len(df), np.nan)
    for column in TAG_COLUMNS:
        if column not in df.columns:
            added[column] = np.full(len(df), None, dtype=object)
            continue
        tags = df[column]
        if tags.dtype == object and not _has_nan_tags(tags.to_numpy()):
            continue
        # pandas 3 stores strings as its str dtype, whose "missing" is NaN, not None.
        # An explicit object Series: pandas 3 would infer its str dtype from the array.
        df[column] = pd.Series(
            tags.to_numpy(dtype=object, na_value=None), index=df.index, dtype=object
        )
    if added:
        # One concat, not one insert per column: this runs every candle for every pair.
        extra = DataFrame(
            {
                name: pd.Series(values, index=df.index, dtype=values.dtype)
                for name, values in added.items()
            }
        )
        df = pd.concat([df, extra], axis=1)
    return df


def _has_nan_tags(values: np.ndarray) -> bool:
    """True when something other than None marks "no tag" (NaN from ``.loc``, ``pd.NA``)."""
    return bool((pd.isna(values) & np.not_equal(values, None)).any())
