"""Password logins of the admin and the browsable API (``django.contrib.auth.authenticate``).

``AUTHENTICATION_BACKENDS`` (controlplane/settings.py) is ``LoginThrottleBackend`` first, then
Django's ``ModelBackend`` (Django users) and ``ConfigCredentialsBackend`` (the config's API
user). The first judges nothing: it takes the attempt's place in the failed-login throttle
(``api.auth.throttling``, the same counts as the API's Basic and token logins) or refuses a
blocked address before any password is checked -- the right superuser password from a blocked
address gets no session. Django's ``user_login_failed`` signal then counts the failure, and
``user_logged_in`` gives the place back. The refusal is a form error: the login page shows it.
"""

from __future__ import annotations

import contextlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from api.auth import throttling
from api.auth.authentication import basic_credentials_match

VIEW_PERMISSIONS = ("view_bot", "view_trade", "view_order", "view_pairlock")
ATTEMPT_ATTR = "_tradeplane_login_attempt"


class LoginThrottleBackend:
    """Gate of ``authenticate()``: reserve the attempt in the throttle, authenticate nobody."""

    def authenticate(self, request, username: str | None = None, password: str | None = None):
        if request is None or username is None or password is None:
            return None  # no client to count (a shell, a management command)
        attempt = throttling.LoginAttempt(request, username)
        try:
            place = attempt.reserve()
        except throttling.LoginThrottled as exc:
            raise ValidationError(str(exc.detail), code="throttled") from None
        setattr(request, ATTEMPT_ATTR, (attempt, place))
        return None

    # No get_user(): no session is ever opened through this backend, and Django's
    # force_login() picks the first backend that has one.


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    """``user_login_failed`` receiver: every backend refused; count it (maybe block)."""
    pending = _pop_attempt(request)
    if pending is None:
        return
    attempt, place = pending
    try:
        attempt.failed(place)
    except throttling.LoginThrottled as exc:
        raise ValidationError(str(exc.detail), code="throttled") from None


def logged_in(sender, request=None, user=None, **kwargs) -> None:
    """``user_logged_in`` receiver: the attempt succeeded; give its place back."""
    pending = _pop_attempt(request)
    if pending is not None:
        attempt, place = pending
        attempt.succeeded(place)


def _pop_attempt(request):
    if request is None:
        return None
    pending = getattr(request, ATTEMPT_ATTR, None)
    with contextlib.suppress(AttributeError):
        delattr(request, ATTEMPT_ATTR)
    return pending


class ConfigCredentialsBackend:
    """``api_server.username``/``password`` (constant-time compare) -> a staff user that may
    view the trade tables; the admin itself is read-only for them."""

    def authenticate(self, request, username: str | None = None, password: str | None = None):
        if not username or password is None or not basic_credentials_match(username, password):
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
