"""Protections: rules that lock pairs (or every pair) after bad runs of closed trades.

Freqtrade's four protections -- CooldownPeriod, StoplossGuard, MaxDrawdown, LowProfitPairs --
with its parameters and lock reasons, as pure code over closed-trade facts (``ClosedTrade``):
the backtester feeds them its in-memory trades, the live engine can feed them its rows.
``ProtectionSet.from_config`` builds them from a config's / strategy's ``protections`` list.
"""

from bot_engine.protections.base import ClosedTrade, LockRequest, Protection
from bot_engine.protections.manager import ProtectionSet, build_protection

__all__ = ["ClosedTrade", "LockRequest", "Protection", "ProtectionSet", "build_protection"]
