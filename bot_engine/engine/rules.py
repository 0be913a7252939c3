"""The trading rules in force: the strategy's values, overridden by the config (Freqtrade order)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot_engine.config.model import DEFAULT_ORDER_TYPES, BotConfig
from bot_engine.strategy.base import IStrategy
from bot_engine.trade_math import roi_entry


@dataclass(frozen=True)
class TradingRules:
    timeframe: str
    minimal_roi: Mapping[int, float]
    stoploss: float
    trailing_stop: bool
    trailing_stop_positive: float | None
    trailing_stop_positive_offset: float
    trailing_only_offset_is_reached: bool
    use_exit_signal: bool
    exit_profit_only: bool
    exit_profit_offset: float
    ignore_roi_if_entry_signal: bool
    order_types: Mapping[str, Any]

    @classmethod
    def resolve(cls, config: BotConfig, strategy: IStrategy) -> TradingRules:
        def pick(name: str) -> Any:
            """The config's value when the file sets it (not None), else the strategy's."""
            value = getattr(config, name)
            return value if value is not None else getattr(strategy, name)

        roi = config.minimal_roi if config.minimal_roi is not None else strategy.minimal_roi
        order_types = {**DEFAULT_ORDER_TYPES, **(strategy.order_types or {})}
        if config.order_types is not None:
            order_types.update(config.order_types)
        return cls(
            timeframe=config.timeframe or strategy.timeframe,
            minimal_roi={int(k): float(v) for k, v in sorted(roi.items(), key=lambda i: int(i[0]))},
            stoploss=float(pick("stoploss")),
            trailing_stop=bool(pick("trailing_stop")),
            trailing_stop_positive=pick("trailing_stop_positive"),
            trailing_stop_positive_offset=float(pick("trailing_stop_positive_offset") or 0.0),
            trailing_only_offset_is_reached=bool(pick("trailing_only_offset_is_reached")),
            use_exit_signal=bool(pick("use_exit_signal")),
            exit_profit_only=bool(pick("exit_profit_only")),
            exit_profit_offset=float(pick("exit_profit_offset")),
            ignore_roi_if_entry_signal=bool(pick("ignore_roi_if_entry_signal")),
            order_types=order_types,
        )

    def roi_for(self, minutes_open: int) -> float | None:
        """The ROI threshold in force after ``minutes_open`` minutes (largest key <= duration)."""
        return roi_entry(self.minimal_roi, minutes_open)[1]

    def trailing_distance(self, profit: float) -> float | None:
        """How far below the price a trailing stop follows at ``profit`` (a stoploss ratio),
        or None when the stop does not trail yet (``trailing_only_offset_is_reached``)."""
        if not self.trailing_stop:
            return None
        offset = self.trailing_stop_positive_offset
        if self.trailing_only_offset_is_reached and profit < offset:
            return None
        if self.trailing_stop_positive is not None and profit > offset:
            return self.trailing_stop_positive
        return self.stoploss
