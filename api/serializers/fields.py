"""Field helpers shared by the schema modules."""

from __future__ import annotations

from rest_framework import serializers


class AwareDateTimeField(serializers.DateTimeField):
    """A datetime that must carry a timezone (contract §2.4: ``until`` without one is a 422)."""

    default_error_messages = {"naive": "Input should have timezone info"}

    def to_internal_value(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "T", 1)
            if value.endswith("Z"):
                value = value[:-1] + "+00:00"
        parsed = super().to_internal_value(value)
        return parsed

    def enforce_timezone(self, value):
        if value.tzinfo is None:
            self.fail("naive")
        return value


def number(**kwargs) -> serializers.FloatField:
    return serializers.FloatField(**kwargs)


def nullable(field_class: type[serializers.Field], **kwargs) -> serializers.Field:
    return field_class(required=False, allow_null=True, **kwargs)
