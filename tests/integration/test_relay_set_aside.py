"""A row Kafka would refuse, on the real servers: set aside with the reason, the rest relayed in order."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from uuid import uuid4

import pytest

from shared import outbox
from shared.events.codec import key_of
from shared.relay import OutboxRelay, idempotent_producer
from tests.integration.intake_support import running_intake
from tests.integration.test_backbone import first_occurrence_order, outbox_order, probe_event, write
from tests.kafka_support import new_topic, read_all
from tests.waiting import eventually

pytestmark = pytest.mark.integration
LIMIT = 2000  # bytes of key, value and headers; a probe event is well under it


async def claimed_all(pool) -> None:
    async def drained() -> bool:
        return await pool.fetchval("SELECT count(*) FROM outbox_pending") == 0

    await eventually(drained, what="relay worked through the outbox", every_s=0.05)


async def test_a_row_too_large_is_set_aside_and_every_other_row_is_published_in_order(
    real_servers, probe_db, caplog
):
    _, pool = probe_db
    topic = await new_topic(real_servers.kafka)
    people = [uuid4() for _ in range(3)]
    await write(pool, topic, [probe_event(people[i % 3]) for i in range(7)])
    too_large = probe_event(people[0])
    record = outbox.record_for(too_large, topic)
    async with pool.acquire() as conn:
        await outbox.add(conn, [replace(record, value=record.value + b" " * LIMIT)])  # still the same JSON
    await write(pool, topic, [probe_event(people[i % 3]) for i in range(7)])  # after it, its person's too

    producer = idempotent_producer(real_servers.kafka, "test-relay")
    await producer.start()
    relay = OutboxRelay(pool, producer, service="probe", batch_size=5, idle_poll_s=0.1, max_record_bytes=LIMIT)
    task = asyncio.create_task(relay.run())
    try:
        with caplog.at_level(logging.ERROR, logger="shared.relay"):
            await claimed_all(pool)
            later = [probe_event(people[0]), probe_event(uuid4())]
            await write(pool, topic, later)  # the relay goes on after setting a row aside
            await claimed_all(pool)
        assert not task.done()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await producer.stop()

    set_aside = await pool.fetchrow("SELECT seq, failed_at, failure FROM outbox WHERE event_id = $1",
                                    too_large.event_id)
    assert set_aside["failed_at"] is not None
    assert set_aside["failure"] == f"record larger than {LIMIT} bytes, the most Kafka accepts"
    logged = [r for r in caplog.records if r.getMessage() == "outbox row set aside, not published"]
    assert [(r.seq, r.topic, r.reason) for r in logged] == [(set_aside["seq"], topic, set_aside["failure"])]

    expected = await outbox_order(pool)
    expected[key_of(too_large)].remove(too_large.event_id)
    records = await read_all(real_servers.kafka, topic, at_least=7 + 7 + len(later))
    assert len(records) == 7 + 7 + len(later)
    assert first_occurrence_order(records) == expected  # every other row, in seq order per person


async def test_health_counts_the_set_aside_rows(real_servers, topics):
    async with running_intake(real_servers, "it_health") as intake:
        assert (await intake.client.get("/health")).json()["outbox_set_aside"] == 0
        await intake.pool.execute(
            "INSERT INTO outbox (event_id, topic, key, value, failed_at, failure) "
            "VALUES ($1, 'percorsi.intake.events', 'k', 'v', now(), 'too large')", uuid4())
        body = (await intake.client.get("/health")).json()
        assert (body["status"], body["outbox_set_aside"]) == ("ok", 1)
        async with intake.pool.acquire() as conn, conn.transaction():
            await conn.execute("SET LOCAL enable_seqscan = off")  # a table this small is scanned anyway
            plan = await conn.fetchval("EXPLAIN (FORMAT JSON) SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL")
        assert "outbox_failed" in str(plan)  # an index of the failed rows alone can answer the count
