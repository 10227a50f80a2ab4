"""Waiting for a real condition, never for a time.

A test that reads Kafka or a service's tables after an asynchronous step polls for the state it
expects. The deadline is only a guard against a hang, set far beyond what the condition needs on a
loaded machine (two busy cores made a 20 s wait too short once): a test never passes, nor fails,
because a clock ran out while the condition was still on its way."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

# Below pytest-timeout's 180 s per test, so a real hang still fails with its stack.
PATIENCE_S = float(os.environ.get("PERCORSI_TEST_PATIENCE_S", "120"))


async def eventually(probe: Callable[[], Awaitable[T]], *, what: str, timeout_s: float = PATIENCE_S,
                     every_s: float = 0.1) -> T:
    """Call `probe` until it returns something truthy, and return that; fail naming `what` if it never does."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = await probe()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what}: not reached within {timeout_s:.0f} s"
        await asyncio.sleep(every_s)
