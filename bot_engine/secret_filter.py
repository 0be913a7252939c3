"""Mask the configured secrets in every log record (messages and tracebacks) and error text.

``install(config)`` wraps the log-record factory, so every handler — the console, log files,
uvicorn's, the ``/logs`` ring buffer — sees an already masked record, whichever logger made it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

from bot_engine.config import schema
from bot_engine.config.model import BotConfig
from bot_engine.config.policy import REDACTED

# Shorter values are not masked: replacing every "pw" in the log would hide nothing and
# garble everything (the config loader refuses such passwords off loopback anyway).
MIN_MASKED_LENGTH = 4

_pattern: re.Pattern[str] | None = None
# Credentials that travel in URLs: the websocket's ``?token=`` (a JWT, an API key or the
# ws_token) is printed by uvicorn's access log, and /logs serves the log to every viewer.
_URL_CREDENTIAL = re.compile(r"([?&](?:token|access_token|api_key)=)[^&\s\"']+", re.I)
_base_factory = logging.getLogRecordFactory()


def secret_values(raw: Mapping[str, Any]) -> set[str]:
    """Every string under a secret key of the raw config (``schema.is_secret_path``)."""
    return {value for value in _walk(raw, ()) if len(value) >= MIN_MASKED_LENGTH}


def _walk(value: Any, path: tuple) -> Iterator[str]:
    if path and schema.is_secret_path(path):
        if isinstance(value, str):
            yield value
        elif isinstance(value, list | tuple):
            yield from (item for item in value if isinstance(item, str))
        elif not isinstance(value, Mapping):
            return
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))


def mask(text: str) -> str:
    """``text`` with every configured secret and URL credential replaced by ``REDACTED``."""
    if not text:
        return text
    if _pattern is not None:
        text = _pattern.sub(REDACTED, text)
    return _URL_CREDENTIAL.sub(rf"\g<1>{REDACTED}", text)


def install(config: BotConfig) -> None:
    """Mask ``config``'s secrets in all log records from now on (call again after a reload)."""
    global _pattern
    values = secret_values(config.raw)
    # Longest first, so a secret containing another is masked whole.
    ordered = sorted(values, key=len, reverse=True)
    _pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
    logging.setLogRecordFactory(_masking_factory)


def uninstall() -> None:
    global _pattern
    _pattern = None
    logging.setLogRecordFactory(_base_factory)


def _masking_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is logging's to report, unmasked args or not
        return record
    record.msg, record.args = mask(message), None
    if record.exc_info and record.exc_info[0] is not None:
        # Formatters use exc_text when it is set, so the traceback they print is the masked one.
        record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    return record
