"""Kafka plumbing: topic creation, the FastStream broker and its batch subscriber, consumer lag."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator, Sequence
from types import GenericAlias
from typing import Any, Union

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError, TopicAlreadyExistsError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.message import AckStatus
from opentelemetry.metrics import CallbackOptions, Observation
from pydantic import BaseModel, create_model

from shared.consumer import IdempotentConsumer
from shared.events.envelope import Envelope, EventPayload
from shared.telemetry import meter
from shared.topics import ALL_TOPICS, TopicSpec

log = logging.getLogger(__name__)


async def ensure_topics(bootstrap_servers: str, topics: Iterable[TopicSpec] = ALL_TOPICS) -> list[str]:
    """Create the missing topics; returns the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="percorsi-bootstrap")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in topics if t.name not in existing]
        if wanted:
            try:
                await admin.create_topics(
                    [NewTopic(t.name, t.partitions, 1, topic_configs={"retention.ms": str(t.retention_ms)})
                     for t in wanted]
                )
            except TopicAlreadyExistsError:
                pass
        return [t.name for t in wanted]
    finally:
        await admin.close()


def subscribe(
    broker: KafkaBroker,
    consumer: IdempotentConsumer,
    *,
    topics: Sequence[TopicSpec],
    group_id: str,
    max_records: int,
    consumes: Sequence[type[EventPayload]] = (),
    batch_timeout_ms: int = 20,
    fetch_min_bytes: int = 1,
    fetch_max_wait_ms: int = 500,
) -> object:
    """Register the service's batch subscriber: records reach `consumer` raw, so a poison one is
    dead-lettered instead of failing the batch; offsets commit only after the effects commit."""

    async def on_records(events: list[bytes] | None, msg: KafkaMessage) -> None:
        records = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
        await consumer.handle_records(records)
        await _commit_quietly(msg)

    if consumes:
        # The records are decoded by the consumer, not by FastStream (a poison record must not fail
        # the batch), so the body reaches the handler as None; the annotation documents, for the
        # AsyncAPI document, the envelopes this subscriber accepts.
        documented = GenericAlias(list, (consumed_envelope(group_id, consumes),)) | None
        on_records.__annotations__ = {"events": documented, "msg": KafkaMessage, "return": None}

    types = ", ".join(c.event_type for c in consumes) or "none"
    subscriber = broker.subscriber(
        *(t.name for t in topics),
        group_id=group_id,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=batch_timeout_ms,
        fetch_min_bytes=fetch_min_bytes,
        fetch_max_wait_ms=fetch_max_wait_ms,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=_raw_decoder,
        title=f"{group_id}:consume",
        description=f"Idempotent consumer of {types}; poison records go to the dead-letter topic.",
    )
    subscriber(on_records)
    return subscriber


async def _commit_quietly(msg: KafkaMessage) -> None:
    """Commit the batch's offsets here rather than in FastStream's acknowledgement, where a refused
    commit is a CRITICAL traceback. A commit refused after a rebalance (or while the broker is away)
    is expected: the batch's effects and tracking rows are already committed, so its records come
    again to whoever owns the partitions now and are deduplicated."""
    try:
        await msg.ack()
    except (CommitFailedError, IllegalStateError, KafkaError) as exc:
        msg.committed = AckStatus.ACKED  # nothing for FastStream to commit again
        log.info("offset commit refused (rebalance or broker away); the batch comes again, deduplicated",
                 extra={"error": type(exc).__name__})


async def _raw_decoder(_msg: KafkaMessage) -> None:
    return None


def consumed_envelope(group_id: str, consumes: Sequence[type[EventPayload]]) -> type[BaseModel]:
    """The envelope with the payloads `group_id` handles, as one schema for the AsyncAPI document."""
    payload: Any = Union[tuple(consumes)] if len(consumes) > 1 else consumes[0]  # noqa: UP007
    name = "".join(part.title() for part in group_id.replace("percorsi-", "").split("-")) + "ConsumedEvent"
    return create_model(name, __base__=Envelope, payload=(payload, ...))


class LagMonitor:
    """consumer.lag: records between the group's position and each partition's high watermark,
    sampled by `run` through aiokafka's public position/highwater calls."""

    def __init__(self, subscriber: object, group_id: str, interval_s: float = 5.0) -> None:
        self._subscriber = subscriber
        self._group = group_id
        self._interval_s = interval_s
        self.lag: dict[tuple[str, int], int] = {}
        meter(__name__).create_observable_gauge("consumer.lag", callbacks=[self._observe], unit="{record}")

    def _observe(self, _options: CallbackOptions) -> Iterator[Observation]:
        for (topic, partition), lag in self.lag.items():
            yield Observation(lag, {"group": self._group, "topic": topic, "partition": partition})

    async def sample(self) -> None:
        consumer = getattr(self._subscriber, "consumer", None)
        if consumer is None:
            return
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            if high is not None:
                self.lag[(tp.topic, tp.partition)] = max(0, high - await consumer.position(tp))

    async def run(self) -> None:
        while True:
            try:
                await self.sample()
            except Exception:  # lag is best-effort: never take the service down for it
                log.debug("lag sample failed", exc_info=True)
            await asyncio.sleep(self._interval_s)
