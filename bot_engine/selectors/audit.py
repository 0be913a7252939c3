"""Reading the audit trail of one bot, newest first."""

from __future__ import annotations

from bot_engine.models import AuditEvent

FIELDS = (
    "id",
    "created_at",
    "actor",
    "credential",
    "remote_addr",
    "via",
    "action",
    "target",
    "before",
    "after",
    "outcome",
    "status_code",
    "detail",
)


def audit_events(*, bot_id: int, limit: int, offset: int = 0) -> tuple[list[dict], int]:
    """A page of the bot's audit rows and the total count."""
    events = AuditEvent.objects.filter(bot_id=bot_id)
    page = list(events.order_by("-created_at", "-id").values(*FIELDS)[offset : offset + limit])
    return page, events.count()
