"""Group membership on the real broker: consumers join and leave while events flow, and each
event still has exactly one effect, applied in each person's order."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from shared.consumer import IdempotentConsumer
from shared.events.codec import encode, key_of
from shared.kafka import subscribe
from shared.topics import TopicSpec
from tests.integration.test_backbone import HANDLERS, probe_event
from tests.kafka_support import group_caught_up, new_topic
from tests.waiting import eventually

pytestmark = pytest.mark.integration


async def test_rebalances_lose_nothing_duplicate_nothing_and_keep_each_persons_order(real_servers, probe_db):
    _, pool = probe_db
    topic = await new_topic(real_servers.kafka, partitions=6)
    people = [uuid4() for _ in range(30)]
    events = [probe_event(people[i % 30]) for i in range(900)]
    group = f"probe-group-{topic}"

    def member() -> KafkaBroker:
        broker = KafkaBroker(real_servers.kafka)
        subscribe(broker, IdempotentConsumer(pool, HANDLERS, group=group), topics=[TopicSpec(topic)],
                  group_id=group, max_records=50)
        return broker

    producer = AIOKafkaProducer(bootstrap_servers=real_servers.kafka, enable_idempotence=True, acks="all")
    await producer.start()

    async def produce(chunk) -> None:
        await asyncio.gather(*[await producer.send(topic, value=encode(e), key=key_of(e)) for e in chunk])

    first, second = member(), member()
    try:
        await first.start()
        await produce(events[:300])
        await second.start()  # joins: the group rebalances while records flow
        await produce(events[300:600])
        await first.stop()  # leaves: its partitions move to the second member
        await produce(events[600:])
        async def all_applied() -> bool:
            return await pool.fetchval("SELECT count(*) FROM effects") >= 900

        await eventually(all_applied, what="every event applied", every_s=0.2)
        # Every record, redeliveries after the rebalance included, went through before the counts are read.
        await eventually(lambda: group_caught_up(real_servers.kafka, group, topic), what="group caught up")
    finally:
        await second.stop()
        await first.stop()
        await producer.stop()

    assert await pool.fetchval("SELECT count(*) FROM effects") == 900
    assert await pool.fetchval("SELECT max(applied) FROM effects") == 1
    applied = defaultdict(list)
    for row in await pool.fetch("SELECT event_id, beneficiary_id FROM effects ORDER BY applied_seq"):
        applied[row["beneficiary_id"]].append(row["event_id"])
    produced = defaultdict(list)
    for e in events:
        produced[e.beneficiary_id].append(e.event_id)
    assert applied == produced
