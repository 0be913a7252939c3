"""``/balance`` in dry-run: the simulated wallet, coin by coin (contract §3.14)."""

from __future__ import annotations

from collections.abc import Mapping

from bot_engine.config.model import BotConfig
from bot_engine.engine.wallet import stake_wallet
from bot_engine.selectors.closed_cache import closed_trades
from bot_engine.selectors.trades import open_trades
from bot_engine.trade_math import starting_balance


def balance_summary(
    *, bot_id: int, config: BotConfig, current_rates: Mapping[str, float | None]
) -> dict:
    """Balances: each open trade's base coin (valued at ``current_rates[pair]``), then the stake
    currency; totals and the ratio to the starting capital. No fiat converter: values are 0."""
    stake = config.stake_currency
    wallet = stake_wallet(bot_id, config, closed_profit=closed_trades(bot_id).profit_sum)
    currencies: list[dict] = []
    coins: dict[str, dict] = {}
    for trade in open_trades(bot_id=bot_id):
        coin = trade.base_currency or trade.pair.split("/")[0]
        exit_side = "buy" if trade.is_short else "sell"
        pending = sum(
            (o.amount or 0.0) - (o.filled or 0.0)
            for o in trade.orders.all()
            if o.ft_is_open and o.ft_order_side == exit_side and o.amount and o.filled
        )
        rate = current_rates.get(trade.pair)
        entry = coins.get(coin)
        if entry is None:
            entry = coins[coin] = _row(coin, stake, free=0.0, used=0.0, total=0.0, owned=0.0)
            entry["_rate"] = rate
            currencies.append(entry)
        entry["free"] += trade.amount - pending
        entry["used"] += pending
        entry["balance"] += trade.amount
        entry["bot_owned"] += trade.amount
    for entry in currencies:
        rate = entry.pop("_rate")
        entry["est_stake"] = rate * entry["balance"] if rate else 0.0
        entry["est_stake_bot"] = rate * entry["bot_owned"] if rate else 0.0

    stake_total = wallet.free + wallet.used
    available = wallet.available_stake
    if stake_total or wallet.free:
        row = _row(
            stake, stake, free=wallet.free, used=wallet.used, total=stake_total, owned=available
        )
        row["est_stake"] = stake_total
        row["est_stake_bot"] = available
        currencies.append(row)
    currencies = [c for c in currencies if c["balance"] or c["free"]]

    total = total_bot = 0.0
    for entry in currencies:
        total += entry["est_stake"]
        total_bot += entry["est_stake_bot"]
    capital = starting_balance(config, wallet)
    ratio = total_bot / capital - 1 if capital else 0.0
    return {
        "currencies": currencies,
        "total": total,
        "total_bot": total_bot,
        "symbol": config.fiat_display_currency or "",
        "value": 0.0,
        "value_bot": 0.0,
        "stake": stake,
        "note": "Simulated balances" if config.dry_run else "",
        "starting_capital": capital,
        "starting_capital_ratio": ratio,
        "starting_capital_pct": round(ratio * 100, 2),
        "starting_capital_fiat": 0.0,
        "starting_capital_fiat_ratio": 0.0,
        "starting_capital_fiat_pct": 0.0,
    }


def _row(
    currency: str, stake: str, *, free: float, used: float, total: float, owned: float
) -> dict:
    return {
        "currency": currency,
        "free": free,
        "balance": total,
        "used": used,
        "bot_owned": owned,
        "est_stake": 0.0,
        "est_stake_bot": 0.0,
        "stake": stake,
        "side": "long",
        "is_position": False,
        "position": 0.0,
        "is_bot_managed": True,
    }
