"""``simulate()``: one strategy backtested over stored candles, Freqtrade's trades out.

The steps: the run's settings (options over config over strategy), candles of the timerange
with their startup candles, markets from the candles, the strategy's signals for each whole
pair at once, then the per-candle trade loop (``engine.py``) over plain arrays. The outcome
holds the trades, locks and counters in Freqtrade's result shapes; the report builds the
statistics from it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from bot_engine.backtest.data import BacktestDataProvider, Timerange, load_stored, trim
from bot_engine.backtest.detail import check_detail, load_detail, requested_detail
from bot_engine.backtest.engine import STOP_REQUESTED, Backtester, BacktestStopped
from bot_engine.backtest.ledger import BacktestWallets, Ledger
from bot_engine.backtest.markets import derive_market, with_monthly_ticks
from bot_engine.backtest.options import BacktestOptions
from bot_engine.backtest.outcome import SimulationOutcome
from bot_engine.backtest.signals import analyse_pair, to_arrays
from bot_engine.config.model import BotConfig
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.engine.rules import TradingRules
from bot_engine.protections import ProtectionSet
from bot_engine.selectors.candles import NoCandleData
from bot_engine.strategy import persistence
from bot_engine.strategy.base import IStrategy
from bot_engine.strategy.loader import load_strategy
from bot_engine.strategy.pandas_options import use_object_strings
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)

Progress = Callable[[str, float, int], None]
DEFAULT_FEE = 0.001  # Binance's spot fee, the market the bundled candles come from

__all__ = ["STOP_REQUESTED", "BacktestStopped", "simulate"]


def simulate(
    config: BotConfig,
    options: BacktestOptions,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SimulationOutcome:
    """Backtest ``options.strategy`` and return its trades (raises ``BacktestStopped`` when
    ``should_stop()`` turns true, ``StrategyError`` / ``NoCandleData`` on bad input)."""
    started = int(time.time())
    report = progress or (lambda step, fraction, count: None)
    report("startup", 0.0, 0)
    use_object_strings()
    config = _effective_config(config, options)
    strategy = _load(config, options)
    rules = TradingRules.resolve(config, strategy)
    _apply_rules(strategy, rules, config.raw)
    timeframe = rules.timeframe
    detail = requested_detail(options.timeframe_detail, options.extra, config.raw)
    detail_seconds = check_detail(detail, timeframe) if detail else 0
    pairs = list(options.pairs or config.exchange.pair_whitelist)
    data_dir = options.datadir or config.data_dir
    timerange = Timerange.parse(options.timerange)
    startup = int(strategy.startup_candle_count or 0)
    fee = _fee(config, options)
    stored = load_stored(data_dir, pairs, timeframe)
    frames = {p: trim(stored[p].candles, timerange, timeframe, startup) for p in stored}
    frames = {p: f for p, f in frames.items() if len(f) > startup}
    if not frames:
        raise NoCandleData("No data left after adjusting for startup candles.")
    markets = {
        p: with_monthly_ticks(derive_market(p, stored[p].source, fee), frames[p]) for p in frames
    }
    dp = BacktestDataProvider(
        config.raw,
        timeframe=timeframe,
        data_dir=data_dir,
        pairs=list(frames),
        timerange=timerange,
        startup=startup,
        base_frames={pair: found.candles for pair, found in stored.items()},
    )
    strategy.dp = dp
    ledger = Ledger(config, timeframe, wallet=config.dry_run_wallet)
    strategy.wallets = BacktestWallets(
        ledger, config.stake_currency, config.stake_amount, config.max_open_trades
    )
    call_strategy(strategy, "bot_start", default=None)
    data = {}
    for number, (pair, frame) in enumerate(frames.items()):
        if should_stop is not None and should_stop():
            raise BacktestStopped(STOP_REQUESTED)
        report("startup", number / len(frames), 0)
        analysed = analyse_pair(strategy, pair, frame)
        if analysed is not None:
            dp.analysed_frames[pair] = analysed
        data[pair] = to_arrays(pair, analysed, frame, startup)
    detail_candles = None
    if detail:
        main_dates = {pair: arrays.dates for pair, arrays in data.items()}
        detail_candles = load_detail(
            data_dir, list(data), detail, timerange, main_dates, timeframe_to_seconds(timeframe)
        )
    start = min(_ts(frames[p]["date"].iloc[startup]) for p in frames)
    end = max(_ts(frames[p]["date"].iloc[-1]) for p in frames)
    protected = options.enable_protections or bool(config.raw.get("enable_protections"))
    protections = ProtectionSet.from_config(
        _protections(config, strategy) if protected else [], timeframe
    )
    backtester = Backtester(
        config=config,
        strategy=strategy,
        rules=rules,
        markets=markets,
        ledger=ledger,
        protections=protections,
        max_open_trades=config.max_open_trades,
        stake_amount=config.stake_amount,
        fee=fee,
        slice_end=dp.slice_end,
        slice_offset=startup,
        detail=detail_candles,
        detail_seconds=detail_seconds,
    )
    report("backtest", 0.0, 0)
    previous = persistence.bind_local(ledger)
    try:
        backtester.run(data, start, end, progress=progress, should_stop=should_stop)
    finally:
        persistence.bind_local(previous)
    return _outcome(
        config, options, strategy, rules, backtester, frames, startup, start, end, started, detail
    )


def _effective_config(config: BotConfig, options: BacktestOptions) -> BotConfig:
    """The config with the run's flags applied (Freqtrade: CLI over config file)."""
    changes: dict[str, Any] = {}
    if options.max_open_trades is not None:
        changes["max_open_trades"] = int(options.max_open_trades)
    if options.stake_amount is not None:
        stake = options.stake_amount
        changes["stake_amount"] = stake if stake == "unlimited" else float(stake)
    if options.dry_run_wallet is not None:
        changes["dry_run_wallet"] = float(options.dry_run_wallet)
    if options.timeframe:
        changes["timeframe"] = options.timeframe
    changes["strategy"] = options.strategy
    if options.strategy_path is not None:
        changes["strategy_path"] = Path(options.strategy_path)
    return replace(config, **changes)


def _load(config: BotConfig, options: BacktestOptions) -> IStrategy:
    from bot_engine.engine.factory import strategy_dirs

    raw = dict(config.raw)
    raw.update(
        {
            "runmode": "backtest",
            "max_open_trades": config.max_open_trades,
            "stake_amount": config.stake_amount,
            "dry_run_wallet": config.dry_run_wallet,
            "enable_protections": options.enable_protections,
        }
    )
    if config.timeframe:
        raw["timeframe"] = config.timeframe
    return load_strategy(config.strategy, config=raw, search_dirs=strategy_dirs(config))


def _apply_rules(strategy: IStrategy, rules: TradingRules, raw: Mapping[str, Any]) -> None:
    """Strategies read their own attributes; the config's values win there too (Freqtrade)."""
    for name in (
        "position_adjustment_enable",
        "max_entry_position_adjustment",
        "ignore_buying_expired_candle_after",  # read on detail candles (engine)
    ):
        if raw.get(name) is not None:
            setattr(strategy, name, raw[name])
    strategy.timeframe = rules.timeframe
    strategy.stoploss = rules.stoploss
    strategy.trailing_stop = rules.trailing_stop
    strategy.trailing_stop_positive = rules.trailing_stop_positive
    strategy.trailing_stop_positive_offset = rules.trailing_stop_positive_offset
    strategy.trailing_only_offset_is_reached = rules.trailing_only_offset_is_reached
    strategy.use_exit_signal = rules.use_exit_signal
    strategy.exit_profit_only = rules.exit_profit_only
    strategy.exit_profit_offset = rules.exit_profit_offset
    strategy.ignore_roi_if_entry_signal = rules.ignore_roi_if_entry_signal
    strategy.order_types = dict(rules.order_types)


def _fee(config: BotConfig, options: BacktestOptions) -> float:
    if options.fee is not None:
        return float(options.fee)
    for value in (config.raw.get("fee"), config.exchange.fee):
        if value is not None:
            return float(value)
    return DEFAULT_FEE


def _protections(config: BotConfig, strategy: IStrategy) -> list[dict]:
    configured = config.raw.get("protections")
    if configured:
        return list(configured)
    return list(getattr(strategy, "protections", None) or [])


def _ts(value: Any) -> datetime:
    return pd.Timestamp(value).to_pydatetime().astimezone(UTC)


def _roi_as_configured(config: BotConfig, strategy: IStrategy) -> dict[str, float]:
    roi = config.minimal_roi if config.minimal_roi is not None else strategy.minimal_roi
    return {str(k): float(v) for k, v in roi.items()}


def _still_open(trade) -> dict[str, Any]:
    """A trade the run could not close at its end (its force-exit order did not fill), with
    its filled orders only: the report keeps its stake in the wallet, as Freqtrade does."""
    row = trade.to_result()
    row["orders"] = [order.to_result() for order in trade.select_filled_orders()]
    return row


def _outcome(
    config, options, strategy, rules, backtester, frames, startup, start, end, started, detail
) -> SimulationOutcome:
    ledger = backtester.ledger
    counters = backtester.counters
    pairs = len(frames)
    max_open = config.max_open_trades
    settings = {
        "stake_amount": config.stake_amount,
        "max_open_trades_setting": max_open,
        "starting_balance": config.available_capital or config.dry_run_wallet,
        "stake_currency": config.stake_currency,
        # Freqtrade reports at most one slot per pair.
        "max_open_trades": min(max_open, pairs) if max_open >= 0 else pairs,
        "dry_run_wallet": config.dry_run_wallet,
        "tradable_balance_ratio": config.tradable_balance_ratio,
        "available_capital": config.available_capital,
        "timeframe": rules.timeframe,
        "timeframe_detail": detail,  # as given, "" for none (Freqtrade's result block)
        "timerange": options.timerange or "",
        "enable_protections": bool(
            options.enable_protections or config.raw.get("enable_protections")
        ),
        "stoploss": rules.stoploss,
        "trailing_stop": rules.trailing_stop,
        "trailing_stop_positive": rules.trailing_stop_positive,
        "trailing_stop_positive_offset": rules.trailing_stop_positive_offset,
        "trailing_only_offset_is_reached": rules.trailing_only_offset_is_reached,
        "use_custom_stoploss": bool(strategy.use_custom_stoploss),
        "minimal_roi": _roi_as_configured(config, strategy),
        "use_exit_signal": rules.use_exit_signal,
        "exit_profit_only": rules.exit_profit_only,
        "exit_profit_offset": rules.exit_profit_offset,
        "ignore_roi_if_entry_signal": rules.ignore_roi_if_entry_signal,
        "trading_mode": config.trading_mode,
        "margin_mode": config.margin_mode,
        "fee": backtester.fee,
        "startup_candle_count": startup,
    }
    candles = {
        pair: frame.iloc[startup:][["date", "open", "high", "low", "close", "volume"]].reset_index(
            drop=True
        )
        for pair, frame in frames.items()
    }
    source = Path(strategy.__file__).read_text() if strategy.__file__ else ""
    return SimulationOutcome(
        strategy_name=strategy.get_strategy_name(),
        trades=[trade.to_result() for trade in ledger.closed],
        still_open=[_still_open(trade) for trade in ledger.open_trades],
        locks=[lock.to_result() for lock in ledger.locks],
        backtest_start=start,
        backtest_end=end,
        run_start_ts=started,
        run_end_ts=int(time.time()),
        settings=settings,
        pairlist=list(frames),
        candles=candles,
        rejected_signals=counters.rejected_signals,
        timedout_entry_orders=counters.timedout_entry_orders,
        timedout_exit_orders=counters.timedout_exit_orders,
        canceled_trade_entries=counters.canceled_trade_entries,
        canceled_entry_orders=counters.canceled_entry_orders,
        replaced_entry_orders=counters.replaced_entry_orders,
        strategy_source=source,
        config_for_export={**config.raw, **({"timeframe_detail": detail} if detail else {})},
    )
