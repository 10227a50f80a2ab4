"""Reads topics from their start up to the offsets they had when the read began, decoded (and
upcast) by the shared codec, in batches: the source of a rebuild. No consumer group: it commits
nothing and takes no partitions from the live consumer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.events.codec import Decoder, PoisonEvent
from shared.events.envelope import Event


class TopicReader:
    def __init__(self, bootstrap_servers: str, topics: Sequence[str], event_types: Sequence[str], *,
                 batch: int = 20_000) -> None:
        self._servers = bootstrap_servers
        self._topics = list(topics)
        self._decoder = Decoder(event_types)
        self._batch = batch
        self.skipped = 0

    async def batches(self) -> AsyncIterator[list[Event]]:
        """Every handled event up to the end offsets read at the start; poison and unknown types skipped
        (the live consumer has dead-lettered the poison already)."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self._servers, enable_auto_commit=False,
                                    auto_offset_reset="earliest", max_partition_fetch_bytes=8 * 1024 * 1024,
                                    fetch_max_bytes=64 * 1024 * 1024)
        await consumer.start()
        try:
            partitions = [TopicPartition(t, p) for t in self._topics
                          for p in sorted(consumer.partitions_for_topic(t) or await _partitions(consumer, t))]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
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


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # noqa: SLF001 (metadata of a topic not yet seen)
    return consumer.partitions_for_topic(topic) or set()
