"""Every answer a route can give, in its OpenAPI document, with the body the service really sends.

Routes declare their own success and rule-specific answers; the answers every route shares come
from the platform (auth: 401/403; the request bounds of shared/limits.py: 413/422/431; the database
away: 503; FastAPI's 422, which shared.http replaces with the shared error body). Adding them here,
once, keeps each service's document true without repeating them on every route, and tells a client
the real 422 body instead of FastAPI's default."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shared.api import ErrorBody

_REF = {"$ref": "#/components/schemas/ErrorBody"}

SHARED_ANSWERS = {
    "413": "the body is over the size limit (rule body_too_large)",
    "422": "invalid input: one entry per bad field, naming the field and the rule",
    "431": "the request headers are over the size limit (rule headers_too_large)",
}
AUTH_ANSWERS = {
    "401": "missing, expired or invalid bearer token",
    "403": "the caller's role may not do this, or needs a stated purpose",
    "503": "a dependency is unreachable (database, identity provider keys): retry after Retry-After seconds",
}
LOOKUP_ANSWERS = {"404": "nothing with this id in the caller's organisation"}
COMMAND_ANSWERS = {"409": "the request conflicts with the current state (the rule says which)"}


def _answer(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _REF}}}


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the shared answers added to every operation and FastAPI's validation
    error bodies replaced by the shared error body."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(body.pop("$defs", {}))
    schemas.setdefault("ErrorBody", body)
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            answers = dict(SHARED_ANSWERS)
            if "requestBody" in operation:
                answers["400"] = "the body cannot be parsed (not JSON, or not UTF-8)"
            if operation.get("security") or path.startswith("/api/"):
                answers |= AUTH_ANSWERS
                if "{" in path:
                    answers |= LOOKUP_ANSWERS
                if method != "get":
                    answers |= COMMAND_ANSWERS
            responses = operation.setdefault("responses", {})
            for code, description in answers.items():
                existing = responses.get(code)
                if existing is None or _is_fastapi_validation(existing):
                    responses[code] = _answer(description)
                else:
                    existing.setdefault("content", {"application/json": {"schema": _REF}})
    return document


def _is_fastapi_validation(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).endswith("/HTTPValidationError")


def install(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(get_openapi(
                title=app.title, version=app.version, routes=app.routes, description=app.description,
            ))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
