"""Lookahead analysis: does the strategy peek into the future? (Freqtrade's lookahead-analysis)

Freqtrade's method, on Tradeplane's backtester: one backtest of the whole range is the baseline.
Then for each of its trades (up to ``targeted_trade_amount``; a trade force-exited at the end is
not a signal) the backtest is run again on that trade's pair with the candles cut one candle
after its entry, and again one candle after its exit. A trade the cut run does not reproduce
(same entry / exit date) is a biased entry / exit signal. At the entry and exit candles the
analysed frames of the baseline and of the cut are compared column by column; a column whose
value differs there (an indicator, or a signal column) is a biased indicator. The run's settings
are Freqtrade's for this test: unlimited slots, stake 10k from a 1-billion wallet, no
protections, market orders unless limit orders are allowed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from bot_engine.backtest.options import BacktestOptions
from bot_engine.config.model import BotConfig

if TYPE_CHECKING:
    from bot_engine.backtest.analysis_frames import StrategyFrames

logger = logging.getLogger(__name__)

Progress = Callable[[str, float, int], None]
STAKE = 10_000.0  # Freqtrade's fixed stake for the test
WALLET = 1_000_000_000.0  # "basically infinite": no trade is refused for money
MARKET = {"entry": "market", "exit": "market", "stoploss": "market", "stoploss_on_exchange": False}


@dataclass(frozen=True)
class LookaheadRequest:
    """Freqtrade's lookahead-analysis flags beside the backtest's."""

    minimum_trade_amount: int = 10
    targeted_trade_amount: int = 20
    allow_limit_orders: bool = False


@dataclass
class LookaheadResult:
    """One strategy's verdict, as Freqtrade's table / CSV / API result."""

    filename: str
    strategy: str
    has_bias: bool = False
    total_signals: int = 0
    biased_entry_signals: int = 0
    biased_exit_signals: int = 0
    biased_indicators: list[str] = field(default_factory=list)
    failed: str = ""  # Freqtrade's "too few trades caught (n/m).Test failed."

    def as_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "strategy": self.strategy,
            "has_bias": self.has_bias,
            "total_signals": self.total_signals,
            "biased_entry_signals": self.biased_entry_signals,
            "biased_exit_signals": self.biased_exit_signals,
            "biased_indicators": list(self.biased_indicators),
            "failed": self.failed,
        }


def check_request(request: LookaheadRequest, options: BacktestOptions) -> str | None:
    """What is wrong with the request (Freqtrade's words), or None."""
    if request.minimum_trade_amount < 1:
        return "Minimum trade amount must be at least 1."
    if request.targeted_trade_amount < request.minimum_trade_amount:
        return "Targeted trade amount can't be smaller than minimum trade amount."
    if not options.timerange:
        return (
            "Please set a timerange. "
            "Usually a few months are enough depending on your needs and strategy."
        )
    return None


def test_config(config: BotConfig, request: LookaheadRequest) -> BotConfig:
    """The config with Freqtrade's forced settings (protections off, market orders)."""
    raw = {**config.raw, "enable_protections": False}
    if request.allow_limit_orders:
        return replace(config, raw=raw)
    other = {"entry": "other", "exit": "other"}
    return replace(
        config,
        raw=raw,
        order_types={**(config.order_types or {}), **MARKET},
        entry_pricing=replace(config.entry_pricing, price_side=other["entry"]),
        exit_pricing=replace(config.exit_pricing, price_side=other["exit"]),
    )


def test_options(options: BacktestOptions) -> BacktestOptions:
    return replace(
        options,
        max_open_trades=-1,
        stake_amount=STAKE,
        dry_run_wallet=WALLET,
        enable_protections=False,
    )


def analyse_lookahead(
    config: BotConfig,
    options: BacktestOptions,
    request: LookaheadRequest,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> LookaheadResult:
    """Freqtrade's lookahead-analysis of ``options.strategy`` over ``options.timerange``."""
    # Imported here: the webserver checks requests with this module, never simulates.
    from bot_engine.backtest.analysis_frames import StrategyFrames
    from bot_engine.backtest.simulator import simulate

    report = progress or (lambda step, fraction, count: None)
    config = test_config(config, request)
    options = test_options(options)
    frames = StrategyFrames(config, options)
    strategy = frames.strategy
    result = LookaheadResult(
        filename=Path(strategy.__file__ or "").name, strategy=strategy.get_strategy_name()
    )
    full = simulate(config, options, should_stop=should_stop)
    trades = full.trades
    if len(trades) < request.minimum_trade_amount:
        # Freqtrade counts the signals checked (none yet), not the trades found.
        result.failed = (
            f"too few trades caught ({result.total_signals}/{request.minimum_trade_amount})"
            ".Test failed."
        )
        logger.info(
            "Lookahead analysis of %s: %d trades, fewer than the minimum %d",
            result.strategy,
            len(trades),
            request.minimum_trade_amount,
        )
        return result
    end = _ms(full.backtest_end)
    baseline: dict[str, pd.DataFrame] = {}
    for trade in trades:
        if result.total_signals >= request.targeted_trade_amount:
            break
        if trade["close_timestamp"] >= end:
            continue  # force-exited at the end of the range: no exit signal to check
        result.total_signals += 1
        report("lookahead", result.total_signals / request.targeted_trade_amount, 0)
        pair = trade["pair"]
        if pair not in baseline:
            baseline[pair] = frames.analysed(pair, stop=frames.timerange.stop)
        for side, key in (("entry", "open_timestamp"), ("exit", "close_timestamp")):
            moment = _dt(trade[key])
            cut = _cut_options(options, frames, pair, moment)
            rerun = simulate(config, cut, should_stop=should_stop)
            if not any(t["pair"] == pair and t[key] == trade[key] for t in rerun.trades):
                logger.info("Lookahead bias in the %s of %s at %s", side, pair, moment)
                if side == "entry":
                    result.biased_entry_signals += 1
                else:
                    result.biased_exit_signals += 1
            # The compared frame ends on the signal's candle: what a live bot had then.
            cut_frame = frames.analysed(pair, stop=moment)
            for column in differing_columns(baseline[pair], cut_frame, moment):
                if column not in result.biased_indicators:
                    logger.info("Lookahead bias in column %s", column)
                    result.biased_indicators.append(column)
    result.has_bias = bool(
        result.biased_entry_signals or result.biased_exit_signals or result.biased_indicators
    )
    return result


def differing_columns(full: pd.DataFrame, cut: pd.DataFrame, moment: datetime) -> list[str]:
    """Columns whose value on the candle of ``moment`` differs between the two frames
    (both empty counts as equal, as pandas' ``compare`` has it)."""
    stamp = pd.Timestamp(moment)
    left = full[full["date"] == stamp]
    right = cut[cut["date"] == stamp]
    if left.empty or right.empty:
        return []
    changed = []
    for column in left.columns:
        if column == "date" or column not in right.columns:
            continue
        if not _same(left[column].iloc[0], right[column].iloc[0]):
            changed.append(str(column))
    return changed


def _same(a: Any, b: Any) -> bool:
    if _missing(a) and _missing(b):
        return True
    if _missing(a) or _missing(b):
        return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _cut_options(
    options: BacktestOptions, frames: StrategyFrames, pair: str, moment: datetime
) -> BacktestOptions:
    start = frames.timerange.start
    stop = moment + frames.candle
    first = str(int(start.timestamp())) if start else ""
    return replace(options, timerange=f"{first}-{int(stop.timestamp())}", pairs=(pair,))


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def _dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def csv_rows(results: list[LookaheadResult]) -> list[dict[str, Any]]:
    """Freqtrade's --lookahead-analysis-exportfilename rows (a failed test has no row)."""
    return [
        {
            "filename": r.filename,
            "strategy": r.strategy,
            "has_bias": r.has_bias,
            "total_signals": r.total_signals,
            "biased_entry_signals": r.biased_entry_signals,
            "biased_exit_signals": r.biased_exit_signals,
            "biased_indicators": ",".join(r.biased_indicators),
        }
        for r in results
        if not r.failed
    ]
