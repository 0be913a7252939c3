"""OpenAPI (drf-spectacular) extensions: the authentication schemes, and a postprocessing hook
that closes the response objects to undeclared keys."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.authentication.BearerAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


class BasicScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.authentication.ConfigBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic"}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.authentication.BrowserSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class MetricsTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.metrics_token.MetricsTokenAuthentication"
    name = "metricsToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "api_server.metrics_token"}


def forbid_extra_keys(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: the response objects whose keys are all declared
    get ``additionalProperties: false``, so a client (and the fuzz test's schema check) learns
    of any key the API would serve without declaring it (issue 15). Objects without
    ``properties`` (free-form dicts such as ``minimal_roi``) and request bodies stay open."""
    schemas = result.get("components", {}).get("schemas", {})
    responses = [
        response.get("content", {})
        for path in result.get("paths", {}).values()
        for operation in path.values()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
    ]
    pending = _refs(responses)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        schema = schemas[name]
        pending.extend(_refs(schema))
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
    return result


def _refs(node) -> list[str]:
    """Component names referenced anywhere inside ``node``."""
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                found.append(ref.rsplit("/", 1)[-1])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found
