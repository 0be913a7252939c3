"""``/balance`` in dry-run: the simulated wallet, coin by coin (contract §3.14); the wire's keys
are written by ``api/serializers/stats.py``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot_engine.config.model import BotConfig
from bot_engine.engine.wallet import loaded_stake_wallet
from bot_engine.selectors.closed_cache import closed_trades
from bot_engine.selectors.trades import open_trades
from bot_engine.trade_math import starting_balance


@dataclass(slots=True)
class CoinBalance:
    """One coin of the wallet: a base coin of the open trades, or the stake currency."""

    currency: str
    free: float
    used: float  # in open exit orders
    balance: float  # free + used
    bot_owned: float
    est_stake: float = 0.0  # valued in the stake currency
    est_stake_bot: float = 0.0


@dataclass(frozen=True, slots=True)
class BalanceSummary:
    """The simulated wallet, coin by coin, and its value against the starting capital."""

    currencies: list[CoinBalance]
    total: float  # Σ est_stake
    total_bot: float  # Σ est_stake_bot
    stake_currency: str
    fiat_display_currency: str
    dry_run: bool
    starting_capital: float
    starting_capital_ratio: float  # total_bot over the starting capital, − 1


def balance_summary(
    *, bot_id: int, config: BotConfig, current_rates: Mapping[str, float | None]
) -> BalanceSummary:
    """Balances: each open trade's base coin (valued at ``current_rates[pair]``), then the stake
    currency; totals and the ratio to the starting capital."""
    stake = config.stake_currency
    trades = list(open_trades(bot_id=bot_id))
    wallet = loaded_stake_wallet(
        config, closed_profit=closed_trades(bot_id).profit_sum, open_trades=trades
    )
    coins: dict[str, tuple[CoinBalance, float | None]] = {}
    for trade in trades:
        coin = trade.base_currency or trade.pair.split("/")[0]
        exit_side = "buy" if trade.is_short else "sell"
        pending = sum(
            (o.amount or 0.0) - (o.filled or 0.0)
            for o in trade.orders.all()
            if o.ft_is_open and o.ft_order_side == exit_side and o.amount and o.filled
        )
        if coin not in coins:  # valued at the rate of the first trade's pair
            coins[coin] = (
                CoinBalance(coin, free=0.0, used=0.0, balance=0.0, bot_owned=0.0),
                current_rates.get(trade.pair),
            )
        entry = coins[coin][0]
        entry.free += trade.amount - pending
        entry.used += pending
        entry.balance += trade.amount
        entry.bot_owned += trade.amount
    currencies: list[CoinBalance] = []
    for entry, rate in coins.values():
        entry.est_stake = rate * entry.balance if rate else 0.0
        entry.est_stake_bot = rate * entry.bot_owned if rate else 0.0
        currencies.append(entry)

    stake_total = wallet.free + wallet.used
    available = wallet.available_stake
    if stake_total or wallet.free:
        currencies.append(
            CoinBalance(
                stake,
                free=wallet.free,
                used=wallet.used,
                balance=stake_total,
                bot_owned=available,
                est_stake=stake_total,
                est_stake_bot=available,
            )
        )
    currencies = [c for c in currencies if c.balance or c.free]

    total = total_bot = 0.0
    for entry in currencies:
        total += entry.est_stake
        total_bot += entry.est_stake_bot
    capital = starting_balance(config, wallet)
    return BalanceSummary(
        currencies=currencies,
        total=total,
        total_bot=total_bot,
        stake_currency=stake,
        fiat_display_currency=config.fiat_display_currency or "",
        dry_run=config.dry_run,
        starting_capital=capital,
        starting_capital_ratio=total_bot / capital - 1 if capital else 0.0,
    )
