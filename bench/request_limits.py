"""hardening.middleware_cpu_us_per_request: the CPU the request bounds and the Idempotency-Key
middleware (shared/limits.py, shared/idempotency.py) add to a registration-sized POST without a key,
measured in-process on the ASGI stack (no network, no database), so the figure does not depend on
what else the machine runs: CPU time per request with both middlewares minus without."""

from __future__ import annotations

import asyncio
import json
import time

from shared.idempotency import Idempotency
from shared.limits import RequestLimits

REQUESTS = 20_000
BODY = json.dumps({"first_name": "Amina", "last_name": "Diallo", "languages": ["fr"] * 5,
                   "notes": "x" * 1200}).encode()


async def _app(scope, receive, send) -> None:  # noqa: ANN001
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 201, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok": true}'})


async def _cpu_per_request(app) -> float:  # noqa: ANN001
    scope = {"type": "http", "method": "POST", "path": "/api/v1/beneficiaries", "query_string": b"",
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode()),
                         (b"authorization", b"Bearer " + b"x" * 200)]}

    async def receive():  # noqa: ANN202
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(_message) -> None:  # noqa: ANN001
        return None

    start = time.process_time()
    for _ in range(REQUESTS):
        await app(dict(scope), receive, send)
    return (time.process_time() - start) / REQUESTS * 1e6


def run() -> list[tuple[str, float, str]]:
    wrapped = RequestLimits(Idempotency(_app, runtime=None))
    rounds = []
    for _ in range(5):
        bare = asyncio.run(_cpu_per_request(_app))
        full = asyncio.run(_cpu_per_request(wrapped))
        rounds.append(full - bare)
    rounds.sort()
    return [("hardening.middleware_cpu_us_per_request", round(rounds[2], 2), "us")]
