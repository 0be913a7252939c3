"""``/api/v1/openapi.json`` closes its response objects to undeclared keys (``api/schema.py``)."""

from __future__ import annotations


def test_response_objects_forbid_extra_keys_and_requests_stay_open(client_basic):
    schemas = client_basic.get("/api/v1/openapi.json").json()["components"]["schemas"]
    with_keys = {
        name: schema
        for name, schema in schemas.items()
        if schema.get("type") == "object" and "properties" in schema
    }
    requests = {name for name in with_keys if name.endswith("Request")}
    assert requests and {"ProfitSchema", "OpenTradeSchema", "ShowConfigSchema"} <= set(with_keys)
    for name, schema in with_keys.items():
        closed = schema.get("additionalProperties") is False
        assert closed == (name not in requests), name
    # Free-form maps (the ROI table, the order types) keep accepting any key.
    config = schemas["ShowConfigSchema"]["properties"]
    assert config["minimal_roi"].get("additionalProperties") is not False
