"""``freqtrade.constants``: the names strategy files import from it (type aliases mostly)."""

from typing import Any, Literal

from bot_engine.data.candles import COLUMNS
from bot_engine.strategy.enums import CandleType

DOCS_LINK = "https://www.freqtrade.io/en/stable"
DEFAULT_CONFIG = "config.json"
UNLIMITED_STAKE_AMOUNT = "unlimited"
DEFAULT_AMOUNT_RESERVE_PERCENT = 0.05
TIMEOUT_UNITS = ["minutes", "seconds"]
DATETIME_PRINT_FORMAT = "%Y-%m-%d %H:%M:%S"
MATH_CLOSE_PREC = 1e-14
CUSTOM_TAG_MAX_LENGTH = 255
USERPATH_STRATEGIES = "strategies"
DEFAULT_DATAFRAME_COLUMNS = list(COLUMNS)

Config = dict[str, Any]
PairWithTimeframe = tuple[str, str, CandleType]
ListPairsWithTimeframes = list[PairWithTimeframe]
LongShort = Literal["long", "short"]
EntryExit = Literal["entry", "exit"]
BuySell = Literal["buy", "sell"]
MakerTaker = Literal["maker", "taker"]
EntryExecuteMode = Literal["initial", "pos_adjust", "replace"]
IntOrInf = float

__all__ = [
    "CUSTOM_TAG_MAX_LENGTH",
    "DATETIME_PRINT_FORMAT",
    "DEFAULT_AMOUNT_RESERVE_PERCENT",
    "DEFAULT_CONFIG",
    "DEFAULT_DATAFRAME_COLUMNS",
    "DOCS_LINK",
    "MATH_CLOSE_PREC",
    "TIMEOUT_UNITS",
    "UNLIMITED_STAKE_AMOUNT",
    "USERPATH_STRATEGIES",
    "BuySell",
    "Config",
    "EntryExecuteMode",
    "EntryExit",
    "IntOrInf",
    "ListPairsWithTimeframes",
    "LongShort",
    "MakerTaker",
    "PairWithTimeframe",
]
