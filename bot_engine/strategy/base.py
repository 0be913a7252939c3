"""IStrategy: the base class of every strategy, in Freqtrade's interface-version-3 shape."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pandas import DataFrame

from bot_engine.exceptions import StrategyError
from bot_engine.strategy.informative import decorated_populators, format_pair, merge_decorated
from bot_engine.strategy.parameters import PREFIX_SPACES, BaseParameter, bind_parameters
from bot_engine.strategy.signals import (
    LEGACY_ENTRY_COLUMNS,
    LEGACY_EXIT_COLUMNS,
    rename_legacy,
)


class IStrategy(ABC):
    """Subclass this, set the class attributes and implement the populate_* methods.

    The engine calls :meth:`analyze` with a candle window for one pair and reads the
    ``enter_*``/``exit_*`` columns of the last candle; the callbacks below are called at the
    matching points of a trade's life and default to "do nothing special".
    """

    INTERFACE_VERSION: int = 3

    timeframe: str = "5m"
    minimal_roi: dict[str | int, float] = {}
    stoploss: float = -0.10

    trailing_stop: bool = False
    trailing_stop_positive: float | None = None
    trailing_stop_positive_offset: float = 0.0
    trailing_only_offset_is_reached: bool = False
    use_custom_stoploss: bool = False

    use_exit_signal: bool = True
    exit_profit_only: bool = False
    exit_profit_offset: float = 0.0
    ignore_roi_if_entry_signal: bool = False

    startup_candle_count: int = 0
    process_only_new_candles: bool = True
    can_short: bool = False
    position_adjustment_enable: bool = False
    max_entry_position_adjustment: int = -1

    order_types: dict[str, Any] | None = {
        "entry": "limit",
        "exit": "limit",
        "stoploss": "limit",
        "stoploss_on_exchange": False,
        "stoploss_on_exchange_interval": 60,
    }
    order_time_in_force: dict[str, str] = {"entry": "GTC", "exit": "GTC"}
    plot_config: dict[str, Any] = {}

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.dp: Any = None  # the engine's data provider, set before bot_start
        self.wallets: Any = None
        self.__file__: str | None = None  # set by the loader, as Freqtrade does
        saved = {
            space: dict(getattr(self, f"{space}_params", None) or {}) for space in PREFIX_SPACES
        }
        self._parameters: list[BaseParameter] = bind_parameters(self, saved)

    # Identity

    def get_strategy_name(self) -> str:
        return type(self).__name__

    def version(self) -> str | None:
        """The strategy's own version string (``/show_config`` ``strategy_version``)."""
        return None

    def roi_table(self) -> dict[int, float]:
        """``minimal_roi`` with int minute keys, ascending."""
        table = {int(minutes): float(roi) for minutes, roi in self.minimal_roi.items()}
        return dict(sorted(table.items()))

    def roi_at(self, trade_minutes: float) -> float | None:
        """The ROI that applies to a trade open for ``trade_minutes`` (None: no entry yet)."""
        applicable = [roi for minutes, roi in self.roi_table().items() if minutes <= trade_minutes]
        return applicable[-1] if applicable else None

    def describe_parameters(self) -> list[dict[str, Any]]:
        """Hyperopt parameters in the contract's StrategyParam shape (§2.9)."""
        return [param.describe() for param in self._parameters]

    # The populate_* methods a strategy implements

    @abstractmethod
    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        """Add indicator columns to ``dataframe`` and return it."""

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        """Set ``enter_long`` (and ``enter_short``, ``enter_tag``) to 1 where to enter."""
        return self.populate_buy_trend(dataframe, metadata)

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        """Set ``exit_long`` (and ``exit_short``, ``exit_tag``) to 1 where to exit."""
        return self.populate_sell_trend(dataframe, metadata)

    def populate_buy_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        """Interface v2 name of :meth:`populate_entry_trend` (writes ``buy``)."""
        raise StrategyError(f"{self.get_strategy_name()} implements no populate_entry_trend.")

    def populate_sell_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        """Interface v2 name of :meth:`populate_exit_trend` (writes ``sell``)."""
        raise StrategyError(f"{self.get_strategy_name()} implements no populate_exit_trend.")

    # What the engine calls

    def analyze(self, dataframe: DataFrame, pair: str) -> DataFrame:
        """Indicators and signals for one pair's candles; the input frame is left untouched."""
        metadata = {"pair": pair}
        df = dataframe.copy()
        if df.columns.dtype != object:
            # pandas 3 reads column labels as Arrow strings, which makes every column insert
            # several times slower; plain object labels behave the same and are cheap.
            df.columns = df.columns.astype(object)
        try:
            df = self._merge_informatives(df, metadata)
            df = self.populate_indicators(df, metadata)
            df = self._advise_entry(df, metadata)
            df = self._advise_exit(df, metadata)
        except StrategyError:
            raise
        except Exception as exc:
            raise StrategyError(
                f"Strategy {self.get_strategy_name()} failed analysing {pair}: {exc!r}"
            ) from exc
        self._check_shape(dataframe, df, pair)
        # Missing signal/tag columns are added by ``signals.normalise_signals`` when a frame is
        # shown, not here: this runs every candle for every pair and the engine reads only the
        # last row.
        return df

    def _merge_informatives(self, df: DataFrame, metadata: dict) -> DataFrame:
        """The ``@informative`` methods' columns, merged before populate_indicators (Freqtrade's
        order, so populate_indicators can use them)."""
        for use, populate in decorated_populators(self):
            df = merge_decorated(self, df, metadata, use, populate)
        return df

    def gather_informative_pairs(self) -> list[tuple[str, str]]:
        """Every ``(pair, timeframe)`` the strategy reads: ``informative_pairs()`` and the
        ``@informative`` methods' (those without an asset: each whitelisted pair)."""
        wanted = [(str(item[0]), str(item[1])) for item in self.informative_pairs() or []]
        stake = str(self.config.get("stake_currency", ""))
        for use, _populate in decorated_populators(self):
            if use.asset:
                wanted.append((format_pair(use.asset, stake), use.timeframe))
            elif self.dp is not None:
                wanted.extend((pair, use.timeframe) for pair in self.dp.current_whitelist())
        return list(dict.fromkeys(wanted))

    def _advise_entry(self, df: DataFrame, metadata: dict) -> DataFrame:
        # Freqtrade creates the tag column ("" = untagged) before populate_entry_trend, so a
        # strategy that concats its own enter_tag gets two columns there too: same frame here.
        df["enter_tag"] = ""
        df = self.populate_entry_trend(df, metadata)
        if "buy_tag" in df.columns and "enter_long" not in df.columns:
            df = df.drop(columns="enter_tag")  # a v2 strategy's buy_tag becomes the tag
        return rename_legacy(df, LEGACY_ENTRY_COLUMNS)

    def _advise_exit(self, df: DataFrame, metadata: dict) -> DataFrame:
        df["exit_tag"] = ""  # as for enter_tag: Freqtrade's frame has it before populate
        df = self.populate_exit_trend(df, metadata)
        return rename_legacy(df, LEGACY_EXIT_COLUMNS)

    def _check_shape(self, before: DataFrame, after: Any, pair: str) -> None:
        """Freqtrade refuses frames whose rows the strategy dropped or reordered; so do we."""
        name = self.get_strategy_name()
        if not isinstance(after, DataFrame):
            raise StrategyError(
                f"Strategy {name} returned {type(after).__name__}, not a DataFrame, for {pair}."
            )
        if len(after) != len(before):
            raise StrategyError(
                f"Dataframe returned from strategy {name} has mismatching length for {pair}."
            )
        if (
            len(before)
            and "date" in before.columns
            and (after["date"].iat[-1] != before["date"].iat[-1])  # iat: 4x cheaper
        ):
            raise StrategyError(
                f"Dataframe returned from strategy {name} has mismatching last date for {pair}."
            )

    # Pair locks from strategy code (Freqtrade's helpers; the bot's or the backtest's locks)

    def lock_pair(
        self, pair: str, until: datetime, reason: str | None = None, side: str = "*"
    ) -> None:
        """No new entry on ``pair`` ('*': every pair) until the candle boundary after ``until``."""
        from bot_engine.strategy.persistence import PairLocks

        PairLocks.lock_pair(pair, until, reason, side=side)

    def unlock_pair(self, pair: str) -> None:
        from bot_engine.strategy.persistence import PairLocks

        PairLocks.unlock_pair(pair)

    def unlock_reason(self, reason: str) -> None:
        from bot_engine.strategy.persistence import PairLocks

        PairLocks.unlock_reason(reason)

    def is_pair_locked(
        self, pair: str, *, candle_date: datetime | None = None, side: str = "*"
    ) -> bool:
        """Locked now, or (``candle_date``) when the candle after that one opens."""
        from bot_engine.data.timeframes import next_candle_boundary
        from bot_engine.strategy.persistence import PairLocks

        if candle_date is None:
            return PairLocks.is_pair_locked(pair, side=side)
        at = next_candle_boundary(candle_date, self.timeframe)
        return PairLocks.is_pair_locked(pair, at, side=side)

    # Callbacks (Freqtrade signatures; defaults change nothing)

    def bot_start(self, **kwargs: Any) -> None:
        """Called once after the strategy is loaded and ``dp`` is set."""
        return None

    def bot_loop_start(self, current_time: datetime, **kwargs: Any) -> None:
        """Called at the start of every engine iteration."""
        return None

    def informative_pairs(self) -> list[tuple[str, ...]]:
        """Extra ``(pair, timeframe[, candle_type])`` the engine keeps refreshed for ``dp``."""
        return []

    def confirm_trade_entry(
        self,
        pair: str,
        order_type: str,
        amount: float,
        rate: float,
        time_in_force: str,
        current_time: datetime,
        entry_tag: str | None,
        side: str,
        **kwargs: Any,
    ) -> bool:
        return True

    def confirm_trade_exit(
        self,
        pair: str,
        trade: Any,
        order_type: str,
        amount: float,
        rate: float,
        time_in_force: str,
        exit_reason: str,
        current_time: datetime,
        **kwargs: Any,
    ) -> bool:
        return True

    def custom_stake_amount(
        self,
        pair: str,
        current_time: datetime,
        current_rate: float,
        proposed_stake: float,
        min_stake: float | None,
        max_stake: float,
        leverage: float,
        entry_tag: str | None,
        side: str,
        **kwargs: Any,
    ) -> float:
        return proposed_stake

    def custom_entry_price(
        self,
        pair: str,
        trade: Any,
        current_time: datetime,
        proposed_rate: float,
        entry_tag: str | None,
        side: str,
        **kwargs: Any,
    ) -> float:
        return proposed_rate

    def custom_exit_price(
        self,
        pair: str,
        trade: Any,
        current_time: datetime,
        proposed_rate: float,
        current_profit: float,
        exit_tag: str | None,
        **kwargs: Any,
    ) -> float:
        return proposed_rate

    def custom_exit(
        self,
        pair: str,
        trade: Any,
        current_time: datetime,
        current_rate: float,
        current_profit: float,
        **kwargs: Any,
    ) -> str | bool | None:
        """Return a string (the exit reason) or True to exit now; None to keep the trade."""
        return None

    def custom_stoploss(
        self,
        pair: str,
        trade: Any,
        current_time: datetime,
        current_rate: float,
        current_profit: float,
        after_fill: bool = False,
        **kwargs: Any,
    ) -> float | None:
        """Only called when ``use_custom_stoploss``; a ratio below the current rate."""
        return self.stoploss

    def adjust_trade_position(
        self,
        trade: Any,
        current_time: datetime,
        current_rate: float,
        current_profit: float,
        min_stake: float | None,
        max_stake: float,
        **kwargs: Any,
    ) -> float | None:
        return None

    def leverage(
        self,
        pair: str,
        current_time: datetime,
        current_rate: float,
        proposed_leverage: float,
        max_leverage: float,
        entry_tag: str | None,
        side: str,
        **kwargs: Any,
    ) -> float:
        return 1.0

    def check_entry_timeout(
        self, pair: str, trade: Any, order: Any, current_time: datetime, **kwargs: Any
    ) -> bool:
        """True cancels the unfilled entry order."""
        return False

    def check_exit_timeout(
        self, pair: str, trade: Any, order: Any, current_time: datetime, **kwargs: Any
    ) -> bool:
        """True cancels the unfilled exit order."""
        return False

    def order_filled(
        self, pair: str, trade: Any, order: Any, current_time: datetime, **kwargs: Any
    ) -> None:
        """Called after an order of the trade filled."""
        return None
