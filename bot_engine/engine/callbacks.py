"""Freqtrade's price, stake, stoploss and order callbacks, as the engine applies their answers.

Every call goes through ``call_strategy``: a raising callback counts as Freqtrade's default.
What the strategy answers is checked as Freqtrade checks it: custom prices stay within
``custom_price_max_distance_ratio`` of the proposed price, a custom stoploss only ever raises
the stop (lowering it only right after a fill), a stake of 0 or None skips the entry.
"""

from __future__ import annotations

import inspect
import logging
import math
from datetime import datetime
from typing import Any

from bot_engine import trade_math
from bot_engine.engine import analysis
from bot_engine.engine.state import RunningBot
from bot_engine.models import Order, Trade
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)

DEFAULT_PRICE_DISTANCE = 0.02  # Freqtrade's custom_price_max_distance_ratio default


def finite_number(value: Any) -> float | None:
    """``value`` as a float when it is a finite real number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def valid_custom_price(bot: RunningBot, custom: Any, proposed: float) -> float:
    """The strategy's price, kept within the allowed distance of ``proposed`` (Freqtrade's)."""
    price = finite_number(custom)
    if price is None or price <= 0:
        return proposed
    distance = float(bot.config.raw.get("custom_price_max_distance_ratio", DEFAULT_PRICE_DISTANCE))
    return min(max(price, proposed * (1 - distance)), proposed * (1 + distance))


def custom_entry_price(bot: RunningBot, pair: str, proposed: float, enter_tag: str | None) -> float:
    custom = call_strategy(
        bot.strategy,
        "custom_entry_price",
        default=proposed,
        candle=analysis.current_candle(bot),
        pair=pair,
        trade=None,
        current_time=bot.exchange.now(),
        proposed_rate=proposed,
        entry_tag=enter_tag,
        side="long",
    )
    return valid_custom_price(bot, custom, proposed)


def custom_exit_price(bot: RunningBot, trade: Trade, proposed: float, reason: str) -> float:
    custom = call_strategy(
        bot.strategy,
        "custom_exit_price",
        default=proposed,
        candle=analysis.current_candle(bot),
        pair=trade.pair,
        trade=trade,
        current_time=bot.exchange.now(),
        proposed_rate=proposed,
        current_profit=trade.calc_profit_ratio(proposed),
        exit_tag=reason,
    )
    return valid_custom_price(bot, custom, proposed)


def custom_stake(
    bot: RunningBot,
    pair: str,
    *,
    rate: float,
    proposed: float,
    min_stake: float,
    max_stake: float,
    enter_tag: str | None,
) -> float:
    """The strategy's stake for a new trade, within [min_stake, max_stake]; 0 means "skip"."""
    answer = call_strategy(
        bot.strategy,
        "custom_stake_amount",
        default=proposed,
        candle=analysis.current_candle(bot),
        pair=pair,
        current_time=bot.exchange.now(),
        current_rate=rate,
        proposed_stake=proposed,
        min_stake=min_stake or None,
        max_stake=max_stake,
        leverage=1.0,
        entry_tag=enter_tag,
        side="long",
    )
    stake = finite_number(answer)
    if not stake or stake <= 0:
        return 0.0  # Freqtrade: "Stake amount is 0, ignoring possible trade"
    stake = min(stake, max_stake)
    if stake < min_stake:
        return 0.0
    return stake


def apply_custom_stoploss(
    bot: RunningBot, trade: Trade, rate: float, *, after_fill: bool = False
) -> bool:
    """``custom_stoploss`` (when ``use_custom_stoploss``): a ratio below ``rate``.

    The stop only moves up, except right after a fill (``after_fill``), when the strategy may
    set it anywhere -- Freqtrade's rule. Returns True when the stop changed.
    """
    if not getattr(bot.strategy, "use_custom_stoploss", False):
        return False
    if after_fill and not _declares_after_fill(bot.strategy):
        return False  # Freqtrade makes the after-fill call only for methods that name it
    if not after_fill and trade.stop_loss >= rate:
        return False  # already under water: nothing to trail (Freqtrade does not ask)
    answer = call_strategy(
        bot.strategy,
        "custom_stoploss",
        default=None,
        candle=analysis.current_candle(bot),
        pair=trade.pair,
        trade=trade,
        current_time=bot.exchange.now(),
        current_rate=rate,
        current_profit=trade.calc_profit_ratio(rate),
        after_fill=after_fill,
    )
    ratio = finite_number(answer)
    if not ratio:  # None, NaN, 0: keep the stop where it is
        return False
    new_stop = trade_math.stop_on_tick(
        rate * (1 - abs(ratio) / (trade.leverage or 1.0)),
        trade.price_precision,
        trade.precision_mode_price,
    )
    if new_stop == trade.stop_loss or (new_stop < trade.stop_loss and not after_fill):
        return False
    trade.stop_loss = new_stop
    trade.stop_loss_pct = -abs(ratio)
    trade.is_stop_loss_trailing = new_stop > trade.initial_stop_loss
    return True


def _declares_after_fill(strategy: Any) -> bool:
    try:
        return "after_fill" in inspect.signature(strategy.custom_stoploss).parameters
    except (TypeError, ValueError):
        return False


def order_filled(bot: RunningBot, trade: Trade, order: Order, when: datetime) -> None:
    call_strategy(
        bot.strategy,
        "order_filled",
        default=None,
        candle=analysis.current_candle(bot),
        pair=trade.pair,
        trade=trade,
        order=order,
        current_time=when,
    )


def order_timed_out(bot: RunningBot, order: Order, now: datetime) -> bool:
    """``check_entry_timeout`` / ``check_exit_timeout``: True cancels the open order."""
    callback = "check_entry_timeout" if order.ft_order_side == "buy" else "check_exit_timeout"
    return bool(
        call_strategy(
            bot.strategy,
            callback,
            default=False,
            candle=analysis.current_candle(bot),
            pair=order.ft_pair,
            trade=order.trade,
            order=order,
            current_time=now,
        )
    )
