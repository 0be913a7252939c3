"""The stake wallet: what is free, tied up and available for the next trade (Freqtrade's Wallets).

In dry-run no exchange balance exists: the wallet is ``dry_run_wallet`` plus realised profit minus
open stakes, computed with database aggregates over the bot's trades (contract §3.14).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from bot_engine.config.model import BotConfig
from bot_engine.models import Order, Trade


@dataclass(frozen=True)
class StakeWallet:
    free: float  # stake currency not in any trade
    used: float  # stake of entry orders still open on the exchange
    open_stakes: float  # Σ stake_amount of open trades
    closed_profit: float  # Σ close_profit_abs of closed trades
    realized_open: float  # Σ realized_profit of open trades (partial exits)
    total_stake_amount: float  # what the bot may trade with (tradable_balance_ratio applied)

    @property
    def available_stake(self) -> float:
        return max(0.0, min(self.total_stake_amount - self.open_stakes, self.free))


def wallet_from_sums(
    config: BotConfig,
    *,
    closed_profit: float,
    open_stakes: float,
    realized_open: float,
    pending: float,
) -> StakeWallet:
    """The wallet formula (contract §3.14), in one place for every caller."""
    free = config.dry_run_wallet + closed_profit + realized_open
    free -= open_stakes
    if config.available_capital:
        total = config.available_capital + closed_profit
    else:
        total = (free + open_stakes) * config.tradable_balance_ratio
    return StakeWallet(
        free=free,
        used=pending,
        open_stakes=open_stakes,
        closed_profit=closed_profit,
        realized_open=realized_open,
        total_stake_amount=total,
    )


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
    return sum((amount - (filled or 0.0)) * price for amount, price, filled in rows)


def unlimited_stake(wallet: StakeWallet, *, max_open_trades: int, open_trades: int) -> float:
    """Split what is available evenly over the remaining trade slots (Freqtrade's rule)."""
    if max_open_trades == 0:
        return 0.0
    if max_open_trades < 0:
        return wallet.available_stake
    slots_stake = (wallet.available_stake + wallet.open_stakes) / max_open_trades
    return min(slots_stake, wallet.available_stake)
