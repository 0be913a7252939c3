"""A JSON parser that tolerates what real clients send (contract §0).

freqtrade-client sends the body ``null`` on every GET/DELETE and argument-less POST, FreqUI sends
``{}``, curl sends nothing; all of these mean "no arguments".
"""

from __future__ import annotations

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework.parsers import BaseParser

from api.exceptions import RequestValidationError, validation_item


class TolerantJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF streams the body past Django's own size check: enforce DATA_UPLOAD_MAX_MEMORY_SIZE
        # here (api.exceptions answers 413), reading no more than one byte past the limit.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        size = -1 if limit is None else limit + 1
        raw = stream.read(size) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise RequestDataTooBig(f"Request body exceeds {limit} bytes")
        if not raw or not raw.strip():
            return {}
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise RequestValidationError(
                [validation_item("json_invalid", ["body", exc.pos], "JSON decode error", {})]
            ) from exc
        return {} if data is None else data


class AnyContentJSONParser(TolerantJSONParser):
    """Freqtrade reads every body as JSON, whatever its Content-Type (``curl -d``)."""

    media_type = "*/*"
