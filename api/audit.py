"""The API's side of the audit trail: who is asking (``request_actor``, handed to the services
by ``ActsForCaller``), and a middleware that records the control requests no service recorded
— refused (403) or failed before reaching the bot (e.g. 503 in webserver mode, 422 bad input)."""

from __future__ import annotations

import logging

import orjson
from django.db import DatabaseError

from api.auth.authentication import Credential
from api.client_address import client_address
from api.context import bot_context
from api.permissions import required_role
from bot_engine.models import Outcome, Role
from bot_engine.services import access
from bot_engine.services.audit import Actor, acting_as, audit_event_record

logger = logging.getLogger(__name__)
ACTOR_ATTR = "tradeplane_actor"


def _django_request(request):
    return getattr(request, "_request", request)


def request_actor(request) -> Actor:
    """The audit actor of a request, made once per request (services mark it recorded)."""
    raw = _django_request(request)
    actor = getattr(raw, ACTOR_ATTR, None)
    if actor is None:
        user = getattr(raw, "user", None)
        credential = getattr(raw, "auth", None)
        actor = Actor(
            name=user.get_username() if user is not None and user.is_authenticated else "",
            user_id=getattr(user, "pk", None) if hasattr(user, "_meta") else None,
            credential=str(credential) if isinstance(credential, Credential) else "",
            remote_addr=client_address(raw),
            via="api",
        )
        setattr(raw, ACTOR_ATTR, actor)
    return actor


class ActsForCaller:
    """Mixin for views that call services: what the services do is recorded as done by the
    request's caller, so no view passes the actor by hand.

    Around ``dispatch``, because DRF authenticates inside it; the actor is built only when a
    service records (``request_actor`` then caches it for the middleware below).
    """

    def dispatch(self, request, *args, **kwargs):
        with acting_as(lambda: request_actor(request)):
            return super().dispatch(request, *args, **kwargs)


# The services' action names, for the routes whose URL name differs (legacy aliases, one
# route for two actions), so that a refused attempt and a done action read the same.
ACTION_NAMES = {
    ("stopentry", "POST"): "pause",
    ("stopbuy", "POST"): "pause",
    ("forcebuy", "POST"): "forceenter",
    ("forcesell", "POST"): "forceexit",
    ("blacklist", "POST"): "blacklist_add",
    ("blacklist", "DELETE"): "blacklist_delete",
    ("locks", "POST"): "add_locks",
    ("delete_lock_pair", "POST"): "delete_lock",
}


def action_name(url_name: str, method: str) -> str:
    return ACTION_NAMES.get((url_name, method), url_name)


def is_control_route(url_name: str | None, method: str) -> bool:
    """A route that changes the bot: a write method that needs operator or admin (reads that
    need a higher role, such as the strategy source or the audit trail, are not actions)."""
    if method in ("GET", "HEAD", "OPTIONS"):
        return False
    needed = required_role(url_name, method)
    return access.role_rank(needed) >= access.role_rank(Role.OPERATOR)


class ControlAuditMiddleware:
    """Writes the audit row of a control request that ended without one.

    Unauthenticated attempts (401) are not recorded: anyone could fill the table with them;
    the login throttle and the log cover those.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or not is_control_route(match.url_name, request.method):
            return response
        if response.status_code == 401:
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        actor = request_actor(request)
        if not actor.recorded:
            self._record(actor, match, request, response)
        return response

    @staticmethod
    def _record(actor: Actor, match, request, response) -> None:
        status = response.status_code
        if status == 403:
            outcome = Outcome.DENIED
        elif status >= 400:
            outcome = Outcome.FAILED
        else:
            outcome = Outcome.OK
        try:
            audit_event_record(
                actor=actor,
                bot_id=bot_context().bot_id,
                action=action_name(match.url_name, request.method),
                outcome=outcome,
                target=_target(match),
                status_code=status,
                detail=_error_text(response),
            )
        except DatabaseError:
            logger.exception("Could not write the audit row of %s", match.url_name)


def _target(match) -> str:
    return ", ".join(str(v) for v in match.kwargs.values())


def _error_text(response) -> str:
    """The contract's error message of a JSON error body (``detail`` or ``error``)."""
    if response.status_code < 400:
        return ""
    try:
        body = orjson.loads(response.content)
    except (orjson.JSONDecodeError, ValueError, AttributeError):
        return ""
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("error") or "")
    return str(body)
