"""A JSON parser that tolerates what real clients send (contract §0).

freqtrade-client sends the body ``null`` on every GET/DELETE and argument-less POST, FreqUI sends
``{}``, curl sends nothing; all of these mean "no arguments".
"""

from __future__ import annotations

import orjson
from rest_framework.parsers import BaseParser

from api.exceptions import RequestValidationError, validation_item


class TolerantJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
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
