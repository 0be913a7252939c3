"""The running bot's state: config, strategy, exchange, caches and the engine thread's queue.

Everything that changes engine state runs on the engine's own thread (``RunningBot.call``), so
the loop needs no locks; readers get the cached state (tickers, analysed candles) as it was after
the last iteration and never wait for one. The API reaches it through ``bot_engine.runtime``.
"""

from __future__ import annotations

import enum
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from bot_engine.config.model import BotConfig
from bot_engine.engine.book import TradeBook
from bot_engine.engine.rules import TradingRules
from bot_engine.exchange.base import Exchange, Market, Ticker
from bot_engine.models import Bot
from bot_engine.strategy.base import IStrategy

if TYPE_CHECKING:
    from bot_engine.edge.positioning import EdgePositioning
    from bot_engine.protections import ProtectionSet

logger = logging.getLogger(__name__)
T = TypeVar("T")
COMMAND_TIMEOUT = 30.0


class BotState(enum.StrEnum):
    """The engine's state as ``/show_config`` and the control endpoints name it."""

    RUNNING = "running"
    STOPPED = "stopped"
    PAUSED = "paused"
    RELOAD_CONFIG = "reload_config"


@dataclass
class AnalysedFrame:
    """A pair's candles with the strategy's indicators and signals, as of the last iteration."""

    frame: pd.DataFrame
    analysed_at: datetime  # wall clock, for last_analyzed
    newest_candle: object = None  # open time of the last candle, to spot a new one cheaply
    signal: dict = field(default_factory=dict)  # the last candle's signals, read every step
    source: object = None  # the candles analysed: the same object again means nothing new


@dataclass
class RunningBot:
    """The service object: config, strategy, exchange, state and the caches the API reads."""

    config: BotConfig
    bot: Bot
    strategy: IStrategy
    exchange: Exchange
    timeframe: str
    state: BotState = BotState.STOPPED
    whitelist: list[str] = field(default_factory=list)
    blacklist: list[str] = field(default_factory=list)
    whitelist_override: bool = False  # StaticPairList's whitelist edited at run time
    tickers: dict[str, Ticker] = field(default_factory=dict)
    dataframes: dict[str, AnalysedFrame] = field(default_factory=dict)
    startup_time: datetime | None = None
    last_process: datetime | None = None
    rules: TradingRules | None = None
    book: TradeBook | None = None
    replay_finished: bool = False
    edge: EdgePositioning | None = None  # set when config edge.enabled
    protections: ProtectionSet | None = None  # built on first use (engine/protections.py)
    _commands: queue.Queue = field(default_factory=queue.Queue)
    _wake: threading.Event = field(default_factory=threading.Event)
    _engine_thread: threading.Thread | None = None

    @property
    def bot_id(self) -> int:
        return self.bot.pk

    @property
    def runmode(self) -> str:
        return "dry_run" if self.config.dry_run else "live"

    @property
    def stoploss(self) -> float:
        return self.rules.stoploss

    def stoploss_for(self, pair: str) -> float:
        """The stoploss a new trade on ``pair`` gets: Edge's for the pair when enabled."""
        return self.edge.stoploss(pair) if self.edge is not None else self.rules.stoploss

    def exchange_fee(self, pair: str) -> float:
        if self.config.exchange.fee is not None:
            return self.config.exchange.fee
        market = self.exchange.markets().get(pair)
        return market.fee_taker if market else 0.001

    def attach_engine_thread(self, thread: threading.Thread | None) -> None:
        self._engine_thread = thread

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` on the engine thread between two steps and return its result."""
        thread = self._engine_thread
        if thread is None or thread is threading.current_thread() or not thread.is_alive():
            try:
                return fn(*args, **kwargs)
            finally:
                self.trades_changed()
        future: Future = Future()
        self._commands.put((fn, args, kwargs, future))
        self._wake.set()
        return future.result(timeout=COMMAND_TIMEOUT)

    def run_pending_commands(self) -> None:
        while True:
            try:
                fn, args, kwargs, future = self._commands.get_nowait()
            except queue.Empty:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # the caller re-raises it on its own thread
                future.set_exception(exc)
            finally:
                self.trades_changed()

    def wait_for_command(self, timeout: float) -> None:
        """Sleep up to ``timeout`` seconds, waking early when a command arrives."""
        if self._commands.empty():
            self._wake.wait(max(0.0, timeout))
        self._wake.clear()

    def trades_changed(self) -> None:
        """Rows of this bot changed: the engine re-reads its open trades before using them."""
        if self.book is not None:
            self.book.mark_dirty()

    def wake(self) -> None:
        self._wake.set()

    # The reads of runtime.BotHandle: copies or immutable values, so that a reader never holds
    # a list the engine thread is about to change.
    @property
    def bot_start_time(self) -> datetime | None:
        """The persisted start of the bot's first run (contract §3.4 ``bot_start``)."""
        return self.bot.bot_start_time

    @property
    def proxy_secret(self) -> str:
        return self.bot.proxy_secret

    def now(self) -> datetime:
        """The bot's clock: the replay clock on replay, else the wall clock."""
        return self.exchange.now()

    def markets(self) -> dict[str, Market]:
        return self.exchange.markets()

    def current_whitelist(self) -> list[str]:
        return list(self.whitelist)

    def current_blacklist(self) -> list[str]:
        return list(self.blacklist)

    def current_rate(self, pair: str) -> float | None:
        ticker = self.tickers.get(pair)
        return ticker.last if ticker else None

    def current_rates(self) -> dict[str, float]:
        return {pair: ticker.last for pair, ticker in dict(self.tickers).items()}

    def analysed_frame(self, pair: str, timeframe: str | None = None) -> AnalysedFrame | None:
        """The pair's last analysed candles; None for another timeframe than the bot's."""
        if timeframe is not None and timeframe != self.timeframe:
            return None
        return self.dataframes.get(pair)

    def edge_rows(self) -> list[dict] | None:
        """Edge's accepted pairs and figures; None when Edge is not enabled."""
        return self.edge.rows() if self.edge is not None else None
