"""The audit trail: control actions run together with their AuditEvent row (issue 8).

``audited`` runs an action on the engine thread inside one transaction and writes the row in
that same transaction, so an action is never recorded without its changes or the reverse.
A failed action is recorded too (whatever it wrote before failing stays, as it did without
the audit), then its error is raised again for the API to answer.

Who asked is not an argument of every service: the caller (the API, per request) runs them
inside ``acting_as``, and ``audited`` reads it; outside one the actor is the engine itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import DatabaseError, transaction

from bot_engine.engine.state import RunningBot
from bot_engine.exceptions import TradeplaneError
from bot_engine.models import AuditEvent, Outcome

logger = logging.getLogger(__name__)
T = TypeVar("T")
DETAIL_LIMIT = 2000


@dataclass
class Actor:
    """Who asked for an action, and how; ``recorded`` is set once a row was written for it."""

    name: str
    user_id: int | None = None
    credential: str = ""
    remote_addr: str | None = None
    via: str = "api"
    recorded: bool = field(default=False, compare=False)


SYSTEM = "system"  # the actor of a service called from code, outside any ``acting_as``
_acting: ContextVar[Callable[[], Actor] | None] = ContextVar("acting", default=None)


@contextmanager
def acting_as(actor: Callable[[], Actor]) -> Iterator[None]:
    """Services called inside the block record ``actor()`` as who asked for them.

    A function rather than an Actor: the API enters the block before authentication ran, and
    a request whose services record nothing never builds its actor.
    """
    token = _acting.set(actor)
    try:
        yield
    finally:
        _acting.reset(token)


def current_actor() -> Actor:
    """Who the services called now act for: the ``acting_as`` caller, else the engine."""
    actor = _acting.get()
    return actor() if actor is not None else Actor(name=SYSTEM, via="engine")


def audit_event_record(
    *,
    actor: Actor,
    bot_id: int | None,
    action: str,
    outcome: Outcome | str,
    target: str = "",
    before: Any = None,
    after: Any = None,
    status_code: int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Write one AuditEvent row (in the caller's transaction, if any)."""
    event = AuditEvent.objects.create(
        bot_id=bot_id if bot_id and bot_id > 0 else None,
        actor=actor.name[:150],
        user_id=actor.user_id,
        credential=actor.credential[:40],
        remote_addr=actor.remote_addr or None,
        via=actor.via,
        action=action,
        target=str(target)[:200],
        before=before,
        after=after,
        outcome=Outcome(outcome),
        status_code=status_code,
        detail=detail[:DETAIL_LIMIT],
    )
    actor.recorded = True
    return event


def audited(
    bot: RunningBot,
    action: str,
    fn: Callable[[], T],
    *,
    target: Any = "",
    snapshot: Callable[[], Any] | None = None,
) -> T:
    """Run ``fn`` on the engine thread; its changes and their audit row commit together."""
    who = current_actor()  # here, on the caller's thread: the engine thread has no context

    def run() -> T:
        before = snapshot() if snapshot else None
        error: BaseException | None = None
        result: Any = None
        with transaction.atomic():
            try:
                result = fn()
            except Exception as exc:  # recorded below, then raised again unchanged
                error = exc
            if not transaction.get_rollback():
                _record_result(who, bot, action, target, before, snapshot, error)
        if not who.recorded:  # the action broke its transaction: record the failure alone
            _record_result(who, bot, action, target, before, None, error)
        if error is not None:
            raise error
        return result

    return bot.call(run)


def _record_result(who, bot, action, target, before, snapshot, error) -> None:
    try:
        with transaction.atomic():  # a savepoint: a failed write here never undoes the action
            audit_event_record(
                actor=who,
                bot_id=bot.bot_id,
                action=action,
                outcome=Outcome.OK if error is None else Outcome.FAILED,
                target=target,
                before=before,
                after=snapshot() if snapshot else None,
                detail=_describe(error),
            )
    except DatabaseError:
        logger.exception("Could not write the audit row of %s by %s", action, who.name)


def _describe(error: BaseException | None) -> str:
    if error is None:
        return ""
    if isinstance(error, TradeplaneError):
        return str(error)
    return f"{type(error).__name__}: {error}"
