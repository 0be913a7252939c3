"""Mark a session opened with the config's credentials with the bot it belongs to.

The config's ``api_server.username`` is the admin of the bot this process serves, not of
every bot in a shared database. ``ConfigCredentialsBackend`` logs it in as a Django user
that all bots with the same username share, so the session itself records which bot's
credentials opened it; the admin (``bot_engine.admin``) then shows that bot's rows only.
"""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY

from api.context import served_config
from bot_engine.services.access import CONFIG_SESSION_BOT

CONFIG_BACKEND = "api.auth.backends.ConfigCredentialsBackend"


def mark_config_session(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: name the served bot in a config login's session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.get(BACKEND_SESSION_KEY) == CONFIG_BACKEND:
        session[CONFIG_SESSION_BOT] = served_config().bot_name
    else:
        # login() keeps the session's data when the same user logs in again another way.
        session.pop(CONFIG_SESSION_BOT, None)
