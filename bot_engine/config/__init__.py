"""Bot configuration: read, check and build the JSON file into a frozen ``BotConfig``."""

from bot_engine.config.loader import load_config
from bot_engine.config.model import BotConfig
from bot_engine.config.policy import redact
from bot_engine.config.reader import write_default_config

__all__ = ["BotConfig", "load_config", "redact", "write_default_config"]
