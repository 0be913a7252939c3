"""Inside-the-candle exit rules: stop moves, which exits fire, and at what price.

A backtest knows a candle's open, high and low, not the path between them. Freqtrade's
assumptions (README behaviours 4-8): the stop is raised with the high first, then checked
against the low; the exits fire in the order exit signal, stoploss, ROI, trailing stop; ROI
and stops fill at their own price inside the candle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from bot_engine.backtest.trade import BacktestTrade
from bot_engine.engine.rules import TradingRules
from bot_engine.strategy.base import IStrategy
from bot_engine.strategy.enums import ExitType
from bot_engine.strategy.safe_call import call_strategy
from bot_engine.trade_math import roi_entry

CUSTOM_TAG_MAX_LENGTH = 255


@dataclass(frozen=True)
class ExitCheck:
    exit_type: ExitType
    reason: str

    @classmethod
    def of(cls, exit_type: ExitType, reason: str = "") -> ExitCheck:
        return cls(exit_type, reason or exit_type.value)


class RoiOnRedCandle(ValueError):
    """An entry-candle ROI that could not have happened (entry above a falling open)."""


def roi_in_force(
    strategy: IStrategy, rules: TradingRules, trade: BacktestTrade, minutes: int, now: datetime
) -> tuple[int | None, float | None]:
    """The ``minimal_roi`` step for the trade's age, or ``custom_roi``'s when that is lower."""
    key, roi = roi_entry(rules.minimal_roi, minutes)
    if not getattr(strategy, "use_custom_roi", False) or not hasattr(strategy, "custom_roi"):
        return key, roi
    custom = call_strategy(
        strategy,
        "custom_roi",
        default=None,
        pair=trade.pair,
        trade=trade,
        current_time=now,
        trade_duration=minutes,
        entry_tag=trade.enter_tag,
        side="long",
    )
    if custom is None or math.isnan(custom) or math.isinf(custom):
        return key, roi
    if roi is None or custom < roi:
        return minutes, custom
    return key, roi


def adjust_stop(
    strategy: IStrategy,
    rules: TradingRules,
    trade: BacktestTrade,
    *,
    rate: float,
    now: datetime,
    profit: float,
    low: float | None = None,
    high: float | None = None,
    bound_profit: float | None = None,
    after_fill: bool = False,
    uses_after_fill: bool = False,
) -> None:
    """Move the stop: custom_stoploss, then the trailing stop, judged at the candle's high."""
    if after_fill and not uses_after_fill:
        return
    stop_value = rules.stoploss
    trade.adjust_stop_loss(trade.open_rate, stop_value, initial=True)
    below = low or rate
    direction_ok = trade.stop_loss < below
    bound = high
    if bound_profit is None:
        bound_profit = trade.calc_profit_ratio(bound) if bound else profit
    if strategy.use_custom_stoploss and direction_ok:
        custom = call_strategy(
            strategy,
            "custom_stoploss",
            default=None,
            pair=trade.pair,
            trade=trade,
            current_time=now,
            current_rate=bound or rate,
            current_profit=bound_profit,
            after_fill=after_fill,
        )
        if custom and not (math.isnan(custom) or math.isinf(custom)):
            stop_value = custom
            trade.adjust_stop_loss(bound or rate, stop_value, allow_refresh=after_fill)
    if rules.trailing_stop and direction_ok:
        offset = rules.trailing_stop_positive_offset
        if not (rules.trailing_only_offset_is_reached and bound_profit < offset):
            if rules.trailing_stop_positive is not None and bound_profit > offset:
                stop_value = rules.trailing_stop_positive
            trade.adjust_stop_loss(bound or rate, stop_value)


def should_exit(
    strategy: IStrategy,
    rules: TradingRules,
    trade: BacktestTrade,
    *,
    rate: float,
    now: datetime,
    enter: bool,
    exit_: bool,
    low: float,
    high: float,
    uses_after_fill: bool,
) -> list[ExitCheck]:
    """Every exit that applies in this candle, in Freqtrade's order of precedence."""
    profit = trade.calc_profit_ratio(rate)
    best_profit = trade.calc_profit_ratio(high or rate)
    trade.adjust_min_max_rates(high or rate, low or rate)
    adjust_stop(
        strategy,
        rules,
        trade,
        rate=rate,
        now=now,
        profit=profit,
        low=low,
        high=high,
        bound_profit=best_profit,
        uses_after_fill=uses_after_fill,
    )
    stop_hit = trade.stop_loss >= (low or rate)
    minutes = int((now.timestamp() - trade.open_date.timestamp()) // 60)
    roi = roi_in_force(strategy, rules, trade, minutes, now)[1]
    ignore_roi = enter and rules.ignore_roi_if_entry_signal
    roi_reached = not ignore_roi and roi is not None and best_profit > roi
    exits: list[ExitCheck] = []
    if rules.use_exit_signal:
        signal = _signal_exit(strategy, rules, trade, rate, now, profit, enter, exit_)
        if signal is not None:
            exits.append(signal)
    if stop_hit and not trade.is_stop_loss_trailing:
        exits.append(ExitCheck.of(ExitType.STOP_LOSS))
    if roi_reached:
        exits.append(ExitCheck.of(ExitType.ROI))
    if stop_hit and trade.is_stop_loss_trailing:
        exits.append(ExitCheck.of(ExitType.TRAILING_STOP_LOSS))
    return exits


def _signal_exit(strategy, rules, trade, rate, now, profit, enter, exit_) -> ExitCheck | None:
    if exit_ and not enter:
        if not rules.exit_profit_only or profit > rules.exit_profit_offset:
            return ExitCheck.of(ExitType.EXIT_SIGNAL)
        return None
    custom = call_strategy(
        strategy,
        "custom_exit",
        default=False,
        pair=trade.pair,
        trade=trade,
        current_time=now,
        current_rate=rate,
        current_profit=profit,
    )
    if not custom:
        return None
    reason = custom[:CUSTOM_TAG_MAX_LENGTH] if isinstance(custom, str) else ""
    return ExitCheck.of(ExitType.CUSTOM_EXIT, reason)


def stop_close_rate(
    rules: TradingRules,
    strategy: IStrategy,
    trade: BacktestTrade,
    exit_type: ExitType,
    *,
    open_: float,
    high: float,
    low: float,
    minutes: int,
) -> float:
    """Where a stop fills: its price, the open when the candle opened below it, and in the
    entry candle a trailing stop at the worst price the candle allows."""
    stop = trade.stop_loss
    if stop > high:
        return open_
    if exit_type == ExitType.TRAILING_STOP_LOSS and minutes == 0:
        positive = rules.trailing_stop_positive
        if (
            not strategy.use_custom_stoploss
            and rules.trailing_stop
            and rules.trailing_only_offset_is_reached
            and positive
        ):
            rate = open_ * (1 + abs(rules.trailing_stop_positive_offset) - abs(positive))
        else:
            rate = open_ * (1 - abs(trade.stop_loss_pct or 0.0))
        return max(low, rate)
    return stop


def roi_close_rate(
    strategy: IStrategy,
    rules: TradingRules,
    trade: BacktestTrade,
    *,
    now: datetime,
    open_: float,
    high: float,
    low: float,
    close: float,
    minutes: int,
    timeframe_minutes: int,
) -> float:
    """Where an ROI exit fills: the ROI price, the open when a new step starts above it."""
    key, roi = roi_in_force(strategy, rules, trade, minutes, now)
    if roi is None or key is None:
        return open_
    if roi == -1 and key % timeframe_minutes == 0:
        return open_
    rate = trade.calc_close_rate_for_roi(roi)
    if minutes > 0 and minutes == key and key % timeframe_minutes == 0 and open_ > rate:
        return open_
    if minutes == 0 and open_ > close and trade.open_rate < open_ and rate > close:
        raise RoiOnRedCandle("Opening candle ROI on red candles.")
    return min(max(rate, low), high)
