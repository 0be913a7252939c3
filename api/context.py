"""What a request knows about "the bot": the running one, or the config and database row
of the bot a webserver-mode process serves (no engine in this process)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from bot_engine.config.model import BotConfig
from bot_engine.models import Bot
from bot_engine.runtime import BotHandle, get_running_bot

_webserver_config: BotConfig | None = None


def configure_webserver(config: BotConfig | None) -> None:
    """Set the config served when no bot runs in this process (None: the settings' one)."""
    global _webserver_config
    _webserver_config = config


def webserver_config() -> BotConfig:
    """The config a webserver-mode process serves: the file the settings were built from."""
    return _webserver_config or settings.BOT_CONFIG


@dataclass(frozen=True)
class BotContext:
    config: BotConfig
    bot_id: int  # -1 when the database has no row for this bot yet: every read is empty
    running: BotHandle | None  # set on every view behind api.permissions.TradingMode
    bot_start: datetime | None = None  # the persisted bot_start_time (contract §3.4)

    def now(self) -> datetime:
        """The bot's clock: the replay clock on replay, else the wall clock."""
        return self.running.now() if self.running else datetime.now(UTC)

    def current_rates(self) -> dict[str, float]:
        return self.running.current_rates() if self.running else {}

    def current_rate(self, pair: str) -> float | None:
        return self.running.current_rate(pair) if self.running else None


def bot_context() -> BotContext:
    running = get_running_bot()
    if running is not None:
        return BotContext(
            config=running.config,
            bot_id=running.bot_id,
            running=running,
            bot_start=running.bot_start_time,
        )
    config = webserver_config()
    row = Bot.objects.filter(name=config.bot_name).values_list("pk", "bot_start_time").first()
    bot_id, bot_start = row if row else (-1, None)
    return BotContext(config=config, bot_id=bot_id, running=None, bot_start=bot_start)


def served_config() -> BotConfig:
    """The config of the bot ``/api/v1`` serves: the running bot's, else the served one."""
    running = get_running_bot()
    return running.config if running else webserver_config()


def api_server_config():
    """The ``api_server`` section in force (the running bot's, else the served config's)."""
    return served_config().api_server
