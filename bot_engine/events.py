"""Events the engine announces (entries, fills, new candles...) through one small interface.

The engine never imports Channels: the API layer registers a publisher that does. Messages are
sent only after the database transaction that caused them commits.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.db import transaction

logger = logging.getLogger(__name__)


class Publisher(Protocol):
    def publish(self, message: dict[str, Any]) -> None: ...


class NullPublisher:
    def publish(self, message: dict[str, Any]) -> None:
        return None


_publisher: Publisher = NullPublisher()


def set_publisher(publisher: Publisher) -> None:
    global _publisher
    _publisher = publisher


def _send(message: dict[str, Any]) -> None:
    try:
        _publisher.publish(message)
    except Exception:
        logger.exception("Publishing a %s message failed", message.get("type"))


def publish(message: dict[str, Any]) -> None:
    """Send now, or after the surrounding transaction commits."""
    if isinstance(_publisher, NullPublisher):
        return
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _send(message))
    else:
        _send(message)
