"""The running bot's trades and pair locks as strategy code sees them (freqtrade.persistence).

Freqtrade strategies call class-level helpers (``Trade.get_trades_proxy(...)``,
``PairLocks.is_pair_locked(pair)``) with no reference to a bot: in Freqtrade one process is one
bot. Here the engine binds its bot (``bind_bot``) when it builds it, and every helper reads and
writes that bot's rows only, at the bot's clock (the replay clock on replay). With no bot bound
(analysis for ``/pair_history`` in webserver mode) there are no trades and no locks.
"""

from __future__ import annotations

import logging
import operator
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, Sum

from bot_engine.engine import locks
from bot_engine.models import Order, PairLock
from bot_engine.models import Trade as TradeRow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BotBinding:
    """What the helpers need of the running bot: its rows, its clock, its candle length."""

    bot_id: int
    timeframe: str
    now: Callable[[], datetime]
    on_change: Callable[[], None]  # the engine caches locks: tell it they changed


_binding: BotBinding | None = None
# A backtest's in-memory book (``backtest.ledger.Ledger``); while one is bound, every helper
# answers from it instead of the bot's rows. Per thread: a backtest run in a thread next to a
# running bot must not change what that bot's strategy sees.
_backtests = threading.local()


def bind_local(ledger: Any) -> Any:
    """Answer from ``ledger`` in this thread (None: from the bound bot again); returns the
    previous one."""
    previous = getattr(_backtests, "ledger", None)
    _backtests.ledger = ledger
    return previous


def _ledger() -> Any:
    return getattr(_backtests, "ledger", None)


def bind_bot(binding: BotBinding | None) -> None:
    """Make ``binding`` the bot whose trades and locks strategies see (None: no bot)."""
    global _binding
    _binding = binding


def bound_bot() -> BotBinding | None:
    return _binding


def _local_now(now: datetime | None) -> datetime:
    # Freqtrade's helpers take the wall clock when strategy code gives no time, in backtesting
    # too (so there ``is_pair_locked(pair)`` is False and ``unlock_pair`` finds nothing);
    # a backtest answers the same.
    return now if now is not None else datetime.now(UTC)


def _now(now: datetime | None) -> datetime:
    if now is not None:
        return now
    return _binding.now() if _binding is not None else datetime.now(UTC)


class _Column:
    """``Trade.pair == "ETH/BTC"``-style filters for ``Trade.get_trades``, as Django ``Q``s."""

    def __init__(self, field: str) -> None:
        self.field = field

    def _q(self, lookup: str, value: Any) -> Q:
        return Q(**{f"{self.field}{lookup}": value})

    def __eq__(self, value: object) -> Q:  # type: ignore[override]
        return self._q("__isnull", True) if value is None else self._q("", value)

    def __ne__(self, value: object) -> Q:  # type: ignore[override]
        return ~self.__eq__(value)

    def __lt__(self, value: Any) -> Q:
        return self._q("__lt", value)

    def __le__(self, value: Any) -> Q:
        return self._q("__lte", value)

    def __gt__(self, value: Any) -> Q:
        return self._q("__gt", value)

    def __ge__(self, value: Any) -> Q:
        return self._q("__gte", value)

    def is_(self, value: Any) -> Q:
        return self.__eq__(value)

    def is_not(self, value: Any) -> Q:
        return self.__ne__(value)

    def in_(self, values: Sequence[Any]) -> Q:
        return self._q("__in", list(values))

    def not_in(self, values: Sequence[Any]) -> Q:
        return ~self.in_(values)

    __hash__ = object.__hash__


class _TradeType(type):
    """``isinstance(trade, Trade)`` holds for the trades the engine hands to callbacks."""

    def __instancecheck__(cls, instance: object) -> bool:
        # A backtest's in-memory trades are Trades to strategies too.
        return isinstance(instance, TradeRow) or getattr(instance, "is_backtest_trade", False)


class TradeQueryResult:
    """What ``Trade.get_trades`` returns: ``.all()``, ``.first()`` or iterate, as in Freqtrade."""

    def __init__(self, rows: Sequence[TradeRow]) -> None:
        self._rows = list(rows)

    def all(self) -> list[TradeRow]:
        return list(self._rows)

    def first(self) -> TradeRow | None:
        return self._rows[0] if self._rows else None

    def __iter__(self) -> Iterator[TradeRow]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def _trades():
    if _binding is None:
        return TradeRow.objects.none()
    return TradeRow.objects.for_bot(_binding.bot_id).order_by("trade_id")


class Trade(metaclass=_TradeType):
    """Freqtrade's ``Trade`` query helpers over the running bot's trades (engine trade rows)."""

    # Columns for get_trades filters; ``Trade.id`` is the bot's trade id, as in Freqtrade.
    id = _Column("trade_id")
    pair = _Column("pair")
    is_open = _Column("is_open")
    is_short = _Column("is_short")
    open_date = _Column("open_date")
    close_date = _Column("close_date")
    open_rate = _Column("open_rate")
    close_rate = _Column("close_rate")
    close_profit = _Column("close_profit")
    close_profit_abs = _Column("close_profit_abs")
    stake_amount = _Column("stake_amount")
    amount = _Column("amount")
    exit_reason = _Column("exit_reason")
    enter_tag = _Column("enter_tag")
    strategy = _Column("strategy")

    @staticmethod
    def get_trades_proxy(
        *,
        pair: str | None = None,
        is_open: bool | None = None,
        open_date: datetime | None = None,
        close_date: datetime | None = None,
    ) -> list[TradeRow]:
        """Trades filtered as Freqtrade does: dates strictly after the given ones."""
        if (_local := _ledger()) is not None:
            return _local.get_trades_proxy(
                pair=pair, is_open=is_open, open_date=open_date, close_date=close_date
            )
        rows = _trades()
        if pair:
            rows = rows.filter(pair=pair)
        if open_date:
            rows = rows.filter(open_date__gt=open_date)
        if close_date:  # only closed trades have a close date
            rows = rows.filter(close_date__gt=close_date)
        if is_open is not None:
            rows = rows.filter(is_open__in=[is_open])
        return list(rows)

    @staticmethod
    def get_open_trades() -> list[TradeRow]:
        return Trade.get_trades_proxy(is_open=True)

    @staticmethod
    def get_open_trade_count() -> int:
        if (_local := _ledger()) is not None:
            return len(_local.open_trades)
        return _trades().open().count()

    @staticmethod
    def get_trades(trade_filter: Any = None, include_orders: bool = True) -> TradeQueryResult:
        """Trades matching ``trade_filter``: one ``Trade.<column> <op> value`` or a list of them."""
        if (_local := _ledger()) is not None:
            # Freqtrade's own answer in a backtest (its backtest trades are not in a database):
            # the same exception and words, so a strategy guarding for it behaves the same.
            raise NotImplementedError("`Trade.get_trades()` not supported in backtesting mode.")
        rows = _trades()
        if trade_filter is not None:
            filters = trade_filter if isinstance(trade_filter, list | tuple) else [trade_filter]
            for condition in filters:
                rows = rows.filter(condition)
        return TradeQueryResult(rows)

    @staticmethod
    def get_total_closed_profit() -> float:
        if (_local := _ledger()) is not None:
            return float(_local.closed_profit)
        total = _trades().closed().aggregate(total=Sum("close_profit_abs"))["total"]
        return float(total or 0.0)


class PairLocks:
    """Freqtrade's ``PairLocks`` over the running bot's locks (``engine/locks.py``)."""

    @staticmethod
    def lock_pair(
        pair: str,
        until: datetime,
        reason: str | None = None,
        *,
        now: datetime | None = None,
        side: str = "*",
    ) -> PairLock | None:
        """Lock ``pair`` ('*': all) until the candle boundary after ``until``."""
        if (_local := _ledger()) is not None:
            return _local.lock(pair, until, reason, now=_local_now(now), side=side)
        if _binding is None:
            logger.warning("PairLocks.lock_pair(%s): no bot is running; nothing locked.", pair)
            return None
        lock = locks.lock_pair(
            _binding.bot_id,
            pair,
            until=until,
            now=_now(now),
            timeframe=_binding.timeframe,
            reason=reason,
            side=side,
        )
        _binding.on_change()
        return lock

    @staticmethod
    def get_pair_locks(
        pair: str | None, now: datetime | None = None, side: str | None = None
    ) -> list[PairLock]:
        """Active locks of ``pair`` (all pairs when empty); side '*' means all-side locks only."""
        if (_local := _ledger()) is not None:
            found = _local.active_locks(pair or None, _local_now(now), None)
            if side is not None and side != "*":
                return [lock for lock in found if lock.side in (side, "*")]
            return [lock for lock in found if lock.side == "*"] if side is not None else found
        if _binding is None:
            return []
        rows = locks.active_locks(_binding.bot_id, _now(now))
        if pair:
            rows = rows.filter(pair=pair)
        if side is not None and side != "*":
            rows = rows.filter(side__in=[side, "*"])
        elif side is not None:
            rows = rows.filter(side="*")
        return list(rows.order_by("id"))

    @staticmethod
    def get_pair_longest_lock(
        pair: str, now: datetime | None = None, side: str = "*"
    ) -> PairLock | None:
        found = PairLocks.get_pair_locks(pair, now, side=side)
        return max(found, key=operator.attrgetter("lock_end_time"), default=None)

    @staticmethod
    def is_global_lock(now: datetime | None = None, side: str = "*") -> bool:
        return bool(PairLocks.get_pair_locks("*", now, side))

    @staticmethod
    def is_pair_locked(pair: str, now: datetime | None = None, side: str = "*") -> bool:
        return bool(PairLocks.get_pair_locks(pair, now, side)) or PairLocks.is_global_lock(
            now, side
        )

    @staticmethod
    def unlock_pair(pair: str, now: datetime | None = None, side: str = "*") -> None:
        PairLocks._deactivate(PairLocks.get_pair_locks(pair, now, side=side), now)

    @staticmethod
    def unlock_reason(reason: str, now: datetime | None = None) -> None:
        active = PairLocks.get_pair_locks(None, now)
        PairLocks._deactivate([lock for lock in active if lock.reason == reason], now)

    @staticmethod
    def get_all_locks() -> list[PairLock]:
        """Every lock of the bot, expired and released ones included."""
        if (_local := _ledger()) is not None:
            return list(_local.locks)
        if _binding is None:
            return []
        return list(PairLock.objects.filter(bot_id=_binding.bot_id).order_by("id"))

    @staticmethod
    def _deactivate(found: Sequence[PairLock], now: datetime | None) -> None:
        if (_local := _ledger()) is not None:
            _local.unlock(list(found), _local_now(now))
            return
        if _binding is None or not found:
            return
        for lock in found:
            locks.unlock(_binding.bot_id, now=_now(now), lock_id=lock.pk)
        _binding.on_change()


__all__ = ["BotBinding", "Order", "PairLocks", "Trade", "bind_bot", "bound_bot"]
