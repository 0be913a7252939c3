"""Every key the trade, profit, config and balance endpoints serve is declared, with its JSON
type, in ``/api/v1/openapi.json`` (issue 15: a client generated from the schema sees them all)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.fixtures.freqtrade_data import make_closed_trade, make_open_trade

T0 = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
JSON_TYPES = {
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}
ENDPOINTS = {
    "/api/v1/status": "get",
    "/api/v1/trades": "get",
    "/api/v1/trade/{tradeid}": "get",
    "/api/v1/profit": "get",
    "/api/v1/show_config": "get",
    "/api/v1/balance": "get",
}


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:  # drf-spectacular's nullable $ref
        return {**_resolve(spec, schema["allOf"][0]), "nullable": schema.get("nullable", False)}
    return schema


def _undeclared(spec: dict, schema: dict, value, where: str) -> list[str]:
    """Paths in ``value`` that ``schema`` does not declare, or declares with another type."""
    schema = _resolve(spec, schema)
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null, not nullable"]
    kind = schema.get("type")
    if kind is None or not JSON_TYPES[kind](value):
        return [f"{where}: {type(value).__name__} declared {kind}"]
    problems = []
    if kind == "array":
        for item in value[:3]:
            problems += _undeclared(spec, schema.get("items", {}), item, f"{where}[]")
    elif kind == "object" and "properties" in schema:
        for key, item in value.items():
            if key not in schema["properties"]:
                problems.append(f"{where}.{key}: not declared")
            else:
                problems += _undeclared(spec, schema["properties"][key], item, f"{where}.{key}")
    return problems


@pytest.fixture
def some_trades(running_bot):
    bot = running_bot.bot
    make_closed_trade(bot, 1, open_rate=1.0, close_rate=1.1, opened=T0, closed=T0 + timedelta(1))
    make_open_trade(bot, 2, open_rate=2.0, opened=T0)
    return running_bot


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/api/v1/status", "/api/v1/status"),
        ("/api/v1/trades", "/api/v1/trades"),
        ("/api/v1/trade/{tradeid}", "/api/v1/trade/1"),
        ("/api/v1/trade/{tradeid}", "/api/v1/trade/2"),
        ("/api/v1/profit", "/api/v1/profit"),
        ("/api/v1/show_config", "/api/v1/show_config"),
        ("/api/v1/balance", "/api/v1/balance"),
    ],
)
def test_every_served_key_is_declared_with_its_type(some_trades, client_basic, path, url):
    spec = client_basic.get("/api/v1/openapi.json").json()
    schema = spec["paths"][path][ENDPOINTS[path]]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    response = client_basic.get(url)
    assert response.status_code == 200
    assert _undeclared(spec, schema, response.json(), url) == []
