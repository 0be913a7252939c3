"""App config of the API."""

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed


class ApiConfig(AppConfig):
    name = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from api.auth.backends import logged_in, login_failed
        from api.auth.config_session import mark_config_session

        user_logged_in.connect(mark_config_session, dispatch_uid="tradeplane-config-session")
        # The admin's and browsable API's login forms in the failed-login throttle.
        user_login_failed.connect(login_failed, dispatch_uid="tradeplane-login-failed")
        user_logged_in.connect(logged_in, dispatch_uid="tradeplane-logged-in")
