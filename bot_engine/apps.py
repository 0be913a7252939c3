"""App config of the trading engine."""

from django.apps import AppConfig


class BotEngineConfig(AppConfig):
    name = "bot_engine"
    verbose_name = "Trading bot"
    default_auto_field = "django.db.models.BigAutoField"
