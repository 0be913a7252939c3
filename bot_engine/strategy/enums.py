"""The enums strategy files compare against (``freqtrade.enums``), with Freqtrade's values.

Strategies test ``self.dp.runmode.value in ("live", "dry_run")``, ``trade.exit_reason ==
ExitType.ROI.value`` and the like, so the member names and values are the interface.
"""

from __future__ import annotations

from enum import Enum, StrEnum


class RunMode(StrEnum):
    """What the bot is doing; Tradeplane's engine runs as LIVE or DRY_RUN."""

    LIVE = "live"
    DRY_RUN = "dry_run"
    BACKTEST = "backtest"
    HYPEROPT = "hyperopt"
    UTIL_EXCHANGE = "util_exchange"
    UTIL_NO_EXCHANGE = "util_no_exchange"
    PLOT = "plot"
    WEBSERVER = "webserver"
    OTHER = "other"


TRADE_MODES = [RunMode.LIVE, RunMode.DRY_RUN]
OPTIMIZE_MODES = [RunMode.BACKTEST, RunMode.HYPEROPT]
NON_UTIL_MODES = TRADE_MODES + OPTIMIZE_MODES


class CandleType(StrEnum):
    SPOT = "spot"
    FUTURES = "futures"
    MARK = "mark"
    INDEX = "index"
    PREMIUMINDEX = "premiumIndex"
    FUNDING_RATE = "funding_rate"
    OPEN_INTEREST = "open_interest"

    @staticmethod
    def from_string(value: str) -> CandleType:
        """An empty value means spot, as in informative_pairs() tuples without a third item."""
        return CandleType(value) if value else CandleType.SPOT

    @staticmethod
    def get_default(trading_mode: str) -> CandleType:
        return CandleType.FUTURES if trading_mode == "futures" else CandleType.SPOT


class ExitType(Enum):
    """Exit reasons; a plain Enum (not StrEnum), so strategies compare ``.value``."""

    ROI = "roi"
    STOP_LOSS = "stop_loss"
    STOPLOSS_ON_EXCHANGE = "stoploss_on_exchange"
    TRAILING_STOP_LOSS = "trailing_stop_loss"
    LIQUIDATION = "liquidation"
    EXIT_SIGNAL = "exit_signal"
    FORCE_EXIT = "force_exit"
    EMERGENCY_EXIT = "emergency_exit"
    CUSTOM_EXIT = "custom_exit"
    PARTIAL_EXIT = "partial_exit"
    SOLD_ON_EXCHANGE = "sold_on_exchange"
    NONE = ""

    def __str__(self) -> str:
        return self.value


class SignalType(StrEnum):
    ENTER_LONG = "enter_long"
    EXIT_LONG = "exit_long"
    ENTER_SHORT = "enter_short"
    EXIT_SHORT = "exit_short"


class SignalTagType(StrEnum):
    ENTER_TAG = "enter_tag"
    EXIT_TAG = "exit_tag"


class SignalDirection(StrEnum):
    LONG = "long"
    SHORT = "short"


class TradingMode(StrEnum):
    SPOT = "spot"
    MARGIN = "margin"
    FUTURES = "futures"


class MarginMode(StrEnum):
    CROSS = "cross"
    ISOLATED = "isolated"
    NONE = ""


class OrderTypeValues(StrEnum):
    limit = "limit"
    market = "market"


class PriceType(StrEnum):
    LAST = "last"
    MARK = "mark"
    INDEX = "index"


class MarketDirection(StrEnum):
    LONG = "long"
    SHORT = "short"
    EVEN = "even"
    NONE = "none"


class RPCMessageType(StrEnum):
    """Message types; strategies send STRATEGY_MSG through ``self.dp.send_msg``."""

    STATUS = "status"
    WARNING = "warning"
    EXCEPTION = "exception"
    STARTUP = "startup"
    ENTRY = "entry"
    ENTRY_FILL = "entry_fill"
    ENTRY_CANCEL = "entry_cancel"
    EXIT = "exit"
    EXIT_FILL = "exit_fill"
    EXIT_CANCEL = "exit_cancel"
    PROTECTION_TRIGGER = "protection_trigger"
    PROTECTION_TRIGGER_GLOBAL = "protection_trigger_global"
    LIQUIDATION_WARNING = "liquidation_warning"
    STRATEGY_MSG = "strategy_msg"
    WHITELIST = "whitelist"
    ANALYZED_DF = "analyzed_df"
    NEW_CANDLE = "new_candle"


class State(Enum):
    RUNNING = 1
    PAUSED = 2
    STOPPED = 3
    RELOAD_CONFIG = 4

    def __str__(self) -> str:
        return self.name.lower()


class ExitCheckTuple:
    """An exit type and its reason (the reason defaults to the type's value)."""

    def __init__(self, exit_type: ExitType, exit_reason: str = "") -> None:
        self.exit_type = exit_type
        self.exit_reason = exit_reason or exit_type.value

    @property
    def exit_flag(self) -> bool:
        return self.exit_type != ExitType.NONE

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ExitCheckTuple)
            and self.exit_type == other.exit_type
            and self.exit_reason == other.exit_reason
        )

    def __hash__(self) -> int:
        return hash((self.exit_type, self.exit_reason))

    def __repr__(self) -> str:
        return f"ExitCheckTuple({self.exit_type}, {self.exit_reason})"
