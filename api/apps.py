"""App config of the API."""

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class ApiConfig(AppConfig):
    name = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from api.auth.config_session import mark_config_session

        user_logged_in.connect(mark_config_session, dispatch_uid="tradeplane-config-session")
