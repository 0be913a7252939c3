"""Parse query strings and bodies with serializers; failures become the contract's 422 list.

Query rules (contract §0): empty values and the literal ``None`` mean "not given"; repeated keys
form a list for list fields (the last value wins for the others).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from api.exceptions import RequestValidationError, serializer_errors_to_items

ABSENT_VALUES = ("", "None")


def query_data(request: Request, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
    fields = serializer_class().fields
    data: dict[str, Any] = {}
    for key in request.query_params:
        values = [v for v in request.query_params.getlist(key) if v not in ABSENT_VALUES]
        if not values:
            continue
        field = fields.get(key)
        data[key] = values if isinstance(field, serializers.ListField) else values[-1]
    return data


def parse_query(request: Request, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
    data = query_data(request, serializer_class)
    return _validated(serializer_class(data=data), "query", data)


def parse_body(
    request: Request, serializer_class: type[serializers.Serializer], *, many: bool = False
) -> Any:
    data = request.data
    if many and not isinstance(data, list):
        raise RequestValidationError(
            [
                {
                    "type": "list_type",
                    "loc": ["body"],
                    "msg": "Input should be a valid list",
                    "input": data,
                }
            ]
        )
    return _validated(serializer_class(data=data, many=many), "body", data)


def parse_path(value: Any, field: serializers.Field, name: str) -> Any:
    try:
        return field.run_validation(value)
    except serializers.ValidationError as exc:
        raise RequestValidationError(
            serializer_errors_to_items({name: exc.detail}, "path", {name: value})
        ) from exc


def _validated(serializer: serializers.BaseSerializer, location: str, data: Any) -> Any:
    if not serializer.is_valid():
        raise RequestValidationError(serializer_errors_to_items(serializer.errors, location, data))
    return serializer.validated_data
