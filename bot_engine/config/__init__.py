"""Bot configuration: load and validate the JSON file into a frozen ``BotConfig``."""

from bot_engine.config.loader import load_config, redact, write_default_config
from bot_engine.config.model import BotConfig

__all__ = ["BotConfig", "load_config", "redact", "write_default_config"]
