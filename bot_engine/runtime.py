"""The running bot as the API sees it: a narrow handle, and the one bot registered per process.

``runbot`` registers its ``RunningBot`` (``bot_engine/engine/state.py``) here; the API asks
``get_running_bot`` and reads only what ``BotHandle`` declares — values and copies, never the
engine's mutable caches — and changes the bot only through the services, which take the handle
back as ``bot=``. No module under ``engine/`` imports this one, so the registry sits above the
engine, not beside it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot_engine.config.model import BotConfig
    from bot_engine.engine.rules import TradingRules
    from bot_engine.engine.state import AnalysedFrame, BotState, RunningBot
    from bot_engine.exchange.base import Market
    from bot_engine.strategy.base import IStrategy


class BotHandle(Protocol):
    """What the API may read of the running bot (``RunningBot`` implements it)."""

    @property
    def bot_id(self) -> int: ...
    @property
    def config(self) -> BotConfig: ...
    @property
    def state(self) -> BotState: ...
    @property
    def runmode(self) -> str: ...
    @property
    def timeframe(self) -> str: ...
    @property
    def strategy(self) -> IStrategy: ...
    @property
    def rules(self) -> TradingRules | None: ...
    @property
    def startup_time(self) -> datetime | None: ...
    @property
    def last_process(self) -> datetime | None: ...
    @property
    def bot_start_time(self) -> datetime | None: ...
    @property
    def proxy_secret(self) -> str: ...

    def now(self) -> datetime: ...
    def markets(self) -> dict[str, Market]: ...
    def current_whitelist(self) -> list[str]: ...
    def current_blacklist(self) -> list[str]: ...
    def current_rate(self, pair: str) -> float | None: ...
    def current_rates(self) -> dict[str, float]: ...
    def analysed_frame(self, pair: str, timeframe: str | None = None) -> AnalysedFrame | None: ...
    def edge_rows(self) -> list[dict] | None: ...


_running: RunningBot | None = None


def register(bot: RunningBot | None) -> None:
    """Make ``bot`` the running bot of this process (None: none runs, webserver mode)."""
    global _running
    _running = bot


def get_running_bot(bot_id: int | None = None) -> BotHandle | None:
    """The bot running in this process — only if it is bot ``bot_id`` when one is named."""
    running = _running
    if running is None or (bot_id is not None and running.bot_id != bot_id):
        return None
    return running
