"""Field helpers shared by the schema modules."""

from __future__ import annotations

from datetime import UTC, datetime

from rest_framework import serializers

# SQLite and PostgreSQL store integers in 64 bits; a larger id or offset is a client error
# (422), not a database overflow (500).
DB_INT_MAX = 2**63 - 1
# Locks round ``until`` up to the next candle; a year-9999 value would overflow ``datetime``.
LATEST_DATETIME = datetime(9999, 1, 1, tzinfo=UTC)


class AwareDateTimeField(serializers.DateTimeField):
    """A datetime that must carry a timezone (contract §2.4: ``until`` without one is a 422)."""

    default_error_messages = {
        "naive": "Input should have timezone info",
        "out_of_range": f"Input should be before {LATEST_DATETIME.date().isoformat()}",
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "T", 1)
            if value.endswith("Z"):
                value = value[:-1] + "+00:00"
        parsed = super().to_internal_value(value)
        try:
            in_range = parsed.astimezone(UTC) < LATEST_DATETIME
        except OverflowError:  # year 1 with a positive offset has no UTC equivalent
            in_range = False
        if not in_range:
            self.fail("out_of_range")
        return parsed

    def enforce_timezone(self, value):
        if value.tzinfo is None:
            self.fail("naive")
        return value


class NumberField(serializers.FloatField):
    """A JSON number (or numeric string); ``true``/``false`` are not numbers here."""

    def to_internal_value(self, data):
        if isinstance(data, bool):  # float(True) == 1.0 would slip through FloatField
            self.fail("invalid")
        return super().to_internal_value(data)


class PositiveNumberField(NumberField):
    """A price or an amount: strictly above zero (pydantic's ``gt=0`` message)."""

    default_error_messages = {"greater_than": "Input should be greater than 0"}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value <= 0:
            self.fail("greater_than")
        return value


def db_integer(**kwargs) -> serializers.IntegerField:
    """An integer the database can hold (ids, offsets, limits)."""
    return serializers.IntegerField(max_value=DB_INT_MAX, **kwargs)


def nullable(field_class: type[serializers.Field], **kwargs) -> serializers.Field:
    return field_class(required=False, allow_null=True, **kwargs)


# A response key's declaration: (key, JSON type, nullable), or (key, a serializer instance).
Declared = tuple[str, type, bool] | tuple[str, serializers.Field]
FIELD_TYPES = {
    int: serializers.IntegerField,
    float: serializers.FloatField,
    str: serializers.CharField,
    bool: serializers.BooleanField,
}
NULL = True


def response_schema(
    name: str, keys: tuple[Declared, ...], doc: str
) -> type[serializers.Serializer]:
    """A serializer class for the OpenAPI schema of a response whose body is built by a plain
    function (a per-row DRF ``to_representation`` costs more than the whole query): ``keys`` in
    the order the body has them, so one table serves the schema and the key-order tests."""
    fields: dict[str, object] = {"__doc__": doc}
    for key, *spec in keys:
        if isinstance(spec[0], serializers.Field):
            fields[key] = spec[0]
        elif spec[1]:
            fields[key] = nullable(FIELD_TYPES[spec[0]])
        else:
            fields[key] = FIELD_TYPES[spec[0]]()
    return type(name, (serializers.Serializer,), fields)
