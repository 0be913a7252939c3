"""New entries: signals on whitelisted pairs, within max_open_trades, stake and locks."""

from __future__ import annotations

import logging
from datetime import datetime

from bot_engine.engine import analysis, callbacks, pricing, wallet
from bot_engine.engine.orders import open_trade
from bot_engine.engine.state import RunningBot
from bot_engine.exceptions import BotOperationError, ExchangeError
from bot_engine.exchange.base import Market
from bot_engine.models import Trade
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)

AMOUNT_RESERVE = 1.05  # stay above the exchange minimum after fees and rounding


def open_trade_count(bot: RunningBot) -> int:
    return len(bot.book.open_trades())


def slots_left(bot: RunningBot) -> bool:
    limit = bot.config.max_open_trades
    return limit < 0 or open_trade_count(bot) < limit


def handle_entries(bot: RunningBot, now: datetime) -> None:
    """Enter every pair with a fresh entry signal while trade slots and stake last."""
    bot.book.drop_expired_locks(now)
    open_pairs = bot.book.open_pairs()
    # Edge (when enabled) narrows the whitelist to the pairs with a proven expectancy.
    pairs = bot.edge.accepted_pairs(bot.whitelist) if bot.edge is not None else bot.whitelist
    for pair in pairs:
        if not slots_left(bot):
            return
        if pair in open_pairs or bot.book.is_pair_locked(pair, now):
            continue
        signal = analysis.last_signal(bot.dataframes.get(pair))
        if not signal["enter_long"]:
            continue
        try:
            enter_position(bot, pair, enter_tag=signal["enter_tag"])
        except BotOperationError as exc:
            logger.info("Not entering %s: %s", pair, exc)
            continue
        open_pairs.add(pair)


def stake_for_entry(bot: RunningBot, pair: str, price: float, stake: float | None = None) -> float:
    """The stake of the next trade: configured or split evenly ('unlimited'), checked."""
    current = wallet.stake_wallet(bot.bot_id, bot.config)
    if stake is None and bot.edge is not None:
        stake = bot.edge.stake_amount(
            pair,
            free_capital=current.available_stake,
            total_capital=current.free,
            capital_in_trade=current.open_stakes,
        )
    if stake is None:
        if bot.config.unlimited_stake:
            stake = wallet.unlimited_stake(
                current,
                max_open_trades=bot.config.max_open_trades,
                open_trades=open_trade_count(bot),
            )
        else:
            stake = float(bot.config.stake_amount)
    available = current.available_stake
    if stake > available + 1e-12:
        raise BotOperationError(
            f"Available balance ({available:.8f} {bot.config.stake_currency}) is lower than "
            f"stake amount ({stake:.8f} {bot.config.stake_currency})"
        )
    minimum = min_stake(bot.exchange.markets().get(pair), price)
    if stake < minimum:
        raise BotOperationError(f"Stake {stake:.8f} is below the minimum {minimum:.8f} for {pair}")
    return stake


def min_stake(market: Market | None, price: float) -> float:
    if market is None:
        return 0.0
    limits = [market.min_cost or 0.0, (market.min_amount or 0.0) * price]
    return max(limits) * AMOUNT_RESERVE


def enter_position(
    bot: RunningBot,
    pair: str,
    *,
    enter_tag: str | None,
    price: float | None = None,
    order_type: str | None = None,
    stake: float | None = None,
) -> Trade:
    """Place an entry order for ``pair`` and record the trade."""
    order_type = order_type or bot.rules.order_types.get("entry", "limit")
    rate = price or pricing.entry_price(bot, pair)
    if price is None and order_type != "market":
        rate = callbacks.custom_entry_price(bot, pair, rate, enter_tag)
    try:
        # On the market's tick before the amount is derived from it (Freqtrade's order).
        rate = bot.exchange.price_to_precision(pair, rate)
    except ExchangeError as exc:
        raise BotOperationError(f"No valid entry price for {pair}: {exc}") from exc
    if rate <= 0:
        raise BotOperationError(f"Entry price {price} for {pair} is below the market's tick")
    explicit = stake is not None
    stake = stake_for_entry(bot, pair, rate, stake)
    candle = analysis.current_candle(bot)
    if not explicit:
        # The proposed stake was checked against the wallet: it is also the most the
        # strategy may ask for (Freqtrade's max_stake is the available balance).
        stake = callbacks.custom_stake(
            bot,
            pair,
            rate=rate,
            proposed=stake,
            min_stake=min_stake(bot.exchange.markets().get(pair), rate),
            max_stake=max(stake, wallet.stake_wallet(bot.bot_id, bot.config).available_stake),
            enter_tag=enter_tag,
        )
        if not stake:
            raise BotOperationError(f"Stake amount is 0 for {pair}: the strategy skipped it")
    market = bot.exchange.markets().get(pair)
    try:
        # Truncated to the market's step, so the order never exceeds the stake.
        amount = bot.exchange.amount_to_precision(pair, stake / rate)
    except ExchangeError as exc:  # ccxt refuses an amount below one step
        raise BotOperationError(f"Stake too small for {pair}: {exc}") from exc
    if not call_strategy(
        bot.strategy,
        "confirm_trade_entry",
        default=True,
        candle=candle,
        pair=pair,
        order_type=order_type,
        amount=amount,
        rate=rate,
        time_in_force="GTC",
        current_time=bot.exchange.now(),
        entry_tag=enter_tag,
        side="long",
    ):
        raise BotOperationError(f"Strategy refused the entry on {pair}")
    try:
        result = bot.exchange.create_order(
            pair=pair,
            order_type=order_type,
            side="buy",
            amount=amount,
            price=None if order_type == "market" else rate,
        )
    except ExchangeError as exc:
        raise BotOperationError(f"Failed to enter position for {pair}: {exc}") from exc
    if result.price is None:
        result.price = result.average or rate
    return open_trade(
        bot, pair=pair, result=result, stake=stake, enter_tag=enter_tag, market=market
    )
