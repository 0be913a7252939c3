"""Trade actions: force entry/exit, delete, cancel the open order, reload (contract §3.11–3.12)."""

from __future__ import annotations

import logging

from bot_engine.engine import entries, exits, order_updates
from bot_engine.engine.state import BotState, RunningBot
from bot_engine.exceptions import BotOperationError, ExchangeError
from bot_engine.models import Order, Trade
from bot_engine.services.audit import audited

logger = logging.getLogger(__name__)

FORCE_ENTRY_DISABLED = "Force_entry not enabled."
NOT_RUNNING = "trader is not running"
NO_SHORT_ON_SPOT = "Can't go short on Spot markets."
INACTIVE_MARKET = "Symbol does not exist or market is not active."
WRONG_STAKE_CURRENCY = "Wrong pair selected. Only pairs with stake-currency {stake} allowed."
POSITION_OPEN = "position for {pair} already open - id: {trade_id}"
POSITION_OPEN_WITH_ORDERS = POSITION_OPEN + " and has open order {order_ids}"
MAX_TRADES_REACHED = "Maximum number of trades is reached."
ENTRY_FAILED = "Failed to enter position for {pair}."
INVALID_ARGUMENT = "invalid argument"
EXIT_FAILED = "Failed to exit trade."
PARTIAL_EXIT_UNSUPPORTED = "Partial exits are not supported; omit amount to exit the whole trade."
EXIT_CREATED = "Created exit order for trade {trade_id}."
EXITS_CREATED = "Created exit orders for all open trades."
DELETE_NOT_FOUND = "Trade with id '{trade_id}' not found."
DELETED = "Deleted trade #{trade_id} for pair {pair}. Closed {count} open orders."
INVALID_TRADE_ID = "Invalid trade_id."
NO_OPEN_ORDER = "No open order for trade_id."
ORDER_NOT_FOUND = "Order not found."
RELOAD_NOT_FOUND = "Could not find trade with id {trade_id}."
FORCE_ENTRY_TAG = "force_entry"


def _trade_number(value: str | int) -> int | None:
    """``value`` as a trade number if it is ASCII digits (Freqtrade's rule), else None.

    ``str.isdigit`` alone accepts "²", and ``int`` refuses that and any string over 4,300
    digits: a 500 instead of the 502. No trade number has more than 20 digits (64 bits).
    """
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 20 else None


def _trades(bot: RunningBot):
    return Trade.objects.for_bot(bot.bot_id)


def _open_orders(trade: Trade) -> list[Order]:
    return list(trade.orders.filter(ft_is_open=True).order_by("id"))


def _open_trade_ids(bot: RunningBot) -> dict[str, list[int]]:
    """The audit trail's before/after of actions that open or close trades."""
    ids = _trades(bot).open().order_by("trade_id").values_list("trade_id", flat=True)
    return {"open_trades": list(ids)}


def _trade_summary(bot: RunningBot, trade_id: int) -> dict | None:
    """One trade's state for the audit trail (None once it is gone)."""
    trade = _trades(bot).filter(trade_id=trade_id).first()
    if trade is None:
        return None
    return {
        "trade_id": trade.trade_id,
        "pair": trade.pair,
        "is_open": trade.is_open,
        "amount": trade.amount,
        "open_rate": trade.open_rate,
        "close_rate": trade.close_rate,
        "close_profit_abs": trade.close_profit_abs,
        "exit_reason": trade.exit_reason,
        "open_orders": [o.order_id for o in _open_orders(trade)],
    }


def trade_force_entry(
    *,
    bot: RunningBot,
    pair: str,
    side: str = "long",
    price: float | None = None,
    order_type: str | None = None,
    stake_amount: float | None = None,
    enter_tag: str | None = None,
) -> Trade:
    """Open a position on ``pair`` now, whatever the strategy says."""

    def enter() -> Trade:
        config = bot.config
        if not config.force_entry_enable:
            raise BotOperationError(FORCE_ENTRY_DISABLED)
        if bot.state != BotState.RUNNING:
            raise BotOperationError(NOT_RUNNING)
        if side == "short" and config.trading_mode == "spot":
            raise BotOperationError(NO_SHORT_ON_SPOT)
        market = bot.exchange.markets().get(pair)
        if market is None or not market.active:
            raise BotOperationError(INACTIVE_MARKET)
        if market.quote != config.stake_currency:
            raise BotOperationError(WRONG_STAKE_CURRENCY.format(stake=config.stake_currency))
        existing = _trades(bot).open().filter(pair=pair).first()
        if existing is not None:
            order_ids = [o.order_id for o in _open_orders(existing)]
            if order_ids:
                raise BotOperationError(
                    POSITION_OPEN_WITH_ORDERS.format(
                        pair=pair, trade_id=existing.trade_id, order_ids=", ".join(order_ids)
                    )
                )
            raise BotOperationError(POSITION_OPEN.format(pair=pair, trade_id=existing.trade_id))
        if not entries.slots_left(bot):
            raise BotOperationError(MAX_TRADES_REACHED)
        chosen_type = order_type or bot.rules.order_types.get("force_entry") or None
        try:
            return entries.enter_position(
                bot,
                pair,
                enter_tag=enter_tag or FORCE_ENTRY_TAG,
                price=price,
                order_type=chosen_type,
                stake=stake_amount,
            )
        except BotOperationError as exc:
            logger.warning("Force entry on %s failed: %s", pair, exc)
            raise BotOperationError(ENTRY_FAILED.format(pair=pair)) from exc

    return audited(bot, "forceenter", enter, target=pair, snapshot=lambda: _open_trade_ids(bot))


def trade_force_exit(
    *,
    bot: RunningBot,
    trade_id: str | int,
    order_type: str | None = None,
    amount: float | None = None,
    price: float | None = None,
) -> dict[str, str]:
    """Exit one open trade (``trade_id`` digits) or all of them (``"all"``)."""

    def exit_one(trade: Trade) -> None:
        for order in _open_orders(trade):
            order_updates.cancel_order(bot, order, reason="force_exit")
        if not _trades(bot).open().filter(pk=trade.pk).exists():
            return  # an unfilled entry was cancelled: the trade is gone
        trade.refresh_from_db()
        if amount is not None and amount < trade.amount:
            raise BotOperationError(PARTIAL_EXIT_UNSUPPORTED)
        if not exits.execute_exit(
            bot, trade, reason=exits.FORCE_EXIT, order_type=order_type, price=price
        ):
            raise BotOperationError(EXIT_FAILED)

    def run() -> dict[str, str]:
        if bot.state == BotState.STOPPED:
            raise BotOperationError(NOT_RUNNING)
        if str(trade_id) == "all":
            for trade in _trades(bot).open().order_by("trade_id"):
                exit_one(trade)
            return {"result": EXITS_CREATED}
        number = _trade_number(trade_id)
        if number is None:
            raise BotOperationError(INVALID_ARGUMENT)
        trade = _trades(bot).open().filter(trade_id=number).first()
        if trade is None:
            raise BotOperationError(INVALID_ARGUMENT)
        exit_one(trade)
        return {"result": EXIT_CREATED.format(trade_id=trade.trade_id)}

    result = audited(bot, "forceexit", run, target=trade_id, snapshot=lambda: _open_trade_ids(bot))
    bot.wake()
    return result


def trade_delete(*, bot: RunningBot, trade_id: int) -> dict:
    """Cancel the trade's open orders on the exchange, then remove it and its orders."""

    def run() -> dict:
        trade = _trades(bot).filter(trade_id=trade_id).first()
        if trade is None:
            raise BotOperationError(DELETE_NOT_FOUND.format(trade_id=trade_id))
        cancelled = 0
        for order in _open_orders(trade):
            try:
                bot.exchange.cancel_order(order.order_id, order.ft_pair)
                cancelled += 1
            except ExchangeError as exc:
                logger.warning(
                    "Could not cancel order %s of trade %s: %s", order.order_id, trade_id, exc
                )
        pair = trade.pair
        trade.delete()
        logger.info("Deleted trade %s (%s); %d open orders cancelled", trade_id, pair, cancelled)
        return {
            "cancel_order_count": cancelled,
            "result": "success",
            "result_msg": DELETED.format(trade_id=trade_id, pair=pair, count=cancelled),
            "trade_id": trade_id,
        }

    return _audited_on_trade(bot, "delete_trade", run, trade_id)


def _audited_on_trade(bot, action, fn, trade_id: int):
    return audited(bot, action, fn, target=trade_id, snapshot=lambda: _trade_summary(bot, trade_id))


def trade_cancel_open_order(*, bot: RunningBot, trade_id: int) -> Trade:
    """Cancel the trade's open (non-stoploss) order; an unfilled entry removes the trade."""

    def run() -> Trade:
        if bot.state == BotState.STOPPED:
            raise BotOperationError(NOT_RUNNING)
        trade = _trades(bot).open().filter(trade_id=trade_id).first()
        if trade is None:
            raise BotOperationError(INVALID_TRADE_ID)
        orders = [o for o in _open_orders(trade) if o.ft_order_side != "stoploss"]
        if not orders:
            raise BotOperationError(NO_OPEN_ORDER)
        for order in orders:
            try:
                order_updates.cancel_order(bot, order, reason="cancelled by user")
            except ExchangeError as exc:
                raise BotOperationError(ORDER_NOT_FOUND) from exc
        remaining = _trades(bot).filter(pk=trade.pk).first()
        return remaining or trade

    return _audited_on_trade(bot, "cancel_open_order", run, trade_id)


def trade_reload(*, bot: RunningBot, trade_id: int) -> Trade:
    """Re-read the trade's open orders from the exchange and apply what changed."""

    def run() -> Trade:
        trade = _trades(bot).filter(trade_id=trade_id).first()
        if trade is None:
            raise BotOperationError(RELOAD_NOT_FOUND.format(trade_id=trade_id))
        if _open_orders(trade):
            order_updates.handle_open_orders(bot, bot.exchange.now())
        return _trades(bot).filter(pk=trade.pk).first() or trade

    return _audited_on_trade(bot, "reload_trade", run, trade_id)
