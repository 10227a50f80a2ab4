"""The event backbone on the real servers: outbox → relay → Kafka → idempotent consumer."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from uuid import UUID, uuid4

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import murmur2
from faststream.kafka import KafkaBroker

from shared import outbox
from shared.consumer import IdempotentConsumer
from shared.events.codec import encode, envelope_for, key_of
from shared.events.contracts import HousingCandidateWaiting
from shared.events.envelope import Envelope, Event
from shared.kafka import subscribe
from shared.relay import OutboxRelay, idempotent_producer
from shared.topics import DEAD_LETTER, TopicSpec
from tests.kafka_support import group_caught_up, new_topic, read_all
from tests.waiting import eventually

pytestmark = pytest.mark.integration
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def probe_event(beneficiary_id: UUID) -> Envelope:
    return envelope_for(
        HousingCandidateWaiting(since=date(2026, 1, 1)), beneficiary_id=beneficiary_id,
        organisation_id="org-test", producer="probe",
    )


async def apply_effect(uow, event: Event) -> None:
    await uow.connection.execute(
        "INSERT INTO effects (event_id, beneficiary_id) VALUES ($1, $2) "
        "ON CONFLICT (event_id) DO UPDATE SET applied = effects.applied + 1",
        event.event_id, event.beneficiary_id,
    )


HANDLERS = {HousingCandidateWaiting.event_type: apply_effect}


class RolledBack(Exception):
    pass


async def write(pool, topic: str, envelopes: list[Envelope], *, hold_s: float = 0.0, roll_back: bool = False) -> None:
    with contextlib.suppress(RolledBack):
        async with pool.acquire() as conn, conn.transaction():
            # As the services do: writers of one beneficiary serialise, so seq order is commit order per key.
            for key in sorted({str(e.beneficiary_id) for e in envelopes}):
                await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)
            await outbox.add_events(conn, topic, envelopes)
            if hold_s:
                await asyncio.sleep(hold_s)  # commit late, after rows with higher seq have committed
            if roll_back:  # its seqs stay missing for good
                raise RolledBack


async def outbox_order(pool) -> dict[bytes, list[UUID]]:
    order: dict[bytes, list[UUID]] = defaultdict(list)
    async with pool.acquire() as conn:
        for row in await conn.fetch("SELECT key, event_id FROM outbox ORDER BY seq"):
            order[bytes(row["key"])].append(row["event_id"])
    return order


def first_occurrence_order(records) -> dict[bytes, list[UUID]]:
    order: dict[bytes, list[UUID]] = defaultdict(list)
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        event_id = Envelope.model_validate_json(r.value).event_id
        if event_id not in order[r.key]:
            order[r.key].append(event_id)
    return order


async def outbox_drained(pool) -> bool:
    return await pool.fetchval("SELECT count(*) FROM outbox_pending") == 0


async def relay_until_empty(pool, bootstrap: str) -> None:
    producer = idempotent_producer(bootstrap, "test-relay")
    await producer.start()
    try:
        task = asyncio.create_task(OutboxRelay(pool, producer, service="probe", batch_size=200).run())
        await eventually(lambda: outbox_drained(pool), what="relay drained the outbox", every_s=0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    finally:
        await producer.stop()


async def test_relay_publishes_every_committed_row_in_order_per_key_under_concurrent_writers(
    real_servers, probe_db
):
    _, pool = probe_db
    topic = await new_topic(real_servers.kafka)
    people = [uuid4() for _ in range(12)]
    rng = random.Random(7)

    async def writer() -> None:
        for _ in range(25):
            envelopes = [probe_event(rng.choice(people)) for _ in range(rng.randint(1, 3))]
            await write(pool, topic, envelopes, hold_s=rng.choice([0, 0, 0.01]), roll_back=rng.random() < 0.15)

    producer = idempotent_producer(real_servers.kafka, "test-relay")
    await producer.start()
    relay_task = asyncio.create_task(OutboxRelay(pool, producer, service="probe", batch_size=50).run())
    try:
        await asyncio.gather(*(writer() for _ in range(8)))  # the relay runs while they commit
        await eventually(lambda: outbox_drained(pool), what="relay drained the outbox", every_s=0.05)
    finally:
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
        await producer.stop()

    expected = await outbox_order(pool)
    total = sum(len(v) for v in expected.values())
    records = await read_all(real_servers.kafka, topic, at_least=total)
    assert len(records) == total  # nothing skipped, nothing published twice
    assert first_occurrence_order(records) == expected
    partitions_of_key = defaultdict(set)
    for r in records:
        partitions_of_key[r.key].add(r.partition)
    # Each person on one partition, the one Kafka's default partitioner picks for the key.
    assert {k: p for k, p in partitions_of_key.items()} == {k: {(murmur2(k) & 0x7FFFFFFF) % 3} for k in expected}


async def test_relay_killed_after_publishing_and_before_marking_loses_and_reorders_nothing(
    real_servers, probe_db
):
    dsn, pool = probe_db
    topic = await new_topic(real_servers.kafka)
    people = [uuid4() for _ in range(40)]
    for i in range(0, 600, 20):  # 600 events committed before any relay runs
        await write(pool, topic, [probe_event(people[(i + j) % 40]) for j in range(20)])

    cmd = [sys.executable, "-m", "shared.relay", "--dsn", dsn, "--bootstrap", real_servers.kafka,
           "--batch-size", "50"]
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT}/services", "PERCORSI_FAILPOINT": "relay.after_publish:3"}
    crashed = subprocess.run(cmd, env=env, cwd=ROOT, timeout=150, capture_output=True)
    assert crashed.returncode == -9, crashed.stderr.decode()[-2000:]
    unsent = await pool.fetchval("SELECT count(*) FROM outbox_pending")
    assert unsent == 600 - 2 * 50  # batches 1-2 marked; batch 3 published but never marked

    env.pop("PERCORSI_FAILPOINT")
    restarted = subprocess.Popen(cmd, env=env, cwd=ROOT)
    try:
        await eventually(lambda: outbox_drained(pool), what="restarted relay drained the outbox")
    finally:
        restarted.terminate()
        restarted.wait(10)

    records = await read_all(real_servers.kafka, topic, at_least=650)
    assert len(records) == 650  # batch 3 went out twice: at-least-once, never lost
    assert first_occurrence_order(records) == await outbox_order(pool)

    consumer = IdempotentConsumer(pool, HANDLERS, group="probe")
    await consumer.handle_records(sorted(records, key=lambda r: (r.partition, r.offset)))
    assert await pool.fetchval("SELECT count(*) FROM effects") == 600
    assert await pool.fetchval("SELECT max(applied) FROM effects") == 1


async def _produce(bootstrap: str, topic: str, items: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for key, value in items:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


async def _consume_until(real_servers, pool, topic: str, condition, *, handlers=HANDLERS):
    """Consume `topic` and relay the probe's outbox until `condition` holds and every row the
    consumer wrote to the outbox (its dead letters) is published: the relay stopped before that
    once, and the test's read of the dead-letter topic waited for a record nobody would send."""
    broker = KafkaBroker(real_servers.kafka)
    consumer = IdempotentConsumer(pool, handlers, group=f"probe-{topic}", retries=1)
    subscribe(broker, consumer, topics=[TopicSpec(topic)], group_id=f"probe-{topic}", max_records=100)
    producer = idempotent_producer(real_servers.kafka, "test-relay")
    await broker.start()
    await producer.start()
    relay = asyncio.create_task(OutboxRelay(pool, producer, service="probe", idle_poll_s=0.1).run())
    try:
        await eventually(condition, what="condition")
        await eventually(lambda: outbox_drained(pool), what="dead letters published", every_s=0.05)
    finally:
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
        await broker.stop()
        await producer.stop()


async def test_event_delivered_twice_has_one_effect(real_servers, probe_db):
    _, pool = probe_db
    topic = await new_topic(real_servers.kafka)
    first, second = probe_event(uuid4()), probe_event(uuid4())

    async def every_record_consumed() -> bool:  # duplicates included, on every partition
        return await group_caught_up(real_servers.kafka, f"probe-{topic}", topic)

    async def effects() -> tuple[int, int]:
        row = await pool.fetchrow("SELECT count(*) AS n, coalesce(sum(applied), 0) AS applied FROM effects")
        return row["n"], row["applied"]

    await _produce(real_servers.kafka, topic, [(key_of(first), encode(first)), (key_of(first), encode(first)),
                                               (key_of(second), encode(second))])
    await _consume_until(real_servers, pool, topic, every_record_consumed)
    assert await effects() == (2, 2)  # the copy in the same batch acted once

    await _produce(real_servers.kafka, topic, [(key_of(first), encode(first))])  # a third delivery, later
    await _consume_until(real_servers, pool, topic, every_record_consumed)
    assert await effects() == (2, 2)  # and so did the copy in a later batch
    assert await pool.fetchval("SELECT applied FROM effects WHERE event_id = $1", first.event_id) == 1


async def _dead_letters_from(real_servers, topic: str, at_least: int):
    async def mine():
        records = await read_all(real_servers.kafka, DEAD_LETTER.name)
        found = [r for r in records if dict(r.headers).get("dlq.source_topic") == topic.encode()]
        return found if len(found) >= at_least else None

    return await eventually(mine, what=f"{at_least} dead letter(s) from {topic}", every_s=0.2)


async def test_undecodable_record_goes_to_dead_letter_and_the_next_one_is_handled(real_servers, probe_db):
    _, pool = probe_db
    topic = await new_topic(real_servers.kafka, partitions=1)
    good = probe_event(uuid4())
    await _produce(real_servers.kafka, topic, [(b"k", b"\x00not json at all"), (key_of(good), encode(good))])

    async def good_applied() -> bool:
        return await pool.fetchval("SELECT count(*) FROM effects WHERE event_id = $1", good.event_id) == 1

    await _consume_until(real_servers, pool, topic, good_applied)
    dead = await _dead_letters_from(real_servers, topic, at_least=1)
    assert len(dead) == 1
    headers = dict(dead[0].headers)
    assert headers["dlq.source_partition"] == b"0"
    assert headers["dlq.source_offset"] == b"0"
    assert headers["dlq.reason"].startswith(b"invalid envelope")
    assert dead[0].value == b"\x00not json at all"


async def test_failing_handler_is_retried_then_dead_lettered_and_the_batch_goes_on(real_servers, probe_db):
    _, pool = probe_db
    topic = await new_topic(real_servers.kafka, partitions=1)
    bad, good = probe_event(uuid4()), probe_event(uuid4())
    attempts = []

    async def fragile(uow, event: Event) -> None:
        if event.event_id == bad.event_id:
            attempts.append(event.event_id)
            raise RuntimeError("cannot apply this one")
        await apply_effect(uow, event)

    await _produce(real_servers.kafka, topic, [(key_of(bad), encode(bad)), (key_of(good), encode(good))])

    async def good_applied() -> bool:
        return await pool.fetchval("SELECT count(*) FROM effects WHERE event_id = $1", good.event_id) == 1

    await _consume_until(real_servers, pool, topic, good_applied,
                         handlers={HousingCandidateWaiting.event_type: fragile})
    dead = await _dead_letters_from(real_servers, topic, at_least=1)
    assert [dict(r.headers)["dlq.reason"] for r in dead] == [
        b"handler failed after 2 attempts: RuntimeError: cannot apply this one"
    ]
    assert len(attempts) == 3  # once in the batch, then two isolated attempts
    outcome = await pool.fetchval("SELECT outcome FROM processed_events WHERE event_id = $1", bad.event_id)
    assert outcome == "dead_lettered"


async def test_relay_forgets_published_rows_after_the_retention_and_never_unsent_ones(real_servers, probe_db):
    _, pool = probe_db
    topic = await new_topic(real_servers.kafka)
    await write(pool, topic, [probe_event(uuid4()) for _ in range(20)])
    producer = idempotent_producer(real_servers.kafka, "test-relay")
    await producer.start()
    relay = OutboxRelay(pool, producer, service="probe", idle_poll_s=0.1, keep_sent_s=0)
    task = asyncio.create_task(relay.run())
    try:
        async def pruned() -> bool:
            return await pool.fetchval("SELECT count(*) FROM outbox") == 0

        await eventually(pruned, what="published rows pruned", every_s=0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await producer.stop()
    assert len(await read_all(real_servers.kafka, topic, at_least=20)) == 20
    unsent = probe_event(uuid4())
    await write(pool, topic, [unsent])
    async with pool.acquire() as conn:
        await relay._prune(conn)  # within the minute: no second prune, and never an unsent row
        relay._next_prune = 0
        await relay._prune(conn)
    assert await pool.fetchval("SELECT event_id FROM outbox_pending") == unsent.event_id


async def test_a_commit_wakes_the_relay_also_when_its_events_ride_in_the_command_statement(real_servers, probe_db):
    """The outbox's trigger notifies the relay: with its idle poll at ten minutes, rows added on their own
    and rows inserted as a CTE of another statement both leave long before it (within a minute even
    on a loaded machine; in milliseconds on an idle one)."""
    _, pool = probe_db
    topic = await new_topic(real_servers.kafka)
    producer = idempotent_producer(real_servers.kafka, "test-relay")
    await producer.start()
    relay = asyncio.create_task(OutboxRelay(pool, producer, service="probe", idle_poll_s=600).run())

    async def sent_within(event_id: UUID, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if await pool.fetchval("SELECT NOT EXISTS (SELECT 1 FROM outbox_pending WHERE event_id = $1)", event_id):
                return True
            await asyncio.sleep(0.05)
        return False

    try:
        await asyncio.sleep(1.0)  # the relay has found the outbox empty and sleeps on its minute-long poll
        alone = probe_event(uuid4())
        await write(pool, topic, [alone])
        assert await sent_within(alone.event_id, 60)

        await asyncio.sleep(0.5)
        riding = probe_event(uuid4())
        cte, args = outbox.insert_cte([outbox.record_for(riding, topic)], first_param=3)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(f"WITH {cte} INSERT INTO effects (event_id, beneficiary_id) VALUES ($1, $2)",
                               riding.event_id, riding.beneficiary_id, *args)
        assert await sent_within(riding.event_id, 60)
        published = {Envelope.model_validate_json(r.value).event_id for r in await read_all(real_servers.kafka, topic)}
        assert {alone.event_id, riding.event_id} <= published
    finally:
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
        await producer.stop()


async def test_a_row_committed_after_later_seqs_is_never_skipped_and_a_rolled_back_one_holds_nothing_up(
    real_servers, probe_db
):
    """The relay's cursor passes a missing seq only once no running transaction can still commit it:
    rows behind it wait for it, and go as soon as it commits or rolls back (a rollback notifies no
    one, so the relay polls soon while rows wait behind a gap)."""
    _, pool = probe_db
    topic = await new_topic(real_servers.kafka)
    producer = idempotent_producer(real_servers.kafka, "test-relay")
    await producer.start()
    relay = asyncio.create_task(OutboxRelay(pool, producer, service="probe", idle_poll_s=600).run())

    async def pending() -> set[UUID]:
        return {r["event_id"] for r in await pool.fetch("SELECT event_id FROM outbox_pending")}

    async def drained_within(seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while await pending():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    try:
        for outcome in ("commit", "rollback"):
            early, later = probe_event(uuid4()), probe_event(uuid4())
            async with pool.acquire() as conn:
                slow = conn.transaction()
                await slow.start()
                await outbox.add_events(conn, topic, [early])  # takes its seq, commits last
                await write(pool, topic, [later])
                await asyncio.sleep(1.0)
                assert await pending() == {later.event_id}  # waits behind the seq that may still commit
                await (slow.commit() if outcome == "commit" else slow.rollback())
            assert await drained_within(60), outcome
        published = [Envelope.model_validate_json(r.value).event_id for r in await read_all(real_servers.kafka, topic)]
        assert len(published) == 3 and early.event_id not in published
    finally:
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
        await producer.stop()


async def test_a_transaction_has_its_id_before_it_takes_an_outbox_seq(probe_db):
    """What lets the relay settle a gap (shared/relay.py, SettledGaps): a seq's holder had its
    transaction id before the seq. A trigger that runs after the row's defaults and before the
    insert itself (which would assign the id anyway) sees whether the id is already there."""
    _, pool = probe_db
    admin = await asyncpg.connect(probe_db.admin_dsn)  # the test's own trigger: DDL the service role may not do
    try:
        await admin.execute("""
            CREATE FUNCTION outbox_id_seen() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.failure := coalesce(pg_current_xact_id_if_assigned()::text, 'no id yet'); RETURN NEW; END $$;
            CREATE TRIGGER outbox_id_seen BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_id_seen();
        """)
    finally:
        await admin.close()
    async with pool.acquire() as conn:
        for _ in range(40):  # nextval takes an id itself only when it WAL-logs, one call in 32
            async with conn.transaction():  # a fresh transaction, nothing written before the outbox row
                await outbox.add_events(conn, "probe.topic", [probe_event(uuid4())])
        seen = [row["failure"] for row in await conn.fetch("SELECT failure FROM outbox ORDER BY seq")]
        assert len(seen) == 40 and "no id yet" not in seen
