"""The outbox relay: publishes committed outbox rows to Kafka, in seq order, and moves its cursor.

Progress is one cursor (`outbox_relay.published_seq`, shared/migrations/0007_*): rows at or below
it are published or set aside. Seqs are taken in one order and committed in another, so a missing
seq below a visible one may still commit: the relay stops at such a gap until it is settled, that
is until every transaction that could fill it has ended (`SettledGaps`), and never skips a row whose
transaction commits late. One relay per database publishes at a time (a session advisory lock);
writers of one beneficiary serialise on that beneficiary's row, so seq order is commit order for
each key. A crash after publish and before the cursor moves republishes the same bytes: consumers
are idempotent on event_id."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import murmur2
from opentelemetry import trace
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.trace import Link, SpanContext, SpanKind

from shared import failpoints
from shared.db import Connection
from shared.outbox import NOTIFY_CHANNEL
from shared.telemetry import context_from, kafka_headers, meter, spans_recorded, tracer

log = logging.getLogger(__name__)
_RELAY_LOCK = 727_002
_MAX_LINKS = 128  # the batch span links to this many of its records' traces, not thousands
_tracer = tracer(__name__)
_meter = meter(__name__)
_published = _meter.create_counter("outbox.published", unit="{event}", description="events relayed")
_set_aside = _meter.create_counter(
    "outbox.set_aside", unit="{event}", description="outbox rows too large for Kafka, kept with the reason"
)


# The rows above the cursor, with the reading snapshot's xmin and an id taken after that snapshot
# (`bound`: above every transaction id assigned before it), in one statement so that all three come
# from the same snapshot. A row with a NULL seq means the outbox had nothing above the cursor.
_CLAIM = """
SELECT s.xmin, s.bound, o.seq, o.topic, o.key, o.value, o.headers, o.failed_at IS NOT NULL AS set_aside
FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin,
             pg_current_xact_id()::text::bigint AS bound) AS s
LEFT JOIN LATERAL (SELECT seq, topic, key, value, headers, failed_at FROM outbox
                   WHERE seq > $1 ORDER BY seq LIMIT $2) AS o ON true
"""


class SettledGaps:
    """Which missing seqs can no longer appear. A transaction takes its id before its first seq (the
    outbox's seq default), so one that holds a seq below a row visible to a read had its id before
    that read's snapshot, below the read's `bound`. A read remembers its highest visible seq with
    its bound; once a later snapshot's xmin is above that bound, every such transaction has ended,
    and a seq up to the remembered one that is still missing never will appear (its statement
    failed or its transaction rolled back). The snapshot's own xmax cannot serve as the bound: it is
    one past the latest completed id, and a running transaction may hold an id above it."""

    _KEEP = 64  # reads remembered while a long transaction holds xmin back; more are merged

    def __init__(self) -> None:
        self._pending: list[tuple[int, int]] = []  # (highest visible seq, bound), both ascending
        self.settled = 0

    def observe(self, highest: int, xmin: int, bound: int) -> int:
        """Take one read's highest visible seq, its snapshot's xmin and its bound; returns the seq up
        to which every gap is settled."""
        if highest > self.settled:
            if len(self._pending) < self._KEEP:
                self._pending.append((highest, bound))
            else:  # merged into the latest: it settles later, never too early
                self._pending[-1] = (highest, bound)
        while self._pending and self._pending[0][1] < xmin:
            self.settled = max(self.settled, self._pending.pop(0)[0])
        return self.settled


def passable(cursor: int, seqs: Sequence[int], settled: int) -> int:
    """How many of `seqs` (ascending, all above `cursor`) may go now: all of them up to the first
    gap that is not settled (a missing seq above `settled` may still commit, and it may be the
    same person's earlier event)."""
    last = cursor
    for n, seq in enumerate(seqs):
        if seq > last + 1 and seq - 1 > settled:
            return n
        last = seq
    return len(seqs)


async def _on_live(conn: Connection, step: Callable[[], Awaitable[object]]) -> None:
    """A clean-up step on the relay's connection, bounded, and skipped on one the server closed
    (the lock and the LISTEN died with it): the error that stopped the relay stays the one raised,
    not a "connection released back to the pool" from its clean-up (a pool proxy refuses every
    call once the pool took a closed connection back, so the step is only made here)."""
    try:
        closed = conn.is_closed()
    except asyncpg.InterfaceError:  # a pool proxy whose connection the pool already took back
        closed = True
    if closed:
        return
    with contextlib.suppress(asyncpg.InterfaceError, asyncpg.PostgresConnectionError, OSError, TimeoutError):
        await asyncio.wait_for(step(), 2.0)


def _span_context(carrier: dict[str, str]) -> SpanContext | None:
    context = trace.get_current_span(context_from(carrier)).get_span_context()
    return context if context.is_valid else None


def _size(row: asyncpg.Record) -> int:
    return len(row["key"]) + len(row["value"]) + sum(len(k) + len(v) for k, v in row["headers"].items())


def idempotent_producer(bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    """acks=all with idempotence: no duplicates from retries, order kept per partition. No linger:
    the relay hands over whole, closed record batches, which never wait for more records."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        max_batch_size=256 * 1024,
        compression_type=None,
    )


class OutboxRelay:
    """Owns one connection (holding the relay lock) and borrows a started producer."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        *,
        service: str,
        batch_size: int = 1000,
        idle_poll_s: float = 1.0,
        gap_poll_s: float = 0.05,
        linger_s: float = 0.01,
        keep_sent_s: float = 7 * 24 * 3600,
        max_record_bytes: int = 1_000_000,
    ) -> None:
        self._max_record_bytes = max_record_bytes
        self._pool = pool
        self._keep_sent_s = keep_sent_s
        self._next_prune = 0.0
        self._next_backlog_count = 0.0
        self._producer = producer
        self._service = service
        self._batch_size = batch_size
        self._idle_poll_s = idle_poll_s
        self._gap_poll_s = gap_poll_s
        self._linger_s = linger_s
        self._wake = asyncio.Event()
        self._partition_counts: dict[str, int] = {}
        self._partition_of: dict[tuple[str, bytes], int] = {}
        self._cursor: int | None = None  # read from the database once the lock is held
        self._gaps = SettledGaps()
        self._at_gap = False
        self.backlog = 0
        _meter.create_observable_gauge(
            "outbox.backlog", callbacks=[self._observe_backlog], unit="{event}",
            description="outbox rows not yet published",
        )

    def use_producer(self, producer: AIOKafkaProducer) -> None:
        """A fresh producer for the next run (shared.runtime renews it after a Kafka failure)."""
        self._producer = producer

    async def set_aside_count(self) -> int:
        """How many rows were set aside (failed_at set): they wait for an operator, not the relay."""
        return int(await self._pool.fetchval("SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL"))

    async def oldest_pending_age_s(self) -> float | None:
        """Seconds since the oldest row still to publish was written; None when none waits."""
        age = await self._pool.fetchval(
            "SELECT extract(epoch FROM clock_timestamp() - created_at)::float8 FROM outbox "
            "WHERE seq > (SELECT published_seq FROM outbox_relay) AND failed_at IS NULL ORDER BY seq LIMIT 1"
        )
        return None if age is None else float(age)

    def _observe_backlog(self, _options: CallbackOptions) -> Iterator[Observation]:
        yield Observation(self.backlog, {"service": self._service})

    async def run(self) -> None:
        """Relay until cancelled; waits for the lock if another relay holds it."""
        async with self._pool.acquire() as conn:
            await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
            # A connection the server closes (a restart) wakes the relay at once: its next read fails
            # and the supervisor reconnects, instead of the dead LISTEN going unnoticed for a poll.
            conn.add_termination_listener(self._on_notify)
            try:
                while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", _RELAY_LOCK):  # noqa: ASYNC110
                    await asyncio.sleep(self._idle_poll_s)
                self._cursor = None  # another relay may have moved it while this one waited
                try:
                    while True:
                        sent = await self.publish_batch(conn)
                        if sent < self._batch_size:
                            await self._prune(conn)
                            await self._sleep_until_woken()
                finally:
                    await _on_live(conn, lambda: conn.execute("SELECT pg_advisory_unlock($1)", _RELAY_LOCK))
            finally:
                await _on_live(conn, lambda: conn.remove_listener(NOTIFY_CHANNEL, self._on_notify))
                with contextlib.suppress(asyncpg.InterfaceError):
                    conn.remove_termination_listener(self._on_notify)

    async def publish_batch(self, conn: Connection) -> int:
        """Publish up to one batch of the rows above the cursor, up to the first gap not yet settled,
        and move the cursor past what was delivered; returns how many rows it passed. A row too large
        for Kafka is set aside with the reason instead of stalling its partition for good; any other
        failure moves the cursor up to the first row not delivered and raises, so the rest is retried
        in seq order (rows after it that were delivered go again: consumers are idempotent)."""
        if self._cursor is None:
            self._cursor = await conn.fetchval("SELECT published_seq FROM outbox_relay")
        found = await conn.fetch(_CLAIM, self._cursor, self._batch_size)
        rows = [row for row in found if row["seq"] is not None]
        if not rows:
            self._at_gap = False
            await self._measure_backlog(conn, read=0, passed=0)
            return 0
        settled = self._gaps.observe(rows[-1]["seq"], found[0]["xmin"], found[0]["bound"])
        ready = rows[:passable(self._cursor, [row["seq"] for row in rows], settled)]
        self._at_gap = len(ready) < len(rows)
        if not ready:
            await self._measure_backlog(conn, read=len(rows), passed=0)
            return 0
        sendable: list[asyncpg.Record] = []
        oversized: list[asyncpg.Record] = []
        for row in ready:
            if not row["set_aside"]:
                (sendable if _size(row) <= self._max_record_bytes else oversized).append(row)
        links = [Link(c) for c in (_span_context(r["headers"]) for r in sendable[:_MAX_LINKS]) if c is not None] \
            if spans_recorded() else []
        with _tracer.start_as_current_span(
            "publish outbox batch", kind=SpanKind.PRODUCER, links=links,
            attributes={"messaging.system": "kafka", "messaging.batch.message_count": len(sendable)},
        ):
            outcomes = await asyncio.gather(*[
                self._send_in_order(topic, partition, run) for (topic, partition), run in
                (await self._by_partition(sendable)).items()
            ])
        failpoints.hit("relay.after_publish")  # published, cursor not yet moved: the worst moment to die
        delivered = {seq for seqs, _ in outcomes for seq in seqs}
        if oversized:
            await self._set_aside(conn, oversized)
        undelivered = [row["seq"] for row in sendable if row["seq"] not in delivered]
        cursor = ready[-1]["seq"] if not undelivered else max(
            (row["seq"] for row in ready if row["seq"] < undelivered[0]), default=self._cursor)
        if cursor != self._cursor:
            await conn.execute("UPDATE outbox_relay SET published_seq = $1", cursor)
            self._cursor = cursor
        _published.add(len(delivered), {"service": self._service})
        failure = next((error for _, error in outcomes if error is not None), None)
        if failure is not None:
            raise failure
        await self._measure_backlog(conn, read=len(rows), passed=len(ready))
        return len(ready)

    async def _measure_backlog(self, conn: Connection, *, read: int, passed: int) -> None:
        """A read short of a full batch saw all that waits: the rows it could not pass yet, behind a gap.
        After a full one, count what waits, at most once a second: while a backlog drains, a count
        per batch would cost as much as a tenth of the batch."""
        now = time.monotonic()
        if read < self._batch_size:
            self.backlog = read - passed
        elif now >= self._next_backlog_count:
            self._next_backlog_count = now + 1.0
            self.backlog = await conn.fetchval(
                "SELECT count(*) FROM outbox WHERE seq > $1 AND failed_at IS NULL", self._cursor)

    async def _by_partition(self, rows: list[asyncpg.Record]) -> dict[tuple[str, int], list[asyncpg.Record]]:
        """The rows of each partition, in seq order: the partition Kafka's default partitioner picks
        for the key (murmur2, positive, modulo), remembered per key."""
        for topic in {row["topic"] for row in rows} - self._partition_counts.keys():
            self._partition_counts[topic] = len(await self._producer.partitions_for(topic))
        if len(self._partition_of) > 100_000:
            self._partition_of.clear()
        runs: dict[tuple[str, int], list[asyncpg.Record]] = {}
        for row in rows:
            topic, key = row["topic"], row["key"]
            partition = self._partition_of.get((topic, key))
            if partition is None:
                partition = (murmur2(key) & 0x7FFFFFFF) % self._partition_counts[topic]
                self._partition_of[(topic, key)] = partition
            runs.setdefault((topic, partition), []).append(row)
        return runs

    async def _send_in_order(
        self, topic: str, partition: int, rows: list[asyncpg.Record]
    ) -> tuple[list[int], BaseException | None]:
        """Hand one partition's rows to the producer as whole record batches (per-record sends cost
        more CPU than the rest of the relay together). A second batch of the same partition goes only
        once the first is acknowledged, so a batch that fails is never overtaken by a later one.
        Returns the seqs delivered and the failure that stopped the rest, if any. The stored trace
        context travels unchanged, so each consumer's span is a child of the request that caused
        the event."""
        delivered: list[int] = []
        for batch, seqs in self._record_batches(rows):
            try:
                await (await self._producer.send_batch(batch, topic, partition=partition))
            except Exception as exc:  # reported to the caller, which marks what went and raises it
                return delivered, exc
            delivered += seqs
        return delivered, None

    def _record_batches(self, rows: list[asyncpg.Record]) -> Iterator[tuple[object, list[int]]]:
        """Whole record batches, each closed before it goes: a closed batch leaves at once whatever
        the producer's linger, and no `send` can add to it. An open batch would wait the linger out
        before every relay cycle's acks."""
        batch, seqs = self._producer.create_batch(), list[int]()
        for row in rows:
            key, value, headers = row["key"], row["value"], kafka_headers(row["headers"])
            if batch.append(timestamp=None, key=key, value=value, headers=headers) is None:  # full: next batch
                batch.close()
                yield batch, seqs
                batch, seqs = self._producer.create_batch(), []
                batch.append(timestamp=None, key=key, value=value, headers=headers)
            seqs.append(row["seq"])
        batch.close()
        yield batch, seqs

    async def _set_aside(self, conn: Connection, rows: list[asyncpg.Record]) -> None:
        reason = f"record larger than {self._max_record_bytes} bytes, the most Kafka accepts"
        await conn.execute(
            "UPDATE outbox SET failed_at = now(), failure = $2 WHERE seq = ANY($1::bigint[])",
            [r["seq"] for r in rows], reason,
        )
        _set_aside.add(len(rows), {"service": self._service})
        for row in rows:
            log.error("outbox row set aside, not published", extra={"seq": row["seq"], "topic": row["topic"],
                                                                   "reason": reason})

    async def _prune(self, conn: Connection) -> None:
        """Forget published rows written longer ago than the retention, at most once a minute: Kafka
        keeps the events, the outbox only has to bridge a crash. Set-aside rows wait for an operator."""
        now = time.monotonic()
        if now < self._next_prune:
            return
        self._next_prune = now + 60
        await conn.execute(
            "DELETE FROM outbox WHERE created_at < now() - make_interval(secs => $1) AND seq <= $2 "
            "AND failed_at IS NULL", self._keep_sent_s, self._cursor,
        )

    def _on_notify(self, *_args: object) -> None:
        self._wake.set()

    async def _sleep_until_woken(self) -> None:
        """Until a commit adds rows (or the poll is due: soon while rows wait behind a gap, whose
        rollback notifies no one), then a short linger, so that under load the rows of many commits
        leave in one cycle (one read, one produce, one cursor move) instead of one or two each."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self._gap_poll_s if self._at_gap else self._idle_poll_s)
        if self._linger_s:
            await asyncio.sleep(self._linger_s)
        self._wake.clear()


async def run_standalone(dsn: str, bootstrap_servers: str, *, service: str, batch_size: int) -> None:
    """A relay in a process of its own (operations, and the crash-recovery test)."""
    from shared.db import create_pool

    pool = await create_pool(dsn, min_size=1, max_size=2)
    producer = idempotent_producer(bootstrap_servers, f"percorsi-{service}-relay")
    await producer.start()
    try:
        await OutboxRelay(pool, producer, service=service, batch_size=batch_size, idle_poll_s=0.2).run()
    finally:
        await producer.stop()
        await pool.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Publish a database's outbox to Kafka.")
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--service", default="relay")
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(run_standalone(args.dsn, args.bootstrap, service=args.service, batch_size=args.batch_size))
