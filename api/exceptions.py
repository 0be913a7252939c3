"""One table from errors to the contract's bodies (§0): 401 ``detail``, 404, 405, 422 list,
502 ``error``, 503 ``detail``. Every error is JSON."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from bot_engine import secret_filter
from bot_engine.exceptions import (
    BotNotRunning,
    BotOperationError,
    ExchangeError,
    NotFound,
    StrategyError,
    TradeplaneError,
)

logger = logging.getLogger(__name__)

NOT_FOUND = "Not Found"
METHOD_NOT_ALLOWED = "Method Not Allowed"
NOT_IN_STATE = "Bot is not in the correct state."
BODY_TOO_LARGE = "Request body too large"


class RequestValidationError(exceptions.APIException):
    """422 with FastAPI's list of ``{"type","loc","msg","input"}`` items."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self, items: list[dict[str, Any]]) -> None:
        super().__init__()
        self.items = items


class DetailError(exceptions.APIException):
    """An explicit HTTP error with ``{"detail": text}`` and the given status."""

    def __init__(self, detail: str, status_code: int) -> None:
        super().__init__()
        self.text = detail
        self.status_code = status_code


def validation_item(kind: str, loc: list, msg: str, value: Any) -> dict[str, Any]:
    return {"type": kind, "loc": loc, "msg": msg, "input": value}


def serializer_errors_to_items(errors: Any, location: str, data: Any) -> list[dict[str, Any]]:
    """Flatten DRF serializer errors into 422 items located in ``query`` or ``body``."""
    items: list[dict[str, Any]] = []

    def walk(err: Any, loc: list, value: Any) -> None:
        if isinstance(err, dict):
            for key, sub in err.items():
                # A many=True serializer keys its errors by the item's index.
                if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                    sub_value = value[key]
                else:
                    sub_value = value.get(key) if isinstance(value, dict) else None
                walk(sub, loc if key == "non_field_errors" else [*loc, key], sub_value)
        elif isinstance(err, list) and err and not isinstance(err[0], str | exceptions.ErrorDetail):
            for index, sub in enumerate(err):
                if sub:
                    in_range = isinstance(value, list) and index < len(value)
                    sub_value = value[index] if in_range else None
                    walk(sub, [*loc, index], sub_value)
        else:
            for message in err if isinstance(err, list) else [err]:
                code = getattr(message, "code", "invalid")
                kind = "missing" if code == "required" else code
                items.append(validation_item(kind, loc, str(message), value))

    walk(errors, [location], data)
    return items


def _json(body: dict | list, code: int, headers: dict | None = None) -> Response:
    return Response(body, status=code, headers=headers)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    # Late import: the auth module imports settings-dependent token code.
    from api.auth.authentication import ApiAuthFailed, Unauthorized
    from api.auth.throttling import LoginThrottled

    request = context.get("request")
    if isinstance(exc, ApiAuthFailed):
        headers = {"WWW-Authenticate": exc.challenge} if exc.challenge else None
        return _json({"detail": str(exc.detail)}, status.HTTP_401_UNAUTHORIZED, headers)
    if isinstance(exc, LoginThrottled):
        headers = {"Retry-After": str(exc.wait)}
        return _json({"detail": str(exc.detail)}, status.HTTP_429_TOO_MANY_REQUESTS, headers)
    if isinstance(exc, RequestDataTooBig):
        return _json({"detail": BODY_TOO_LARGE}, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return _json({"detail": Unauthorized.default_detail}, status.HTTP_401_UNAUTHORIZED)
    if isinstance(exc, RequestValidationError):
        return _json({"detail": exc.items}, status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, exceptions.ValidationError):
        data = getattr(request, "data", None) if request is not None else None
        return _json(
            {"detail": serializer_errors_to_items(exc.detail, "body", data)},
            status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if isinstance(exc, DetailError):
        return _json({"detail": exc.text}, exc.status_code)
    if isinstance(exc, BotOperationError | ExchangeError):
        path = request.path if request is not None else ""
        error = secret_filter.mask(f"Error querying {path}: {exc}")
        return _json({"error": error}, status.HTTP_502_BAD_GATEWAY)
    if isinstance(exc, BotNotRunning):
        return _json({"detail": NOT_IN_STATE}, status.HTTP_503_SERVICE_UNAVAILABLE)
    if isinstance(exc, NotFound):
        return _json({"detail": str(exc) or NOT_FOUND}, status.HTTP_404_NOT_FOUND)
    if isinstance(exc, StrategyError | TradeplaneError):
        # strategy load errors, missing candle data, bad timeranges: 502 with ``detail`` (§2.5)
        return _json({"detail": secret_filter.mask(str(exc))}, status.HTTP_502_BAD_GATEWAY)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return _json({"detail": NOT_FOUND}, status.HTTP_404_NOT_FOUND)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _json({"detail": METHOD_NOT_ALLOWED}, status.HTTP_405_METHOD_NOT_ALLOWED)
    if isinstance(exc, exceptions.PermissionDenied):  # a role too low (api.permissions)
        return _json({"detail": str(exc.detail)}, status.HTTP_403_FORBIDDEN)
    if isinstance(exc, PermissionDenied):
        return _json({"detail": "Forbidden"}, status.HTTP_403_FORBIDDEN)
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str | list | dict) else str(exc.detail)
        return _json({"detail": detail}, exc.status_code)
    # Anything else is a bug: log it, answer JSON instead of Django's HTML 500 page.
    logger.exception("Unhandled error in %s", getattr(request, "path", "?"))
    return _json({"detail": "Internal Server Error"}, status.HTTP_500_INTERNAL_SERVER_ERROR)
