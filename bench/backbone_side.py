"""One side of a backbone benchmark, in a process of its own; talks JSON lines on stdout.

    python -m bench.backbone_side pipeline|raw produce|consume TOPIC DSN EVENTS"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Sequence
from datetime import date
from uuid import uuid4

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaBroker

from shared import outbox
from shared.consumer import Batched, IdempotentConsumer
from shared.db import create_pool
from shared.events.codec import encode, envelope_for, key_of
from shared.events.contracts import HousingCandidateWaiting
from shared.heap import settle_after_startup
from shared.kafka import subscribe
from shared.relay import OutboxRelay, idempotent_producer
from shared.settings import PlatformSettings, ServiceSettings
from shared.telemetry import setup_telemetry
from shared.topics import TopicSpec

WRITE_BATCH = 100  # events per outbox transaction
WRITERS = 4


def say(**message: object) -> None:
    print(json.dumps(message), flush=True)


def events(n: int) -> list:
    people = [uuid4() for _ in range(500)]
    return [
        envelope_for(HousingCandidateWaiting(since=date(2026, 1, 1)), beneficiary_id=people[i % 500],
                     organisation_id="org-bench", producer="bench")
        for i in range(n)
    ]


async def apply_effects(uow, batch) -> None:
    await uow.connection.execute(
        "INSERT INTO effects (event_id, beneficiary_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])",
        [e.event_id for e in batch], [e.beneficiary_id for e in batch],
    )


async def pipeline_produce(bootstrap: str, topic: str, dsn: str, n: int) -> None:
    pool = await create_pool(dsn, min_size=WRITERS + 1, max_size=WRITERS + 2)
    producer = idempotent_producer(bootstrap, "bench-relay")
    await producer.start()
    relay = OutboxRelay(pool, producer, service="bench", batch_size=1000)
    task = asyncio.create_task(relay.run())
    settle_after_startup()  # as the services do once started; every side, the raw loop's too
    todo = events(n)
    say(started=time.time())
    chunks = [todo[i:i + WRITE_BATCH] for i in range(0, n, WRITE_BATCH)]

    async def writer(mine) -> None:
        for chunk in mine:
            async with pool.acquire() as conn, conn.transaction():
                await outbox.add_events(conn, topic, chunk)

    await asyncio.gather(*(writer(chunks[w::WRITERS]) for w in range(WRITERS)))
    # Until the relay's cursor reaches the last row: two index lookups, not a count, so the wait
    # takes no database time from the pipeline it measures.
    while await pool.fetchval("SELECT (SELECT published_seq FROM outbox_relay) < "
                              "(SELECT coalesce(max(seq), 0) FROM outbox)"):
        await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await producer.stop()
    await pool.close()


class _CountingConsumer(IdempotentConsumer):
    """The idempotent consumer, counting records once their batch's transaction has committed."""

    def __init__(self, pool: asyncpg.Pool, n: int) -> None:
        super().__init__(pool, {HousingCandidateWaiting.event_type: Batched(apply_effects)}, group="bench")
        self.finished = asyncio.Event()
        self._n, self._committed = n, 0

    async def handle_records(self, records: Sequence[ConsumerRecord]) -> None:
        await super().handle_records(records)
        self._committed += len(records)
        if self._committed >= self._n:
            self.finished.set()


async def pipeline_consume(bootstrap: str, topic: str, dsn: str, n: int) -> None:
    pool = await create_pool(dsn, min_size=2, max_size=4)
    broker = KafkaBroker(bootstrap, logger=None)
    consumer = _CountingConsumer(pool, n)
    finished = consumer.finished
    service = ServiceSettings()  # the consumer settings every service runs with
    subscriber = subscribe(
        broker, consumer, topics=[TopicSpec(topic)], group_id=f"bench-{topic}",
        max_records=service.consumer_max_records,
        batch_timeout_ms=service.consumer_batch_timeout_ms, fetch_min_bytes=service.consumer_fetch_min_bytes,
        fetch_max_wait_ms=service.consumer_fetch_max_wait_ms,
    )
    await broker.start()
    await _await_assignment(subscriber)
    settle_after_startup()
    say(ready=True)
    await finished.wait()
    say(finished=time.time())
    await broker.stop()
    async with pool.acquire() as conn:  # the effects really are there, once each
        applied = await conn.fetchval("SELECT count(*) FROM processed_events WHERE topic = $1", topic)
    if applied != n:
        raise SystemExit(f"{applied} events tracked, expected {n}")
    await pool.close()


async def raw_produce(bootstrap: str, topic: str, _dsn: str, n: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all",
                                linger_ms=5, max_batch_size=256 * 1024)
    await producer.start()
    settle_after_startup()
    todo = events(n)
    say(started=time.time())  # from the same envelopes as the pipeline: serialising them is in both clocks
    futures = [await producer.send(topic, value=encode(e), key=key_of(e)) for e in todo]
    await asyncio.gather(*futures)
    await producer.stop()


async def raw_consume(bootstrap: str, topic: str, _dsn: str, n: int) -> None:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=f"raw-{topic}",
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    while not consumer.assignment():
        await consumer.getmany(timeout_ms=100)
    settle_after_startup()
    say(ready=True)
    seen = 0
    while seen < n:
        batch = await consumer.getmany(timeout_ms=200, max_records=1000)
        seen += sum(len(v) for v in batch.values())
        if batch:
            await consumer.commit()
    say(finished=time.time())
    await consumer.stop()


async def _await_assignment(subscriber) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        consumer = getattr(subscriber, "consumer", None)
        if consumer is not None and consumer.assignment():
            return
        await asyncio.sleep(0.05)
    raise RuntimeError("consumer got no partitions")


SIDES = {
    ("pipeline", "produce"): pipeline_produce, ("pipeline", "consume"): pipeline_consume,
    ("raw", "produce"): raw_produce, ("raw", "consume"): raw_consume,
}

if __name__ == "__main__":
    mode, role, topic, dsn, n = sys.argv[1:6]
    setup_telemetry(f"bench-{role}", None)  # the services' telemetry, as `make run` configures it
    asyncio.run(SIDES[(mode, role)](PlatformSettings().kafka_bootstrap_servers, topic, dsn, int(n)))
