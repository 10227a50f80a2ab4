"""PostgreSQL unreachable: a command answers 503 with Retry-After, not a 500 with a traceback, and
the outage is logged once when it starts and once when it ends, not once per request.

A 503 tells the client "not done, retry": with an Idempotency-Key (shared/idempotency.py) the
retry is safe even when the connection died between the commit and its answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from fastapi import Request
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)

RETRY_AFTER_S = 2
# Errors meaning "the database is not there (now)", never "your input is wrong".
UNREACHABLE: tuple[type[Exception], ...] = (
    OSError,  # refused, reset, no route; ConnectionError and socket timeouts are OSErrors
    TimeoutError,
    asyncpg.PostgresConnectionError,  # class 08: connection exceptions
    asyncpg.CannotConnectNowError,  # 57P03: starting up or shutting down
    asyncpg.OperatorInterventionError,  # 57P01 admin_shutdown, 57P02 crash_shutdown, 57014 cancelled
    asyncpg.TooManyConnectionsError,
    asyncpg.ConnectionDoesNotExistError,  # the connection closed under the query
    asyncpg.InterfaceError,  # "connection is closed", pool closing
    asyncpg.InternalClientError,  # a pooled connection the server dropped, reused mid-operation
)


class DatabaseOutage:
    """Whether the process currently believes PostgreSQL is away; each flip logs one line. The
    first failure starts a probe that pings the database every `probe_every_s` until it answers."""

    def __init__(self, probe_every_s: float = 1.0) -> None:
        self.down = False
        self.probe_every_s = probe_every_s
        self._probe: asyncio.Task[None] | None = None
        self._probing: Callable[[], Awaitable[object]] | None = None

    def failed(self, exc: BaseException, ping: Callable[[], Awaitable[object]] | None = None) -> None:
        if self.down:
            return
        self.down = True
        log.warning("PostgreSQL unreachable: commands answer 503 until it is back",
                    extra={"error": type(exc).__name__})
        if ping is not None:
            self._probing = ping
            self._probe = asyncio.get_running_loop().create_task(self._until_back(ping))

    async def forget(self, ping: Callable[[], Awaitable[object]]) -> None:
        """The process stops using the database `ping` reaches (its runtime's shutdown): its probe is
        cancelled and awaited, not left pinging a closed pool for the life of the event loop."""
        probe = self._probe
        if probe is None or self._probing != ping:
            return
        self._probe, self._probing, self.down = None, None, False
        probe.cancel()
        await asyncio.wait([probe], timeout=2.0)

    def recovered(self) -> None:
        if self.down:
            self.down = False
            log.warning("PostgreSQL reachable again")

    async def _until_back(self, ping: Callable[[], Awaitable[object]]) -> None:
        while self.down:
            await asyncio.sleep(self.probe_every_s)
            try:
                await asyncio.wait_for(ping(), 3.0)
            except Exception:  # noqa: S112 - still away: look again
                continue
            self.recovered()


OUTAGE = DatabaseOutage()


def unavailable_body() -> dict[str, Any]:
    return {"detail": "the database is unreachable: retry later, with the same Idempotency-Key "
                      "should the request have been carried out before the connection was lost",
            "errors": [{"field": "database", "rule": "database_unavailable",
                        "message": f"PostgreSQL did not answer; retry after {RETRY_AFTER_S} s"}]}


def unavailable_response() -> JSONResponse:
    return JSONResponse(unavailable_body(), status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    runtime = getattr(request.app.state, "runtime", None)
    OUTAGE.failed(exc, getattr(runtime, "ping_postgres", None))
    return unavailable_response()
