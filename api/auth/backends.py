"""Log in to the admin and the browsable API with the config's API credentials."""

from __future__ import annotations

import contextlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from api.auth import throttling
from api.auth.authentication import basic_credentials_match

VIEW_PERMISSIONS = ("view_bot", "view_trade", "view_order", "view_pairlock")


class ConfigCredentialsBackend:
    """``api_server.username``/``password`` (constant-time compare) -> a staff user that may
    view the trade tables; the admin itself is read-only for them."""

    def authenticate(self, request, username: str | None = None, password: str | None = None):
        if request is not None and _throttled(request):
            return None
        if not username or password is None or not basic_credentials_match(username, password):
            if request is not None:
                _record_failure(request)
            return None
        user, created = get_user_model().objects.get_or_create(username=username)
        if created or not user.is_staff:
            user.is_staff = True
            user.set_unusable_password()  # the config stays the only source of this password
            user.save()
            user.user_permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="bot_engine", codename__in=VIEW_PERMISSIONS
                )
            )
        return user if user.is_active else None

    def get_user(self, user_id: int):
        return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def _throttled(request) -> bool:
    """The admin login form shares the API's failed-login throttle (api.auth.throttling)."""
    try:
        throttling.check_not_blocked(request)
    except throttling.LoginThrottled:
        return True
    return False


def _record_failure(request) -> None:
    # Blocked from now on, if this was one too many; this attempt fails as a wrong password.
    with contextlib.suppress(throttling.LoginThrottled):
        throttling.record_failure(request)
