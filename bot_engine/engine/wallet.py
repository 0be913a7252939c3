"""The stake wallet: what is free, tied up and available for the next trade (Freqtrade's Wallets).

In dry-run no exchange balance exists: the wallet is ``dry_run_wallet`` plus realised profit minus
open stakes (contract §3.14; the formula is ``trade_math.wallet_from_sums``). Its sums come from
database aggregates over the bot's trades, or from trades a caller has already loaded.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Sum

from bot_engine.config.model import BotConfig
from bot_engine.models import Order, Trade
from bot_engine.trade_math import StakeWallet, pending_entry_stake, wallet_from_sums
from bot_engine.trade_stats import seq_sum


def stake_wallet(
    bot_id: int, config: BotConfig, *, closed_profit: float | None = None
) -> StakeWallet:
    """The bot's wallet now. ``closed_profit`` (Σ close_profit_abs of closed trades) may be
    passed by a caller that already holds it, sparing a scan of every closed trade."""
    trades = Trade.objects.for_bot(bot_id)
    open_sums = trades.open().aggregate(
        open_stakes=Sum("stake_amount", default=0.0),
        realized_open=Sum("realized_profit", default=0.0),
    )
    if closed_profit is None:
        closed_profit = trades.closed().aggregate(p=Sum("close_profit_abs", default=0.0))["p"]
    return wallet_from_sums(
        config,
        closed_profit=closed_profit,
        open_stakes=open_sums["open_stakes"],
        realized_open=open_sums["realized_open"],
        pending=_pending_entry_stake(bot_id),
    )


def _pending_entry_stake(bot_id: int) -> float:
    """Stake reserved by open, unfilled entry orders (the wallet's ``used``)."""
    rows = (
        Order.objects.filter(bot_id=bot_id, ft_order_side="buy")
        .open()
        .values_list("ft_amount", "ft_price", "filled")
    )
    return pending_entry_stake(rows)


def loaded_stake_wallet(
    config: BotConfig, *, closed_profit: float, open_trades: Sequence[Trade]
) -> StakeWallet:
    """``stake_wallet`` from open trades already loaded with their orders (prefetched) and
    Σ close_profit_abs of the closed ones: the same sums in the same order as the database's,
    sparing two aggregate scans of the whole trade table (``/profit`` on every poll)."""
    by_pk = sorted(open_trades, key=lambda trade: trade.pk)
    orders = sorted(
        (o for t in open_trades for o in t.orders.all()), key=lambda o: (o.trade_id, o.pk)
    )
    return wallet_from_sums(
        config,
        closed_profit=closed_profit,
        open_stakes=seq_sum([trade.stake_amount for trade in by_pk]),
        realized_open=seq_sum([trade.realized_profit for trade in by_pk]),
        pending=pending_entry_stake(
            (o.ft_amount, o.ft_price, o.filled)
            for o in orders
            if o.ft_is_open and o.ft_order_side == "buy"
        ),
    )


def unlimited_stake(wallet: StakeWallet, *, max_open_trades: int, open_trades: int) -> float:
    """Split what is available evenly over the remaining trade slots (Freqtrade's rule)."""
    if max_open_trades == 0:
        return 0.0
    if max_open_trades < 0:
        return wallet.available_stake
    slots_stake = (wallet.available_stake + wallet.open_stakes) / max_open_trades
    return min(slots_stake, wallet.available_stake)
