"""Recursive analysis: do the indicators depend on how many startup candles are loaded?
(Freqtrade's recursive-analysis)

Freqtrade's method: the strategy's indicators over the whole range (with its own
``startup_candle_count``) are the baseline. For each startup count asked for (and the
strategy's own), the indicators are computed again on only that many candles before the range's
last candle; the last candle's value is compared with the baseline's, as a % difference per
indicator (an EMA or RSI converges slowly: a difference means too few startup candles). A second
check cuts the data 10 candles after the range's start and compares that candle's indicators:
a value that changes there reads candles after it (lookahead in an indicator).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from bot_engine.backtest.analysis_frames import StrategyFrames
from bot_engine.backtest.lookahead import _missing, _same
from bot_engine.backtest.options import BacktestOptions
from bot_engine.config.model import BotConfig

logger = logging.getLogger(__name__)

Progress = Callable[[str, float, int], None]
DEFAULT_STARTUP_CANDLES = (199, 399, 499, 999, 1999)  # Freqtrade's default list
LOOKAHEAD_CANDLES = 10  # the indicator-only lookahead check cuts this far into the range
CANDLE_COLUMNS = {"date", "open", "high", "low", "close", "volume"}


@dataclass
class RecursiveResult:
    """Per indicator and startup count: the % difference from the baseline (Freqtrade's)."""

    filename: str
    strategy: str
    pair: str
    startup_candles: list[int]
    strategy_scc: int
    # indicator -> {count: % difference, None when not a number}; a count missing: no change
    results: dict[str, dict[int, float | None]] = field(default_factory=dict)
    # indicator -> {count: the text Freqtrade prints ("0.041%", "nan%", "NaN")}
    texts: dict[str, dict[int, str]] = field(default_factory=dict)
    lookahead_indicators: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "filename": self.filename,
            "pair": self.pair,
            "startup_candles": list(self.startup_candles),
            "strategy_scc": self.strategy_scc,
            "results": {
                name: {str(count): value for count, value in values.items()}
                for name, values in self.results.items()
            },
            "lookahead_indicators": list(self.lookahead_indicators),
        }


def check_startup_candles(counts: list[int] | None) -> str | None:
    if counts is not None and any(int(count) < 0 for count in counts):
        return "Startup candle counts must be 0 or more."
    return None


def analyse_recursive(
    config: BotConfig,
    options: BacktestOptions,
    startup_candles: list[int] | None = None,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RecursiveResult:
    """Freqtrade's recursive-analysis of ``options.strategy`` on its first pair."""
    report = progress or (lambda step, fraction, count: None)
    first = (options.pairs or ())[:1] or None
    frames = StrategyFrames(config, replace(options, pairs=first))
    pair = frames.pairs[0]
    if pair not in frames.stored:
        from bot_engine.selectors.candles import NoCandleData

        raise NoCandleData(f"No data for {pair}.")
    logger.info("Using pair %s only for recursive analysis.", pair)
    scc = frames.startup
    counts = sorted({int(c) for c in (startup_candles or DEFAULT_STARTUP_CANDLES)} | {scc})
    strategy = frames.strategy
    result = RecursiveResult(
        filename=Path(strategy.__file__ or "").name,
        strategy=strategy.get_strategy_name(),
        pair=pair,
        startup_candles=counts,
        strategy_scc=scc,
    )
    baseline = frames.analysed(pair, stop=frames.timerange.stop, indicators_only=True)
    last = baseline.iloc[-1]
    last_date = pd.Timestamp(last["date"]).to_pydatetime()
    columns = [c for c in baseline.columns if c not in CANDLE_COLUMNS]
    for number, count in enumerate(counts):
        if should_stop is not None and should_stop():
            from bot_engine.backtest.engine import STOP_REQUESTED, BacktestStopped

            raise BacktestStopped(STOP_REQUESTED)
        report("recursive", number / (len(counts) + 1), 0)
        # Freqtrade's cut starts one candle before the last, ``count`` candles before that.
        part = frames.analysed(
            pair,
            start=last_date - frames.candle,
            stop=last_date,
            startup=count,
            indicators_only=True,
        )
        _record(result, columns, last, part.iloc[-1], count)
    result.lookahead_indicators = _lookahead_indicators(frames, pair, baseline, columns)
    report("recursive", 1.0, 0)
    return result


def _record(result: RecursiveResult, columns: list[str], base, part, count: int) -> None:
    for column in columns:
        if column not in part.index or _same(base[column], part[column]):
            continue
        value, text = _difference(base[column], part[column])
        result.results.setdefault(str(column), {})[count] = value
        result.texts.setdefault(str(column), {})[count] = text


def _difference(base: Any, other: Any) -> tuple[float | None, str]:
    """Freqtrade's % difference: (other - base) / base; "NaN" when either is zero/empty."""
    try:
        base, other = float(base), float(other)
    except (TypeError, ValueError):
        return None, "NaN"
    if not base or not other:
        return None, "NaN"
    diff = (other - base) / base * 100
    return (None if _missing(diff) else diff), f"{diff:.3f}%"


def _lookahead_indicators(
    frames: StrategyFrames, pair: str, baseline: pd.DataFrame, columns: list[str]
) -> list[str]:
    start = frames.timerange.start or pd.Timestamp(baseline["date"].iloc[frames.startup])
    moment: datetime = pd.Timestamp(start).to_pydatetime() + LOOKAHEAD_CANDLES * frames.candle
    cut = frames.analysed(pair, start=start, stop=moment, indicators_only=True)
    stamp = pd.Timestamp(cut["date"].iloc[-1])
    full_row = baseline[baseline["date"] == stamp]
    cut_row = cut[cut["date"] == stamp]
    if full_row.empty or cut_row.empty:
        return []
    found = []
    for column in columns:
        if column in cut_row.columns and not _same(
            full_row[column].iloc[0], cut_row[column].iloc[0]
        ):
            logger.info("Lookahead in indicator %s", column)
            found.append(str(column))
    return found
