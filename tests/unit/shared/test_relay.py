"""The relay's per-partition ordering and partial failures, against a fake producer and outbox."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.errors import KafkaTimeoutError
from aiokafka.partitioner import murmur2
from aiokafka.producer.message_accumulator import BatchBuilder

from shared.relay import OutboxRelay, SettledGaps, passable

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
        self.handed_open = 0  # batches handed over still open: aiokafka would hold them for its linger

    def create_batch(self) -> RecordingBatch:
        return RecordingBatch()

    async def partitions_for(self, topic: str) -> set[int]:
        return set(range(PARTITIONS))

    async def send_batch(self, batch: RecordingBatch, topic: str, *, partition: int) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        nth = len(self.batches_to(partition))
        self.sent.append((partition, batch.seqs, future))
        self.handed_open += not batch.closed()
        if (partition, nth) in self.fail:
            future.set_exception(KafkaTimeoutError(f"batch {nth} of partition {partition}"))
        elif self.settle:
            future.set_result(None)
        return future

    def batches_to(self, partition: int) -> list[list[int]]:
        return [seqs for p, seqs, _ in self.sent if p == partition]


class FakeOutbox:
    """The outbox table and the relay's cursor, answering only the statements publish_batch runs.
    `hidden` seqs are taken but not committed (yet, or ever), by the `running` transaction ids. Each
    read's snapshot has the oldest running id as its xmin (the next id when none runs); then the read
    takes the next id itself, its bound."""

    def __init__(self, keys: list[bytes], *, hidden: set[int] = frozenset()) -> None:
        self.rows = [{"seq": seq, "topic": TOPIC, "key": key, "value": b"%03d" % seq + b"." * 40,
                      "headers": {"event_type": "probe"}, "failed": False}
                     for seq, key in enumerate(keys, start=1)]
        self.hidden = set(hidden)
        self.cursor = 0
        self.running: set[int] = set()
        self.next_id = 100

    def sent(self) -> list[int]:
        return [r["seq"] for r in self.rows
                if r["seq"] <= self.cursor and not r["failed"] and r["seq"] not in self.hidden]

    async def fetch(self, sql: str, cursor: int, limit: int) -> list[dict]:
        assert "WHERE seq > $1 ORDER BY seq LIMIT $2" in sql and "pg_current_snapshot()" in sql, sql
        above = [r for r in self.rows if r["seq"] > cursor and r["seq"] not in self.hidden][:limit]
        snapshot = {"xmin": min(self.running | {self.next_id}), "bound": self.next_id}
        self.next_id += 1
        return [{**r, "set_aside": r["failed"], **snapshot} for r in above] or [{"seq": None, **snapshot}]

    async def execute(self, sql: str, *args: object) -> None:
        if sql == "UPDATE outbox_relay SET published_seq = $1":
            assert args[0] > self.cursor, "the cursor only moves forward"
            self.cursor = args[0]
        else:
            assert sql.startswith("UPDATE outbox SET failed_at = now()"), sql
            for row in self.rows:
                row["failed"] = row["failed"] or row["seq"] in args[0]

    async def fetchval(self, sql: str, *args: object) -> int:
        if sql == "SELECT published_seq FROM outbox_relay":
            return self.cursor
        assert sql == "SELECT count(*) FROM outbox WHERE seq > $1 AND failed_at IS NULL", sql
        return sum(r["seq"] > args[0] and not r["failed"] for r in self.rows)


def relay(producer: FakeProducer) -> OutboxRelay:
    return OutboxRelay(None, producer, service="probe", batch_size=100)  # publish_batch uses no pool


def test_the_fixture_keys_land_where_the_tests_say():
    assert [(murmur2(k) & 0x7FFFFFFF) % PARTITIONS for k in (A, B)] == [PA, PB]


@pytest.mark.parametrize("failing", [0, 1])
async def test_a_failed_batch_stops_the_cursor_before_it_and_is_never_overtaken_in_its_partition(failing):
    outbox = FakeOutbox([A, B, A, B, A, B, A, B, A, A])
    a_batches, b_batches = [[1, 3], [5, 7], [9, 10]], [[2, 4], [6, 8]]
    producer = FakeProducer(fail={(PA, failing)})

    with pytest.raises(KafkaTimeoutError, match=f"batch {failing} of partition {PA}"):
        await relay(producer).publish_batch(outbox)

    assert producer.batches_to(PB) == b_batches  # the other partition went on
    assert producer.batches_to(PA) == a_batches[:failing + 1]  # none after the failed one
    first_undelivered = a_batches[failing][0]
    assert outbox.cursor == first_undelivered - 1  # everything before the failed batch's first row

    retry, left = FakeProducer(), 10 - outbox.cursor
    assert await relay(retry).publish_batch(outbox) == left
    assert retry.batches_to(PA) == a_batches[failing:]  # the rest of A, from the failed batch, in seq order
    # B's rows above the cursor go again (delivered twice: consumers are idempotent), in seq order
    assert retry.batches_to(PB) == [b for b in b_batches if b[0] > first_undelivered - 1]
    assert outbox.sent() == list(range(1, 11))


async def test_every_batch_is_handed_over_closed_so_none_waits_for_more_records():
    outbox = FakeOutbox([A, B, A, A, B, A, B])
    producer = FakeProducer()
    assert await relay(producer).publish_batch(outbox) == 7
    assert len(producer.sent) == 4  # A: 1 3 | 4 6; B: 2 5 | 7
    assert producer.handed_open == 0


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


async def test_a_row_committed_late_is_published_before_the_later_rows_that_wait_behind_it():
    outbox = FakeOutbox([A, B, A, A], hidden={2})  # seq 2 taken by a transaction still running
    outbox.running = {50}
    producer = FakeProducer()
    relaying = relay(producer)

    assert await relaying.publish_batch(outbox) == 1  # seq 1 only: 3 and 4 wait behind the gap
    assert (outbox.sent(), relaying.backlog) == ([1], 2)
    assert await relaying.publish_batch(outbox) == 0  # still running: still waiting
    assert relaying.backlog == 2
    outbox.hidden.clear()  # it commits
    outbox.running.clear()
    assert await relaying.publish_batch(outbox) == 3
    assert producer.batches_to(PA) == [[1], [3, 4]] and producer.batches_to(PB) == [[2]]
    assert outbox.sent() == [1, 2, 3, 4]


async def test_a_gap_left_by_a_rollback_is_passed_once_every_transaction_that_could_fill_it_has_ended():
    outbox = FakeOutbox([A, B, A, A], hidden={2})
    outbox.running = {50}  # it may hold seq 2
    relaying = relay(FakeProducer())
    assert await relaying.publish_batch(outbox) == 1
    assert await relaying.publish_batch(outbox) == 0  # still running
    outbox.running.clear()  # it rolls back: seq 2 never appears
    assert await relaying.publish_batch(outbox) == 2
    assert outbox.sent() == [1, 3, 4]


async def test_a_gap_with_no_transaction_running_is_passed_at_the_next_read():
    outbox = FakeOutbox([A, B, A], hidden={1, 2})  # both rolled back before the relay looked
    relaying = relay(FakeProducer())
    assert await relaying.publish_batch(outbox) == 0  # the read cannot settle its own gap: its id comes after
    assert await relaying.publish_batch(outbox) == 1
    assert outbox.sent() == [3]


def test_settled_gaps_wait_for_xmin_to_pass_the_bound_of_the_read_that_saw_them():
    gaps = SettledGaps()
    assert gaps.observe(10, xmin=5, bound=8) == 0
    assert gaps.observe(20, xmin=8, bound=12) == 0  # xmin must be above the bound, not at it
    assert gaps.observe(25, xmin=9, bound=13) == 10  # the first read's bound is passed, not the second's
    assert gaps.observe(25, xmin=14, bound=14) == 25
    for n in range(200):  # a long transaction holds xmin back: the reads kept stay bounded
        gaps.observe(100 + n, xmin=15, bound=20 + n)
    assert len(gaps._pending) == SettledGaps._KEEP
    assert gaps.observe(300, xmin=41, bound=300) == 120  # the reads whose bound is passed, each by its own
    # The reads from the 64th on were merged into the latest one: they settle with it, later, never earlier.
    assert gaps.observe(300, xmin=251, bound=300) == 162
    assert gaps.observe(300, xmin=301, bound=301) == 300


@pytest.mark.parametrize(("seqs", "settled", "n"), [
    ([1, 2, 3], 0, 3), ([2, 3], 0, 0), ([2, 3], 1, 2), ([1, 3, 4], 1, 1), ([1, 3, 4], 2, 3), ([1, 5], 3, 1),
])
def test_passable_stops_at_the_first_gap_not_settled(seqs, settled, n):
    assert passable(0, seqs, settled) == n
