"""Bounds on every request, checked before a route sees it: header size, body size, and NUL
characters anywhere in the query, the path or a JSON body.

Why here and not in each schema: PostgreSQL refuses NUL in text (a 500 deep in a repository), and a
body or header read in full before it is judged costs memory whatever the route. One pure-ASGI
middleware in `shared.http.create_app` gives every service the same refusals, each naming the field
and the rule in the shared error body; schemas still declare their own lengths and ranges so the
OpenAPI document tells a client the limits (tests/unit/shared/test_openapi_limits.py checks it).

Pure ASGI (not BaseHTTPMiddleware): it adds one header scan and one bytes search per request."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import error_body as shared_error_body

MAX_BODY_BYTES = 256 * 1024
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
UPLOAD_PREFIXES = ("/api/v1/imports",)
MAX_HEADER_BYTES = 16 * 1024
# Set while an HTTP request is handled: the outbox refuses an event too large for Kafka only then.
IN_REQUEST: contextvars.ContextVar[bool] = contextvars.ContextVar("percorsi_in_request", default=False)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def error_body(detail: str, field: str, rule: str, message: str) -> dict[str, Any]:
    """The shared error body with one error, for the answers given before any route."""
    return shared_error_body(detail, [{"field": field, "rule": rule, "message": message}])


async def send_json(send: Send, status: int, body: dict[str, Any],
                    headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    raw = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": raw})


def nul_paths(value: object, path: tuple[str, ...] = ()) -> Iterator[str]:
    """Dotted paths of the strings (keys included) holding a NUL character in a parsed JSON value."""
    if isinstance(value, str):
        if "\x00" in value:
            yield ".".join(path) or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                yield ".".join((*path, key.replace("\x00", "\\u0000")))
            yield from nul_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nul_paths(item, (*path, str(index)))


class RequestLimits:
    """413 for a body over `max_body_bytes` (from Content-Length, before reading, or while reading),
    431 for headers over `max_header_bytes`, 422 `nul_character` for a NUL in the path, a query
    parameter or a JSON string. The body it read is handed on in the scope
    (`percorsi.body`) so the idempotency middleware does not read it again."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int = MAX_BODY_BYTES,
                 max_header_bytes: int = MAX_HEADER_BYTES, max_upload_bytes: int = MAX_UPLOAD_BYTES,
                 upload_prefixes: tuple[str, ...] = UPLOAD_PREFIXES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes
        # A caseload file (CSV or XLSX, up to 100,000 rows) is an upload, not a command's JSON: the
        # routes under these prefixes take up to `max_upload_bytes`.
        self.max_upload_bytes = max_upload_bytes
        self.upload_prefixes = upload_prefixes

    def _limit(self, scope: Scope) -> int:
        path: str = scope["path"]
        return self.max_upload_bytes if path.startswith(self.upload_prefixes) else self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refuse_head(scope)
        if refusal is not None:
            await send_json(send, *refusal)
            return
        if scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        body = await self._read_body(receive, self._limit(scope))
        if body is None:
            await send_json(send, 413, self._too_large(self._limit(scope)))
            return
        if b"\\u0000" in body or b"\x00" in body:
            nul = self._nul_in_body(body)
            if nul is not None:
                await send_json(send, 422, nul)
                return
        scope["percorsi.body"] = body
        token = IN_REQUEST.set(True)
        try:
            await self.app(scope, _replay(body, receive), send)
        finally:
            IN_REQUEST.reset(token)

    def _refuse_head(self, scope: Scope) -> tuple[int, dict[str, Any]] | None:
        headers = scope["headers"]
        size = sum(len(k) + len(v) + 4 for k, v in headers)
        if size > self.max_header_bytes:
            return 431, error_body("request headers too large", "headers", "headers_too_large",
                                   f"the request's headers are {size} bytes; at most {self.max_header_bytes} are read")
        for name, value in headers:
            if name == b"content-length" and value.isdigit() and int(value) > self._limit(scope):
                return 413, self._too_large(self._limit(scope))
        if "\x00" in scope["path"]:
            return 422, error_body("invalid input", "path", "nul_character", "the path holds a NUL character")
        query = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            names = [k for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=True)
                     if "\x00" in k or "\x00" in v]
            field = f"query.{names[0].replace(chr(0), '')}" if names else "query"
            return 422, error_body("invalid input", field, "nul_character",
                                   "text must not hold a NUL character (U+0000)")
        return None

    def _too_large(self, limit: int) -> dict[str, Any]:
        return error_body("request body too large", "body", "body_too_large",
                          f"a request body is at most {limit} bytes")

    async def _read_body(self, receive: Receive, limit: int) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _nul_in_body(self, body: bytes) -> dict[str, Any] | None:
        try:
            parsed = json.loads(body)
        except ValueError:
            return None  # not JSON: the route's own parsing refuses it
        paths = list(nul_paths(parsed))
        if not paths:
            return None
        return {"detail": "invalid input", "errors": [
            {"field": p, "rule": "nul_character", "message": "text must not hold a NUL character (U+0000)"}
            for p in paths]}


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay

