"""A backtest's book: open and closed trades, pair locks and the stake wallet, in memory.

Strategy code asks ``Trade.get_trades_proxy(...)`` and ``PairLocks.is_pair_locked(...)`` while
a backtest runs; ``strategy/persistence.py`` hands those calls to the ledger bound there, so
they answer from this run's state at the simulated clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot_engine.backtest.trade import BacktestTrade
from bot_engine.config.model import BotConfig
from bot_engine.data.timeframes import next_candle_boundary
from bot_engine.engine.wallet import unlimited_stake
from bot_engine.trade_math import StakeWallet, wallet_from_sums

ALL = "*"


@dataclass
class BacktestLock:
    """A pair lock of the run (Freqtrade's PairLock fields)."""

    pair: str
    lock_time: datetime
    lock_end_time: datetime
    reason: str | None
    side: str = ALL
    active: bool = True
    id: int | None = None

    @property
    def lock_end_time_utc(self) -> datetime:
        return self.lock_end_time

    def to_result(self) -> dict[str, Any]:
        return {
            "id": None,
            "pair": self.pair,
            "lock_time": self.lock_time.strftime("%Y-%m-%d %H:%M:%S"),
            "lock_timestamp": int(self.lock_time.timestamp() * 1000),
            "lock_end_time": self.lock_end_time.strftime("%Y-%m-%d %H:%M:%S"),
            "lock_end_timestamp": int(self.lock_end_time.timestamp() * 1000),
            "reason": self.reason,
            "side": self.side,
            "active": self.active,
        }


class Ledger:
    """Trades and locks of one backtest; the wallet is computed from them on demand."""

    def __init__(self, config: BotConfig, timeframe: str, *, wallet: float) -> None:
        self.config = config
        self.timeframe = timeframe
        self.starting_wallet = wallet
        self.open_trades: list[BacktestTrade] = []
        self.open_by_pair: dict[str, list[BacktestTrade]] = {}
        self.closed: list[BacktestTrade] = []
        self.closed_profit = 0.0
        self.locks: list[BacktestLock] = []
        self.now: datetime = datetime.fromtimestamp(0, UTC)

    # Trades

    def pair_trades(self, pair: str) -> list[BacktestTrade]:
        found = self.open_by_pair.get(pair)
        if found is None:
            found = self.open_by_pair[pair] = []
        return found

    def add(self, trade: BacktestTrade) -> None:
        self.open_trades.append(trade)
        self.pair_trades(trade.pair).append(trade)

    def remove(self, trade: BacktestTrade) -> None:
        self.open_trades.remove(trade)
        self.open_by_pair[trade.pair].remove(trade)

    def close(self, trade: BacktestTrade) -> None:
        self.remove(trade)
        self.closed.append(trade)
        self.closed_profit += trade.close_profit_abs or 0.0

    # Wallet

    def wallet(self) -> StakeWallet:
        return wallet_from_sums(
            _with_wallet(self.config, self.starting_wallet),
            closed_profit=self.closed_profit,
            open_stakes=sum(t.stake_amount for t in self.open_trades),
            realized_open=sum(t.realized_profit for t in self.open_trades),
            pending=0.0,
        )

    def available_stake(self) -> float:
        wallet = self.wallet()
        return min(wallet.total_stake_amount - wallet.open_stakes, wallet.free)

    def trade_stake(self, stake_amount: float | str, max_open_trades: int) -> float | None:
        """Freqtrade's stake for a new trade; None when the wallet cannot pay it."""
        wallet = self.wallet()
        available = min(wallet.total_stake_amount - wallet.open_stakes, wallet.free)
        if stake_amount == "unlimited":
            stake = unlimited_stake(
                wallet, max_open_trades=max_open_trades, open_trades=len(self.open_trades)
            )
            stake = min(stake, available) if max_open_trades else 0.0
        else:
            stake = float(stake_amount)
        raw = self.config.raw
        if raw.get("amend_last_stake_amount"):
            # The last slot takes what is left, if that is at least this share of a stake.
            if available > stake * float(raw.get("last_stake_amount_min_ratio", 0.5)):
                stake = min(stake, available)
            else:
                stake = 0.0
        if available < stake:
            return None
        return max(stake, 0.0)

    # Locks

    def active_locks(self, pair: str | None, now: datetime, side: str | None) -> list[BacktestLock]:
        return [
            lock
            for lock in self.locks
            if lock.lock_end_time > now
            and lock.active
            and (pair is None or lock.pair == pair)
            and (side is None or lock.side == ALL or lock.side == side)
        ]

    def is_locked(self, pair: str, now: datetime, side: str = ALL) -> bool:
        if not self.locks:
            return False
        return bool(self.active_locks(pair, now, side) or self.active_locks(ALL, now, side))

    def lock(
        self, pair: str, until: datetime, reason: str | None, *, now: datetime, side: str = ALL
    ) -> BacktestLock:
        end = next_candle_boundary(until, self.timeframe)
        for lock in self.active_locks(pair, now, side):
            if lock.reason == reason and lock.lock_end_time == end and lock.side == side:
                return lock
        lock = BacktestLock(pair=pair, lock_time=now, lock_end_time=end, reason=reason, side=side)
        self.locks.append(lock)
        return lock

    def unlock(self, locks: list[BacktestLock], now: datetime) -> None:
        for lock in locks:
            lock.active = False
            lock.lock_end_time = now

    # Freqtrade's Trade / PairLocks helpers, answered from this run (persistence binding)

    def get_trades_proxy(
        self,
        *,
        pair: str | None = None,
        is_open: bool | None = None,
        open_date: datetime | None = None,
        close_date: datetime | None = None,
    ) -> list[BacktestTrade]:
        if is_open is None:
            trades = [*self.open_trades, *self.closed]
        else:
            trades = list(self.open_trades) if is_open else list(self.closed)
        if pair:
            trades = [t for t in trades if t.pair == pair]
        if open_date:
            trades = [t for t in trades if t.open_date > open_date]
        if close_date:
            trades = [t for t in trades if t.close_date and t.close_date > close_date]
        return trades

    def total_closed_profit(self) -> float:
        return self.closed_profit


def _with_wallet(config: BotConfig, wallet: float) -> BotConfig:
    if config.dry_run_wallet == wallet:
        return config
    from dataclasses import replace

    return replace(config, dry_run_wallet=wallet)


class BacktestWallets:
    """``strategy.wallets`` during a backtest: Freqtrade's Wallets questions, from the ledger."""

    def __init__(self, ledger: Ledger, stake_currency: str, stake_amount, max_open_trades: int):
        self._ledger = ledger
        self._stake_currency = stake_currency
        self._stake_amount = stake_amount
        self._max_open_trades = max_open_trades

    def update(self, require_update: bool = True) -> None:
        return None  # always computed from the ledger

    def get_free(self, currency: str) -> float:
        if currency == self._stake_currency:
            return self._ledger.wallet().free
        return self._held(currency)

    def get_used(self, currency: str) -> float:
        return 0.0

    def get_total(self, currency: str) -> float:
        return self.get_free(currency) + self.get_used(currency)

    def get_starting_balance(self) -> float:
        config = self._ledger.config
        if config.available_capital is not None:
            return float(config.available_capital)
        return self._ledger.starting_wallet * config.tradable_balance_ratio

    def get_total_stake_amount(self) -> float:
        return self._ledger.wallet().total_stake_amount

    def get_available_stake_amount(self) -> float:
        return self._ledger.available_stake()

    def get_trade_stake_amount(self, pair: str, max_open_trades=None, update: bool = True):
        limit = self._max_open_trades if max_open_trades is None else max_open_trades
        return self._ledger.trade_stake(self._stake_amount, limit) or 0.0

    def _held(self, currency: str) -> float:
        return sum(t.amount for t in self._ledger.open_trades if t.base_currency == currency)
