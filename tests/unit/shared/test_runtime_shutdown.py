"""A service's shutdown ends within a bound whatever its parts do (issue 11 point 2: a teardown hung
past 180 s): a background task that will not die, a producer that cannot flush, a pool that waits for
a connection never given back."""

from __future__ import annotations

import asyncio
import time

import pytest

from shared.runtime import EventWiring, Runtime
from shared.settings import ServiceSettings

pytestmark = pytest.mark.unit


class _Hangs:
    """A producer or pool whose stop/close never returns, like one waiting on an absent server."""

    def __init__(self) -> None:
        self.terminated = False

    async def stop(self) -> None:
        await asyncio.Event().wait()

    async def close(self) -> None:
        await asyncio.Event().wait()

    def terminate(self) -> None:
        self.terminated = True


RELENT = asyncio.Event()


async def _stubborn() -> None:
    """Swallows its cancellation and goes on waiting (a clean-up awaiting a dead connection), until
    the test lets it go."""
    while not RELENT.is_set():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            continue


async def test_stop_is_bounded_when_every_part_hangs(caplog):
    runtime = Runtime(ServiceSettings.for_service("probe", http_port=0), EventWiring())
    pool, producer = _Hangs(), _Hangs()
    runtime.pool, runtime.producer = pool, producer  # type: ignore[assignment]
    runtime._spawn(_stubborn, "stubborn")
    runtime._spawn(lambda: asyncio.sleep(3600), "polite")
    try:
        await asyncio.sleep(0)  # the tasks are running
        polite = next(t for t in runtime._tasks if t.get_name().endswith("polite"))
        started = time.monotonic()
        await runtime.stop(step_s=0.2)
        took = time.monotonic() - started
        assert took < 2.0, took  # four steps of 0.2 s, not forever
        assert polite.cancelled()
        assert pool.terminated  # the pool that would not close was closed by force
        left = [r for r in caplog.records if r.getMessage() == "background tasks did not stop in time"]
        assert [r.tasks for r in left] == [["probe-stubborn"]]  # type: ignore[attr-defined]
        assert sorted(r.step for r in caplog.records  # type: ignore[attr-defined]
                      if r.getMessage() == "shutdown step did not complete") == ["database pool", "producer"]
    finally:
        RELENT.set()  # leave no task behind on the test's loop
        for task in asyncio.all_tasks():
            if task.get_name() == "probe-stubborn":
                task.cancel()
                await asyncio.wait([task], timeout=5)
