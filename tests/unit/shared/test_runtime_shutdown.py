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


class _Producer:
    def __init__(self, starts: bool) -> None:
        self.starts, self.started, self.stopped = starts, False, False

    async def start(self) -> None:
        if not self.starts:
            raise ConnectionError("Kafka away")
        self.started = True

    async def stop(self) -> None:
        self.stopped = True


class _FailingRelay:
    def __init__(self) -> None:
        self.producer: object = None

    async def run(self) -> None:
        from aiokafka.errors import KafkaConnectionError

        raise KafkaConnectionError("broker lost mid-batch")

    def use_producer(self, producer: object) -> None:
        self.producer = producer


async def test_a_relay_producer_that_cannot_start_is_not_installed_and_is_tried_again(monkeypatch):
    """After a Kafka failure the relay gets a fresh producer, but only a started one: one whose start
    failed (Kafka still away) was once installed unstarted, and the relay never recovered."""
    import shared.runtime as runtime_module

    made = iter([_Producer(starts=False), _Producer(starts=True)])
    monkeypatch.setattr(runtime_module, "idempotent_producer", lambda *_a: next(made))
    runtime = Runtime(ServiceSettings.for_service("probe", http_port=0), EventWiring())
    first, relay = _Producer(starts=True), _FailingRelay()
    runtime.producer, runtime.relay = first, relay  # type: ignore[assignment]
    with pytest.raises(Exception, match="broker lost"):
        await runtime._relay_loop()
    with pytest.raises(ConnectionError):  # Kafka still away: the fresh producer does not start
        await runtime._relay_loop()
    assert runtime.producer is first and relay.producer is None and runtime._producer_stale
    with pytest.raises(Exception, match="broker lost"):  # Kafka back: renewed, then the relay runs again
        await runtime._relay_loop()
    assert runtime.producer is relay.producer and runtime.producer.started and first.stopped
