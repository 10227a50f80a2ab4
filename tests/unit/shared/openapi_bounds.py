"""Walks an OpenAPI document for inputs without a documented bound (shared by the unit test)."""

from __future__ import annotations

from typing import Any


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def unbounded(doc: dict[str, Any]) -> list[str]:
    """'where: what' for each input string without maxLength, integer without minimum and maximum,
    array without maxItems (enums, formats with a fixed shape and booleans are bounded by nature)."""
    found: list[str] = []
    seen: set[int] = set()

    def walk(schema: dict, where: str) -> None:
        schema = _resolve(doc, schema)
        if id(schema) in seen and "properties" in schema:
            return
        seen.add(id(schema))
        alternatives = [_resolve(doc, sub) for key in ("anyOf", "oneOf", "allOf") for sub in schema.get(key, [])]
        if any(a.get("type") == "number" for a in alternatives):
            return  # a Decimal: bounded by its digits and range, its string form by them too
        for sub in alternatives:
            walk(sub, where)
        kind = schema.get("type")
        if "enum" in schema or "const" in schema:
            return
        if kind == "string" and schema.get("format") not in {"uuid", "date", "date-time"} \
                and "maxLength" not in schema and "pattern" not in schema:
            found.append(f"{where}: string without maxLength")
        if kind == "integer" and ("maximum" not in schema and "exclusiveMaximum" not in schema
                                  or "minimum" not in schema and "exclusiveMinimum" not in schema):
            found.append(f"{where}: integer without minimum and maximum")
        if kind == "array":
            if "maxItems" not in schema:
                found.append(f"{where}: array without maxItems")
            walk(schema.get("items", {}), f"{where}[]")
        for name, sub in schema.get("properties", {}).items():
            walk(sub, f"{where}.{name}")
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            walk(extra, f"{where}.*")

    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            for param in op.get("parameters", []):
                walk(param.get("schema", {}), f"{method.upper()} {path} {param['in']}.{param['name']}")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                walk(body, f"{method.upper()} {path} body")
    return found
