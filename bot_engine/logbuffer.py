"""The last log records in memory, in the shape ``/logs`` returns (contract §3.13).

The handler is installed through Django's ``LOGGING`` (controlplane/settings.py), so it is on
the root logger whenever Django configures logging: ``django.setup()`` runs again when runbot
builds the ASGI application and replaces the root handlers, which dropped a handler attached
by hand. Every handler instance writes to the one buffer of this module, so a re-configuration
(a new instance) keeps the rows logged before it.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from datetime import UTC, datetime

LOG_BUFFER_SIZE = 1000
LogRow = tuple[str, float, str, str, str]

_rows: deque[LogRow] = deque(maxlen=LOG_BUFFER_SIZE)
_rows_lock = threading.Lock()


class RingBufferHandler(logging.Handler):
    """Appends records to the process-wide buffer (the newest ``LOG_BUFFER_SIZE``)."""

    def __init__(self, level: int | str = logging.INFO) -> None:
        super().__init__(level=level)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_text:  # already formatted (and secrets masked: bot_engine.secret_filter)
                message += "\n" + record.exc_text
            elif record.exc_info:
                message += "\n" + logging.Formatter().formatException(record.exc_info)
            when = datetime.fromtimestamp(record.created, tz=UTC)
            row = (
                when.strftime("%Y-%m-%d %H:%M:%S"),
                record.created * 1000,
                record.name,
                record.levelname,
                message,
            )
        except Exception:  # a broken record must never break logging
            self.handleError(record)
            return
        with _rows_lock:
            _rows.append(row)


def install() -> RingBufferHandler:
    """Attach a buffer handler to the root logger unless one is there (idempotent).

    Only for processes whose logging Django does not configure; settings' ``LOGGING`` does it
    otherwise.
    """
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RingBufferHandler):
            return handler
    handler = RingBufferHandler()
    root.addHandler(handler)
    return handler


def recent_logs(limit: int | None = None) -> list[LogRow]:
    """The buffered rows, oldest first; the newest ``limit`` of them when given."""
    with _rows_lock:
        rows = list(_rows)
    return rows[-limit:] if limit else rows
