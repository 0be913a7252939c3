"""One table from errors to the contract's bodies (§0): 401 ``detail``, 404, 405, 422 list,
502 ``error``, 503 ``detail``. Every error is JSON."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from bot_engine import secret_filter
from bot_engine.exceptions import (
    BotNotRunning,
    BotOperationError,
    ExchangeError,
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


class Answer(NamedTuple):
    """How one exception class is answered: a status (None: the exception's own
    ``status_code``), the body, and optional headers."""

    status: int | None
    body: Callable[[Any, Request | None], dict | list]
    headers: Callable[[Any], dict[str, str] | None] | None = None


def _detail(exc: Any, request: Request | None) -> dict:
    return {"detail": str(exc.detail)}


def _constant(text: str) -> Callable[[Any, Request | None], dict]:
    return lambda exc, request: {"detail": text}


def _invalid_body(exc: exceptions.ValidationError, request: Request | None) -> dict:
    data = getattr(request, "data", None) if request is not None else None
    return {"detail": serializer_errors_to_items(exc.detail, "body", data)}


def _refused(exc: Exception, request: Request | None) -> dict:
    # Freqtrade's RPCException answer (§0): the path and the message, secrets masked.
    path = request.path if request is not None else ""
    return {"error": secret_filter.mask(f"Error querying {path}: {exc}")}


def _api_exception(exc: exceptions.APIException, request: Request | None) -> dict:
    detail = exc.detail
    return {"detail": detail if isinstance(detail, str | list | dict) else str(detail)}


@functools.cache
def _answers() -> dict[type[BaseException], Answer]:
    """The table, most specific class first where two are related (a lookup walks the MRO)."""
    # Late import: the auth modules import the models, which settings load after this module.
    from api.auth.authentication import ApiAuthFailed, Unauthorized
    from api.auth.throttling import LoginThrottled

    unauthorized = Answer(status.HTTP_401_UNAUTHORIZED, _constant(Unauthorized.default_detail))
    refused = Answer(status.HTTP_502_BAD_GATEWAY, _refused)
    # strategy load errors, missing candle data, bad timeranges: 502 with ``detail`` (§2.5)
    engine_error = Answer(
        status.HTTP_502_BAD_GATEWAY, lambda exc, r: {"detail": secret_filter.mask(str(exc))}
    )
    not_found = Answer(status.HTTP_404_NOT_FOUND, _constant(NOT_FOUND))
    return {
        ApiAuthFailed: Answer(
            status.HTTP_401_UNAUTHORIZED,
            _detail,
            lambda exc: {"WWW-Authenticate": exc.challenge} if exc.challenge else None,
        ),
        LoginThrottled: Answer(
            status.HTTP_429_TOO_MANY_REQUESTS, _detail, lambda exc: {"Retry-After": str(exc.wait)}
        ),
        RequestDataTooBig: Answer(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, _constant(BODY_TOO_LARGE)
        ),
        exceptions.NotAuthenticated: unauthorized,
        exceptions.AuthenticationFailed: unauthorized,
        RequestValidationError: Answer(
            status.HTTP_422_UNPROCESSABLE_ENTITY, lambda exc, r: {"detail": exc.items}
        ),
        exceptions.ValidationError: Answer(status.HTTP_422_UNPROCESSABLE_ENTITY, _invalid_body),
        DetailError: Answer(None, lambda exc, r: {"detail": exc.text}),
        BotOperationError: refused,
        ExchangeError: refused,
        BotNotRunning: Answer(status.HTTP_503_SERVICE_UNAVAILABLE, _constant(NOT_IN_STATE)),
        StrategyError: engine_error,
        TradeplaneError: engine_error,
        Http404: not_found,
        exceptions.NotFound: not_found,
        exceptions.MethodNotAllowed: Answer(
            status.HTTP_405_METHOD_NOT_ALLOWED, _constant(METHOD_NOT_ALLOWED)
        ),
        exceptions.PermissionDenied: Answer(status.HTTP_403_FORBIDDEN, _detail),  # a role too low
        PermissionDenied: Answer(status.HTTP_403_FORBIDDEN, _constant("Forbidden")),
        exceptions.APIException: Answer(None, _api_exception),
    }


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: the table's answer for the most specific class of ``exc``."""
    request = context.get("request")
    answers = _answers()
    for cls in type(exc).__mro__:
        answer = answers.get(cls)
        if answer is not None:
            code = answer.status if answer.status is not None else exc.status_code
            headers = answer.headers(exc) if answer.headers else None
            return _json(answer.body(exc, request), code, headers)
    # Anything else is a bug: log it, answer JSON instead of Django's HTML 500 page.
    logger.exception("Unhandled error in %s", getattr(request, "path", "?"))
    return _json({"detail": "Internal Server Error"}, status.HTTP_500_INTERNAL_SERVER_ERROR)
