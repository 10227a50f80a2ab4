"""The FastAPI side every service shares: lifespan around the Runtime, /health, the AsyncAPI
document, and every refusal in the one error body (shared/api.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

import asyncpg
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from shared import openapi
from shared.api import install_error_handlers
from shared.auth import AuthSettings, TokenVerifier
from shared.heap import settle_after_startup
from shared.idempotency import Idempotency
from shared.limits import RequestLimits
from shared.outage import UNREACHABLE, database_unavailable
from shared.outbox import EventTooLarge
from shared.runtime import Runtime
from shared.telemetry import metric_snapshot, setup_logging, setup_telemetry

log = logging.getLogger(__name__)


def create_app(
    runtime: Runtime,
    *,
    title: str,
    routers: Sequence[APIRouter] = (),
    on_start: Callable[[Runtime, FastAPI], None] | None = None,
) -> FastAPI:
    """A service's HTTP app; `on_start` wires service objects onto `app.state` once the pool exists."""
    settings = runtime.settings
    setup_logging(settings.service, settings.log_level)
    setup_telemetry(settings.service, settings.otlp_endpoint)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        if on_start:
            on_start(runtime, app)
        settle_after_startup()  # what start-up built, out of the collector's sight (shared/heap.py)
        try:
            yield
        finally:
            await runtime.stop()

    # FastAPI's native telemetry makes the server span of each request, continuing an incoming
    # traceparent, once setup_telemetry has installed the providers.
    app = FastAPI(title=title, version="1.0.0", lifespan=lifespan, telemetry={"tracing": True, "metrics": True})
    app.state.runtime = runtime
    app.state.token_verifier = TokenVerifier(AuthSettings())
    install_error_handlers(app)
    for unreachable in UNREACHABLE:
        app.add_exception_handler(unreachable, database_unavailable)
    app.add_exception_handler(asyncpg.DataError, _data_error)
    app.add_exception_handler(EventTooLarge, _event_too_large)
    app.add_exception_handler(asyncpg.UniqueViolationError, _unique_violation)
    app.include_router(_platform_router(runtime))
    for router in routers:
        app.include_router(router)
    # Outermost last: the limits judge a request before anything reads its body.
    app.add_middleware(Idempotency, runtime=runtime)
    app.add_middleware(RequestLimits, max_body_bytes=settings.max_body_bytes,
                       max_header_bytes=settings.max_header_bytes, max_upload_bytes=settings.max_upload_bytes)
    openapi.install(app)
    return app


_HEALTH = {"application/json": {"schema": {"type": "object", "required": ["service", "status"], "properties": {
    "service": {"type": "string"}, "status": {"type": "string", "enum": ["ok", "degraded"]}}}}}


def _platform_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["platform"])

    @router.get("/health", responses={200: {"description": "every check ok", "content": _HEALTH},
                                      503: {"description": "degraded: see the failing check", "content": _HEALTH}})
    async def health() -> JSONResponse:
        checks = await runtime.health()
        ok = all(c["ok"] for c in checks.values())
        body = {"service": runtime.settings.service, "status": "ok" if ok else "degraded", **checks,
                "outbox_backlog": runtime.relay.backlog if runtime.relay else None,
                "outbox_set_aside": await runtime.outbox_set_aside() if checks["postgres"]["ok"] else None,
                "metrics": metric_snapshot()}
        return JSONResponse(body, status_code=200 if ok else 503)

    @router.get("/asyncapi.json", responses={200: {"description": "AsyncAPI 3 document",
                                                   "content": {"application/json": {"schema": {"type": "object"}}}}})
    async def asyncapi() -> JSONResponse:
        return JSONResponse(runtime.asyncapi().to_specification().to_jsonable())

    return router


async def _event_too_large(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": "request too large to publish", "errors": [
        {"field": "body", "rule": "event_too_large", "message": str(exc)}]}, status_code=413)


async def _unique_violation(_request: Request, exc: Exception) -> JSONResponse:
    """The same Idempotency-Key in two requests at once: the second one's claim loses and does nothing."""
    if getattr(exc, "constraint_name", None) != "idempotency_keys_pkey":
        raise exc
    return JSONResponse({"detail": "a request with this Idempotency-Key is being carried out; retry later",
                         "rule": "idempotency_request_in_progress",
                         "errors": [{"field": "header.Idempotency-Key", "rule": "idempotency_request_in_progress",
                                     "message": "wait for the first request's answer"}]},
                        status_code=409, headers={"Retry-After": "1"})


async def _data_error(_request: Request, exc: Exception) -> JSONResponse:
    """A value PostgreSQL refused (out of range, bad text): the schemas should have caught it first,
    so this is a net, not the rule; still the client's input, never a 500."""
    log.warning("value refused by PostgreSQL past the schema", extra={"sqlstate": getattr(exc, "sqlstate", None)})
    return JSONResponse({"detail": "invalid input", "errors": [
        {"field": "body", "rule": "value_out_of_range", "message": "a value is outside what can be stored"}]},
        status_code=422)

