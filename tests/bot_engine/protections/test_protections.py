"""Protections lock pairs after bad runs of closed trades, with Freqtrade's parameters and reasons.

They are pure rules over closed-trade facts; ``ProtectionSet.after_close`` is what the
backtester (and later the live engine) calls when a trade closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot_engine.exceptions import StrategyError
from bot_engine.protections import LockRequest, ProtectionSet

T0 = datetime(2018, 1, 11, 12, 0, tzinfo=UTC)


@dataclass
class Closed:
    pair: str
    close_date: datetime
    close_profit: float
    close_profit_abs: float = 0.0
    exit_reason: str = "roi"
    is_short: bool = False


def locks_after(settings: list[dict], trades: list[Closed], pair: str, now: datetime):
    """The locks the protections ask for after ``pair``'s trade closed at ``now``."""
    made: list[LockRequest] = []

    def is_locked(wanted_pair: str, at: datetime, side: str) -> bool:
        return any(lock.until > at and lock.pair in (wanted_pair, "*") for lock in made)

    ProtectionSet.from_config(settings, "5m").after_close(
        trades, pair, now, "long", 1.0, is_locked=is_locked, lock=lambda r, _now: made.append(r)
    )
    return made


def test_cooldown_locks_the_pair_from_its_last_exit():
    trades = [Closed("ETH/BTC", T0, 0.01), Closed("LTC/BTC", T0, 0.01)]
    locks = locks_after(
        [{"method": "CooldownPeriod", "stop_duration_candles": 2}], trades, "ETH/BTC", T0
    )
    reason = "Cooldown period for for 2 candles."  # sic: Freqtrade's text
    assert locks == [LockRequest("ETH/BTC", T0 + timedelta(minutes=10), reason)]


def test_stoploss_guard_stops_every_pair_after_enough_losing_stops():
    guard = {
        "method": "StoplossGuard",
        "lookback_period_candles": 288,
        "trade_limit": 2,
        "stop_duration_candles": 12,
    }
    one = [Closed("ETH/BTC", T0, -0.05, exit_reason="stop_loss")]
    assert locks_after([guard], one, "ETH/BTC", T0) == []
    two = [
        *one,
        Closed("LTC/BTC", T0 + timedelta(hours=1), -0.02, exit_reason="trailing_stop_loss"),
    ]
    locks = locks_after([guard], two, "LTC/BTC", T0 + timedelta(hours=1))
    reason = "2 stoplosses in 1440 min, locking for 12 candles."
    assert locks == [LockRequest("*", T0 + timedelta(hours=2), reason)]
    # A profitable stop-out or an old one does not count.
    mixed = [Closed("ETH/BTC", T0, 0.01, exit_reason="stop_loss"), two[1]]
    assert locks_after([guard], mixed, "LTC/BTC", T0 + timedelta(hours=1)) == []
    later = T0 + timedelta(days=2)
    assert locks_after([guard], two, "LTC/BTC", later) == []


def test_max_drawdown_stops_trading_after_a_deep_enough_fall():
    settings = [
        {
            "method": "MaxDrawdown",
            "lookback_period": 120,
            "trade_limit": 3,
            "stop_duration": 30,
            "max_allowed_drawdown": 0.05,
        }
    ]
    closes = [T0 + timedelta(minutes=10 * i) for i in range(3)]
    deep = [Closed("ETH/BTC", d, p) for d, p in zip(closes, (0.02, -0.04, -0.03), strict=True)]
    locks = locks_after(settings, deep, "ETH/BTC", closes[-1])
    assert [(lock.pair, lock.until) for lock in locks] == [
        ("*", closes[-1] + timedelta(minutes=30))
    ]
    assert locks[0].reason.startswith("0.07")
    shallow = [Closed("ETH/BTC", d, p) for d, p in zip(closes, (0.02, -0.02, -0.01), strict=True)]
    assert locks_after(settings, shallow, "ETH/BTC", closes[-1]) == []


def test_low_profit_pairs_locks_only_the_losing_pair():
    settings = [
        {
            "method": "LowProfitPairs",
            "lookback_period": 360,
            "trade_limit": 2,
            "stop_duration": 60,
            "required_profit": 0.0,
        }
    ]
    trades = [
        Closed("ETH/BTC", T0, -0.02),
        Closed("ETH/BTC", T0 + timedelta(minutes=5), 0.01),
        Closed("LTC/BTC", T0, -0.05),
    ]
    locks = locks_after(settings, trades, "ETH/BTC", T0 + timedelta(minutes=5))
    assert [(lock.pair, lock.until) for lock in locks] == [("ETH/BTC", T0 + timedelta(minutes=65))]
    assert locks[0].reason == "-0.01 < 0.0 in 360 minutes, locking for 60 minutes."
    assert locks_after(settings, trades, "LTC/BTC", T0) == []  # one trade is below the limit


def test_an_existing_lock_that_covers_the_end_is_not_doubled():
    trades = [Closed("ETH/BTC", T0, 0.01)]
    cooldown = [
        {"method": "CooldownPeriod", "stop_duration_candles": 2},
        {"method": "CooldownPeriod", "stop_duration_candles": 1},
    ]
    assert len(locks_after(cooldown, trades, "ETH/BTC", T0)) == 1


def test_an_unknown_protection_is_refused():
    with pytest.raises(StrategyError, match="NoSuchProtection"):
        ProtectionSet.from_config([{"method": "NoSuchProtection"}], "5m")
