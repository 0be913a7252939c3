"""JSON with orjson: NaN/±Inf → null, datetimes with ``Z``, and exactly ``application/json``;
the browsable API for browsers."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import numpy as np
import orjson
from rest_framework import renderers
from rest_framework.renderers import BaseRenderer

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, default=_default, option=_OPTIONS)


class OrjsonRenderer(BaseRenderer):
    """The API's only data renderer (the browsable API comes second, for browsers)."""

    media_type = "application/json"
    format = "json"
    charset = None  # contract §0: the header is exactly "application/json"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return dumps(data)


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, with a "Log out" that works under the Content-Security-Policy.

    DRF's logout link submits its form from an inline ``onclick``, which the policy
    (api/middleware.py) refuses to run; the template here makes it a plain submit button.
    """

    template = "api/browsable_api.html"
