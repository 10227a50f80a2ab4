"""Reading topics from the start, for assertions about what really reached Kafka."""

from __future__ import annotations

import asyncio
import time
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import ConsumerRecord

from tests.waiting import PATIENCE_S


async def new_topic(bootstrap: str, partitions: int = 3) -> str:
    name = f"test.{uuid4().hex[:12]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()
    return name


async def read_all(bootstrap: str, topic: str, *, at_least: int = 0,
                   timeout_s: float = PATIENCE_S) -> list[ConsumerRecord]:
    """Every record of `topic` from the beginning to its current end, once there are `at_least`
    (the deadline only guards against a hang: fewer records then fail the caller's assertion)."""
    deadline = time.monotonic() + timeout_s
    while True:
        records = await _read_to_end(bootstrap, topic)
        if len(records) >= at_least or time.monotonic() > deadline:
            return records
        await asyncio.sleep(0.2)


async def _read_to_end(bootstrap: str, topic: str) -> list[ConsumerRecord]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        return await _drain(consumer, await _partitions(consumer, topic))
    finally:
        await consumer.stop()


async def group_caught_up(bootstrap: str, group: str, topic: str) -> bool:
    """Whether `group` has committed, on every partition of `topic`, the partition's end offset:
    every record there now, duplicates included, went through the group's consumer."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await consumer.start()
    await admin.start()
    try:
        partitions = await _partitions(consumer, topic)
        ends = await consumer.end_offsets(partitions)
        committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
        return all((committed[tp].offset if tp in committed else 0) >= ends[tp] for tp in partitions)
    finally:
        await admin.close()
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    metadata = await consumer._client.fetch_all_metadata()
    return [TopicPartition(topic, p) for p in sorted(metadata.partitions_for_topic(topic) or ())]


async def read_every_topic(bootstrap: str) -> list[ConsumerRecord]:
    """Every record of every topic on the broker (the platform's, the tests' own, Kafka's internal
    ones), each from its beginning to its current end."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = await admin.list_topics()
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        return await _drain(consumer, [tp for topic in sorted(topics) for tp in await _partitions(consumer, topic)])
    finally:
        await consumer.stop()


async def _drain(consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> list[ConsumerRecord]:
    if not partitions:
        return []
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    end = await consumer.end_offsets(partitions)
    out: list[ConsumerRecord] = []
    while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
        batch = await consumer.getmany(timeout_ms=500)
        for records in batch.values():
            out.extend(records)
    return out
