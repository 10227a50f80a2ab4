"""The parts every service runs with, started and stopped in one place: the database pool, the
idempotent producer and outbox relay, the FastStream broker with the service's subscriber."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from shared.consumer import Batched, Handler, IdempotentConsumer, UnitOfWorkOn
from shared.db import create_pool
from shared.events.envelope import EventPayload
from shared.idempotency import forget_old_keys
from shared.kafka import LagMonitor, subscribe
from shared.outage import OUTAGE
from shared.relay import OutboxRelay, idempotent_producer
from shared.settings import ServiceSettings
from shared.telemetry import KAFKA_LOG_GATE
from shared.topics import TopicSpec
from shared.tracking import TrackingRetention

log = logging.getLogger(__name__)
STOP_STEP_S = 5.0  # each shutdown step (broker, background tasks, producer, pool) ends within this


@dataclass
class EventWiring:
    """What a service publishes and what it consumes; the AsyncAPI document is built from it."""

    publishes: TopicSpec | None = None
    published: Sequence[type[EventPayload]] = ()
    consumes: Sequence[TopicSpec] = ()
    handlers: Mapping[str, Handler | Batched] = field(default_factory=dict)
    consumed: Sequence[type[EventPayload]] = ()
    # The service's unit of work joined to the consumer's transaction (conn -> UoW); handlers that
    # cause no events may leave it out.
    unit_of_work: UnitOfWorkOn | None = None


class Runtime:
    """Owns the pool, producer, broker and background tasks of one service process."""

    def __init__(self, settings: ServiceSettings, wiring: EventWiring) -> None:
        self.settings = settings
        self.wiring = wiring
        self.pool: asyncpg.Pool | None = None
        self.producer: AIOKafkaProducer | None = None
        self.relay: OutboxRelay | None = None
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers, client_id=f"percorsi-{settings.service}",
            logger=logging.getLogger("faststream"), log_level=logging.DEBUG,  # our JSON lines; per-record at DEBUG
        )
        self._subscriber: object | None = None
        self._consumer: IdempotentConsumer | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.supervisors: dict[str, Supervisor] = {}
        self._producer_stale = False  # the relay's producer failed on Kafka: replace it before the next run
        self._declare_publishers()
        self._declare_subscriber()

    def _declare_publishers(self) -> None:
        # Declared for the AsyncAPI document; the relay, not FastStream, sends these records.
        if self.wiring.publishes:
            for contract in self.wiring.published:
                self.broker.publisher(
                    self.wiring.publishes.name, schema=contract, title=f"{contract.event_type}:publish",
                    description=(contract.__doc__ or "").strip() + " Keyed by beneficiary_id; sent through the outbox.",
                )

    def _declare_subscriber(self) -> None:
        # Declared here, not at start, so the AsyncAPI document is whole before the service runs;
        # the consumer gets its pool when the runtime starts.
        if not self.wiring.handlers:
            return
        group = f"percorsi-{self.settings.service}"
        self._consumer = IdempotentConsumer(None, self.wiring.handlers, group=group,
                                            retries=self.settings.consumer_retries,
                                            unit_of_work=self.wiring.unit_of_work)
        self._subscriber = subscribe(
            self.broker, self._consumer, topics=self.wiring.consumes, group_id=group,
            max_records=self.settings.consumer_max_records, consumes=self.wiring.consumed,
            batch_timeout_ms=self.settings.consumer_batch_timeout_ms,
            fetch_min_bytes=self.settings.consumer_fetch_min_bytes,
            fetch_max_wait_ms=self.settings.consumer_fetch_max_wait_ms,
        )

    def asyncapi(self) -> AsyncAPI:
        return AsyncAPI(self.broker, title=f"Percorsi {self.settings.service} events", version="1.0.0")

    async def start(self) -> None:
        s = self.settings
        self.pool = await create_pool(s.dsn, min_size=s.pool_min_size, max_size=s.pool_max_size)
        self.producer = idempotent_producer(s.kafka_bootstrap_servers, f"percorsi-{s.service}-relay")
        await self.producer.start()
        self.relay = OutboxRelay(
            self.pool, self.producer, service=s.service, batch_size=s.relay_batch_size,
            idle_poll_s=s.relay_idle_poll_s, linger_s=s.relay_linger_ms / 1000,
            keep_sent_s=s.outbox_keep_sent_hours * 3600,
        )
        self._spawn(self._relay_loop, "relay")
        self._spawn(lambda: forget_old_keys(self.pool), "idempotency-retention")
        if self._consumer is not None:
            self._consumer.bind(self.pool)
            self._spawn(LagMonitor(self._subscriber, f"percorsi-{s.service}").run, "lag")
            retention = TrackingRetention(self.pool, keep_s=s.consumer_keep_processed_days * 86_400)
            self._spawn(retention.run, "tracking-retention")
        await self.broker.start()
        self._spawn(self._watch_kafka, "kafka-watch")

    async def stop(self, *, step_s: float | None = None) -> None:
        """Stop everything, each step bounded by `step_s`, so a shutdown always ends: a background task
        cancelled in the middle of a query to a database that is going away, a producer that cannot
        flush to an absent broker or a pool waiting for a connection never given back would otherwise
        hold the process (a test's teardown once hung past 180 s). What does not stop in time is
        logged by name and left behind; the pool is then closed by force."""
        step_s = STOP_STEP_S if step_s is None else step_s
        await _bounded(self.broker.stop(), "broker", step_s)
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=step_s)
            if pending:
                log.warning("background tasks did not stop in time", extra={
                    "tasks": sorted(t.get_name() for t in pending), "timeout_s": step_s})
        self._tasks.clear()
        await OUTAGE.forget(self.ping_postgres)
        if self.producer:
            await _bounded(self.producer.stop(), "producer", step_s)
        if self.pool:
            if not await _bounded(self.pool.close(), "database pool", step_s):
                self.pool.terminate()

    def _spawn(self, run: Callable[[], Awaitable[None]], name: str) -> None:
        supervisor = Supervisor(name, max_delay_s=self.settings.restart_max_backoff_s)
        self.supervisors[name] = supervisor
        self._tasks.append(asyncio.create_task(supervisor.run(run), name=f"{self.settings.service}-{name}"))

    async def health(self) -> dict[str, dict[str, object]]:
        """Live checks of PostgreSQL and Kafka, each with a short timeout, and of the relay: in
        backoff after a failure, or its oldest unpublished row older than the threshold, it is not ok
        (HTTP may be back while events still do not flow)."""
        checks: dict[str, dict[str, object]] = {
            "postgres": await _check(self.ping_postgres()), "kafka": await _check(self._ping_kafka())}
        checks["relay"] = await self._relay_check(checks["postgres"]["ok"] is True)
        return checks

    async def _relay_check(self, postgres_ok: bool) -> dict[str, object]:
        supervisor = self.supervisors.get("relay")
        if supervisor is None:
            return {"ok": False, "error": "relay not started"}
        if supervisor.in_backoff:
            return {"ok": False, "error": f"relay restarting after a failure ({supervisor.failures} in a row)",
                    "retry_in_s": supervisor.delay_s}
        oldest = None
        if postgres_ok and self.relay is not None:
            with contextlib.suppress(Exception):
                oldest = await asyncio.wait_for(self.relay.oldest_pending_age_s(), 3.0)
        limit = self.settings.relay_max_pending_age_s
        if oldest is not None and oldest > limit:
            return {"ok": False, "error": f"oldest unpublished outbox row is {oldest:.1f} s old (limit {limit} s)",
                    "oldest_pending_s": round(oldest, 3)}
        return {"ok": True, "oldest_pending_s": None if oldest is None else round(oldest, 3)}

    async def outbox_set_aside(self) -> int | None:
        """Outbox rows set aside as too large for Kafka; None when the count does not come back."""
        if self.relay is None:
            return None
        with contextlib.suppress(Exception):
            return await asyncio.wait_for(self.relay.set_aside_count(), 3.0)
        return None

    async def _relay_loop(self) -> None:
        """The relay; after a Kafka failure its producer is replaced by a fresh one before the retry:
        an idempotent producer that lost its broker mid-batch can stay failed (in a full suite run the
        relay failed 59 times in a row after Kafka was back), and a new producer id costs nothing here,
        as the relay resends from its cursor and consumers deduplicate. The replacement must start:
        one that could not (Kafka still away) is not installed, and the next attempt tries again
        (installing it unstarted left housing's relay and health failing 170 s after Kafka was back)."""
        assert self.relay is not None
        if self._producer_stale:
            await self._renew_producer()
        try:
            await self.relay.run()
        except KafkaError:
            self._producer_stale = True
            raise

    async def _renew_producer(self) -> None:
        """A started fresh producer in place of the old one, or the start's error (the supervisor retries)."""
        s = self.settings
        fresh = idempotent_producer(s.kafka_bootstrap_servers, f"percorsi-{s.service}-relay")
        try:
            await asyncio.wait_for(fresh.start(), 10.0)
        except BaseException:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(fresh.stop(), 5.0)
            raise
        old, self.producer = self.producer, fresh
        self._producer_stale = False
        if self.relay is not None:
            self.relay.use_producer(fresh)
        if old is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(old.stop(), 5.0)

    async def _watch_kafka(self, every_s: float = 1.0) -> None:
        """While the log gate says Kafka is away, probe it; two answers in a row, a second apart, reopen
        the gate (a broker shutting down still answers one metadata request)."""
        answered = 0
        while True:
            await asyncio.sleep(every_s)
            if not KAFKA_LOG_GATE.down:
                answered = 0
                continue
            try:
                await asyncio.wait_for(self._ping_kafka(), 3.0)
            except Exception:
                answered = 0
                continue
            answered += 1
            if answered >= 2:
                KAFKA_LOG_GATE.reachable()
                answered = 0

    async def ping_postgres(self) -> None:
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")

    async def _ping_kafka(self) -> None:
        assert self.producer is not None
        await self.producer.client.fetch_all_metadata()


async def _bounded(step: Awaitable[object], what: str, timeout_s: float) -> bool:
    """One shutdown step within `timeout_s`; False (logged) when it failed or did not end in time."""
    try:
        await asyncio.wait_for(step, timeout_s)
        return True
    except Exception as exc:
        log.warning("shutdown step did not complete", extra={"step": what, "error": type(exc).__name__,
                                                             "timeout_s": timeout_s})
        return False


async def _check(probe: Awaitable[object]) -> dict[str, object]:
    try:
        await asyncio.wait_for(probe, 3.0)
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}


class Supervisor:
    """Runs a background loop for the process's life, restarting it with backoff when it fails
    (Kafka or PostgreSQL away for a while must not stop the relay for good). The backoff doubles
    per failure in a row up to `max_delay_s`, and starts again from `first_delay_s` once a restarted
    loop has run `healthy_after_s` without failing: a backoff that never reset left the relay
    waiting 30 s after every later outage, however short."""

    def __init__(self, name: str, *, first_delay_s: float = 0.25, max_delay_s: float = 1.0,
                 healthy_after_s: float = 2.0) -> None:
        self.name = name
        self.first_delay_s = first_delay_s
        self.max_delay_s = max_delay_s
        self.healthy_after_s = healthy_after_s
        self.delay_s = first_delay_s
        self.failures = 0
        self.in_backoff = False

    async def run(self, loop: Callable[[], Awaitable[None]]) -> None:
        while True:
            started = time.monotonic()
            try:
                await loop()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if time.monotonic() - started >= self.healthy_after_s:
                    self.failures, self.delay_s = 0, self.first_delay_s
                self.failures += 1
                if self.failures == 1:  # one line per outage, not per attempt
                    log.warning("background task failed; restarting", exc_info=exc,
                                extra={"task": self.name, "retry_in_s": self.delay_s})
                else:
                    log.debug("background task failed again", extra={"task": self.name, "error": repr(exc)[:200]})
                self.in_backoff = True
                await asyncio.sleep(self.delay_s)
                self.in_backoff = False
                self.delay_s = min(self.delay_s * 2, self.max_delay_s)
