"""The last log records in memory, in the shape ``/logs`` returns (contract §3.13)."""

from __future__ import annotations

import logging
import threading
from collections import deque
from datetime import UTC, datetime

LOG_BUFFER_SIZE = 1000
LogRow = tuple[str, float, str, str, str]


class RingBufferHandler(logging.Handler):
    """Keeps the newest ``capacity`` records; thread-safe, oldest first."""

    def __init__(self, capacity: int = LOG_BUFFER_SIZE) -> None:
        super().__init__(level=logging.INFO)
        self._rows: deque[LogRow] = deque(maxlen=capacity)
        self._rows_lock = threading.Lock()

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
        with self._rows_lock:
            self._rows.append(row)

    def rows(self, limit: int | None = None) -> list[LogRow]:
        with self._rows_lock:
            rows = list(self._rows)
        return rows[-limit:] if limit else rows


_handler: RingBufferHandler | None = None


def install() -> RingBufferHandler:
    """Attach the process-wide buffer to the root logger (idempotent)."""
    global _handler
    if _handler is None:
        _handler = RingBufferHandler()
        logging.getLogger().addHandler(_handler)
    return _handler


def recent_logs(limit: int | None = None) -> list[LogRow]:
    return _handler.rows(limit) if _handler else []
