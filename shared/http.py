"""The FastAPI side every service shares: lifespan around the Runtime, /health, the AsyncAPI
document, and every refusal in the one error body (shared/api.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse

from shared.api import install_error_handlers
from shared.auth import AuthSettings, TokenVerifier
from shared.heap import settle_after_startup
from shared.runtime import Runtime
from shared.telemetry import metric_snapshot, setup_logging, setup_telemetry


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
    app.include_router(_platform_router(runtime))
    for router in routers:
        app.include_router(router)
    return app


def _platform_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["platform"])

    @router.get("/health")
    async def health() -> JSONResponse:
        checks = await runtime.health()
        ok = all(c["ok"] for c in checks.values())
        body = {"service": runtime.settings.service, "status": "ok" if ok else "degraded", **checks,
                "outbox_backlog": runtime.relay.backlog if runtime.relay else None,
                "outbox_set_aside": await runtime.outbox_set_aside() if checks["postgres"]["ok"] else None,
                "metrics": metric_snapshot()}
        return JSONResponse(body, status_code=200 if ok else 503)

    @router.get("/asyncapi.json")
    async def asyncapi() -> JSONResponse:
        return JSONResponse(runtime.asyncapi().to_specification().to_jsonable())

    return router
