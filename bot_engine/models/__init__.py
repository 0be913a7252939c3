"""The trade tables (every row belongs to one Bot), access control and the audit trail."""

from bot_engine.models.access import ApiKey, ApiKeyScope, BotRole, Role
from bot_engine.models.audit import AuditEvent, Outcome
from bot_engine.models.backtest import ACTIVE_STATUSES, BacktestRun, BacktestStatus
from bot_engine.models.bot import Bot
from bot_engine.models.custom_data import TradeCustomData
from bot_engine.models.order import Order
from bot_engine.models.pair_lock import PairLock
from bot_engine.models.trade import Trade
from bot_engine.models.wallet_history import WalletCapture, WalletHistory

__all__ = [
    "ACTIVE_STATUSES",
    "ApiKey",
    "ApiKeyScope",
    "AuditEvent",
    "BacktestRun",
    "BacktestStatus",
    "Bot",
    "BotRole",
    "Order",
    "Outcome",
    "PairLock",
    "Role",
    "Trade",
    "TradeCustomData",
    "WalletCapture",
    "WalletHistory",
]
