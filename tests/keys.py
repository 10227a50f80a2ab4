"""Every POST the integration and end-to-end suites send carries an Idempotency-Key, as a careful
client's would: each command of the suite then runs the keyed path (its work parked until its
answer commits with it, shared.idempotency), not only the few tests that are about keys. A test that
sets its own key keeps it."""

from __future__ import annotations

import uuid

import httpx


async def add_idempotency_key(request: httpx.Request) -> None:
    if request.method == "POST" and "idempotency-key" not in request.headers:
        request.headers["Idempotency-Key"] = f"suite-{uuid.uuid4()}"
