"""The relay's per-partition ordering and partial failures, against a fake producer and outbox."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.errors import KafkaTimeoutError
from aiokafka.partitioner import murmur2
from aiokafka.producer.message_accumulator import BatchBuilder

from shared.relay import OutboxRelay

pytestmark = pytest.mark.unit
TOPIC = "percorsi.probe.events"
PARTITIONS = 3
A, B = b"person-3", b"person-1"  # Kafka's default partitioner puts them on partitions 0 and 2
PA, PB = 0, 2
TWO_RECORDS = 220  # bytes: a real record batch of this size holds two of the rows below


class RecordingBatch(BatchBuilder):
    """aiokafka's own record batch, remembering the seq of each row it accepted."""

    def __init__(self) -> None:
        super().__init__(TWO_RECORDS, 0)
        self.seqs: list[int] = []

    def append(self, *, timestamp, key, value, headers=()):  # noqa: ANN001
        metadata = super().append(timestamp=timestamp, key=key, value=value, headers=headers)
        if metadata is not None:
            self.seqs.append(int(value[:3]))
        return metadata


class FakeProducer:
    """Hands out recording batches; each send_batch gets a delivery future the test settles, or
    that settles at once (failing for the (partition, n-th send) pairs in `fail`)."""

    def __init__(self, *, fail: set[tuple[int, int]] = frozenset(), settle: bool = True) -> None:
        self.fail, self.settle = fail, settle
        self.sent: list[tuple[int, list[int], asyncio.Future]] = []

    def create_batch(self) -> RecordingBatch:
        return RecordingBatch()

    async def partitions_for(self, topic: str) -> set[int]:
        return set(range(PARTITIONS))

    async def send_batch(self, batch: RecordingBatch, topic: str, *, partition: int) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        nth = len(self.batches_to(partition))
        self.sent.append((partition, batch.seqs, future))
        if (partition, nth) in self.fail:
            future.set_exception(KafkaTimeoutError(f"batch {nth} of partition {partition}"))
        elif self.settle:
            future.set_result(None)
        return future

    def batches_to(self, partition: int) -> list[list[int]]:
        return [seqs for p, seqs, _ in self.sent if p == partition]


class FakeOutbox:
    """The outbox table, answering only the statements publish_batch runs."""

    def __init__(self, keys: list[bytes]) -> None:
        self.rows = [{"seq": seq, "topic": TOPIC, "key": key, "value": b"%03d" % seq + b"." * 40,
                      "headers": {"event_type": "probe"}, "sent": False, "failed": False}
                     for seq, key in enumerate(keys, start=1)]

    def sent(self) -> list[int]:
        return [r["seq"] for r in self.rows if r["sent"]]

    async def fetch(self, sql: str, limit: int) -> list[dict]:
        assert "WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY seq LIMIT $1" in sql, sql
        return [r for r in self.rows if not r["sent"] and not r["failed"]][:limit]

    async def execute(self, sql: str, seqs: list[int], *_: object) -> None:
        column = {"sent_at": "sent", "failed_at": "failed"}[sql.removeprefix("UPDATE outbox SET ").split()[0]]
        for row in self.rows:
            row[column] = row[column] or row["seq"] in seqs

    async def fetchval(self, sql: str) -> int:
        assert sql == "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL", sql
        return sum(not r["sent"] and not r["failed"] for r in self.rows)


def relay(producer: FakeProducer) -> OutboxRelay:
    return OutboxRelay(None, producer, service="probe", batch_size=100)  # publish_batch uses no pool


def test_the_fixture_keys_land_where_the_tests_say():
    assert [(murmur2(k) & 0x7FFFFFFF) % PARTITIONS for k in (A, B)] == [PA, PB]


@pytest.mark.parametrize("failing", [0, 1])
async def test_a_failed_batch_marks_only_what_was_delivered_and_is_never_overtaken_in_its_partition(failing):
    outbox = FakeOutbox([A, B, A, B, A, B, A, B, A, A])
    a_batches, b_batches = [[1, 3], [5, 7], [9, 10]], [[2, 4], [6, 8]]
    producer = FakeProducer(fail={(PA, failing)})

    with pytest.raises(KafkaTimeoutError, match=f"batch {failing} of partition {PA}"):
        await relay(producer).publish_batch(outbox)

    assert producer.batches_to(PB) == b_batches  # the other partition went on
    assert producer.batches_to(PA) == a_batches[:failing + 1]  # none after the failed one
    delivered_of_a = [seq for batch in a_batches[:failing] for seq in batch]
    assert outbox.sent() == sorted(delivered_of_a + [2, 4, 6, 8])

    retry, unsent = FakeProducer(), 10 - len(outbox.sent())
    assert await relay(retry).publish_batch(outbox) == unsent
    assert retry.batches_to(PA) == a_batches[failing:]  # the rest of A, from the failed batch, in seq order
    assert retry.batches_to(PB) == []
    assert outbox.sent() == list(range(1, 11))


async def test_a_partitions_next_batch_waits_for_the_previous_ones_delivery():
    outbox = FakeOutbox([A, A, A, A, A, A])
    producer = FakeProducer(settle=False)
    publishing = asyncio.create_task(relay(producer).publish_batch(outbox))

    async def sent_to_a_once_idle() -> list[list[int]]:
        for _ in range(20):
            await asyncio.sleep(0)
        return producer.batches_to(PA)

    assert await sent_to_a_once_idle() == [[1, 2]]
    producer.sent[-1][2].set_result(None)
    assert await sent_to_a_once_idle() == [[1, 2], [3, 4]]
    assert outbox.sent() == []
    producer.sent[-1][2].set_result(None)
    assert await sent_to_a_once_idle() == [[1, 2], [3, 4], [5, 6]]
    producer.sent[-1][2].set_result(None)
    assert await publishing == 6
    assert outbox.sent() == [1, 2, 3, 4, 5, 6]
