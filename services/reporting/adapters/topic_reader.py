"""Reads topics from their start up to the offsets they had when the read began, decoded (and
upcast) by the shared codec, in batches: the source of a rebuild. No consumer group: it commits
nothing and takes no partitions from the live consumer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.events.codec import Decoder, PoisonEvent
from shared.events.envelope import Event

Partition = tuple[str, int]


class TopicReader:
    """Every partition of `topics` to its current end, or only `ends`' partitions up to those offsets."""

    def __init__(self, bootstrap_servers: str, topics: Sequence[str], event_types: Sequence[str], *,
                 batch: int = 1_000, ends: dict[Partition, int] | None = None) -> None:
        self._servers = bootstrap_servers
        self._topics = list(topics)
        self._decoder = Decoder(event_types)
        self._batch = batch
        self._ends = ends
        self.skipped = 0

    async def batches(self) -> AsyncIterator[list[Event]]:
        """Every handled event up to the end offsets read at the start; poison and unknown types skipped
        (the live consumer has dead-lettered the poison already)."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self._servers, enable_auto_commit=False,
                                    auto_offset_reset="earliest", max_partition_fetch_bytes=8 * 1024 * 1024,
                                    fetch_max_bytes=64 * 1024 * 1024)
        await consumer.start()
        try:
            if self._ends is not None:
                partitions = [TopicPartition(t, p) for t, p in self._ends]
                ends = {TopicPartition(t, p): end for (t, p), end in self._ends.items()}
            else:
                partitions = await all_partitions(consumer, self._topics)
                ends = await consumer.end_offsets(partitions)
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            pending = {tp for tp in partitions if ends[tp] > 0}
            while pending:
                records = await consumer.getmany(*pending, timeout_ms=1000, max_records=self._batch)
                events: list[Event] = []
                for tp, rows in records.items():
                    for record in rows:
                        if record.offset >= ends[tp]:
                            break
                        try:
                            _, event = self._decoder.decode(record.value)
                        except PoisonEvent:
                            event = None
                        if event is None:
                            self.skipped += 1
                        else:
                            events.append(event)
                    if await consumer.position(tp) >= ends[tp]:
                        pending.discard(tp)
                if events:
                    yield events
        finally:
            await consumer.stop()


async def all_partitions(consumer: AIOKafkaConsumer, topics: Sequence[str]) -> list[TopicPartition]:
    found = []
    for topic in topics:
        numbers = consumer.partitions_for_topic(topic)
        if not numbers:
            await consumer._client.force_metadata_update()  # noqa: SLF001 (metadata of a topic not yet seen)
            numbers = consumer.partitions_for_topic(topic) or set()
        found += [TopicPartition(topic, p) for p in sorted(numbers)]
    return found


async def end_offsets(bootstrap_servers: str, topics: Sequence[str]) -> dict[Partition, int]:
    """Where each partition of `topics` ends now: what a rebuild reads up to."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await all_partitions(consumer, topics)
        return {(tp.topic, tp.partition): end for tp, end in (await consumer.end_offsets(partitions)).items()}
    finally:
        await consumer.stop()
