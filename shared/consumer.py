"""The idempotent consumer: each record's id is committed with its effects, poison records go to
the dead-letter topic (through the outbox, in the same transaction) and the consumer moves on."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from uuid import UUID, uuid5

import asyncpg
from aiokafka.structs import ConsumerRecord
from opentelemetry.context import attach, detach
from opentelemetry.propagate import inject
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, set_span_in_context

from shared import outbox
from shared.db import Connection
from shared.events.codec import Decoder, PoisonEvent
from shared.events.envelope import Event, EventPayload
from shared.events.registry import current
from shared.telemetry import carrier_from_kafka, context_from, meter, spans_recorded, tracer
from shared.topics import DEAD_LETTER
from shared.uow import PostgresUnitOfWork, UnitOfWork

log = logging.getLogger(__name__)
_tracer = tracer(__name__)
_meter = meter(__name__)
_handled = _meter.create_counter("events.handled", unit="{event}", description="events whose effects committed")
_failed = _meter.create_counter("events.failed", unit="{event}", description="events sent to the dead-letter topic")

# Handlers are declared for their own contract and unit of work (`async def h(uow: HousingUnitOfWork,
# event: Event[BeneficiaryRegistered])`): the consumer routes by event type, so a handler only ever gets
# events of the type it was registered for, and the unit of work its wiring's factory builds.
Handler = Callable[[Any, Event[Any]], Awaitable[None]]
UnitOfWorkOn = Callable[[Connection], UnitOfWork]


@dataclass(frozen=True)
class Batched:
    """A handler that takes a run of consecutive events of one type in one call, so its effects
    are written in a few statements, not a few per event."""

    handle: Callable[[Any, Sequence[Event[Any]]], Awaitable[None]]
    # True: consecutive events of every type this same handler is registered for come in one call
    # (a projection that writes every type alike), not one call per run of a single type.
    mixed: bool = False

    async def __call__(self, uow: Any, event: Event[Any]) -> None:
        """One event, as a run of one: a batched handler can be called like any other (tests, replays)."""
        await self.handle(uow, [event])


_POISON_NS = UUID("6f1c1f0e-7d0a-4a59-9a55-3c1d1b2f0a11")
# The database is away or going away (restart, failover, shutdown, still starting): retry, then rewind
# to the batch's first record. Never the event's fault, so never a dead letter.
CONNECTION_LOST = (
    OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError, asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError, asyncpg.CrashShutdownError, asyncpg.CannotConnectNowError,
)
# The transaction lost a race with another one: running it again is the fix.
CONFLICT = (asyncpg.DeadlockDetectedError, asyncpg.SerializationError)
TRANSIENT = CONNECTION_LOST + CONFLICT
_TRANSIENT_ATTEMPTS = 5


@dataclass
class _Item:
    record: ConsumerRecord
    event_id: UUID
    event: Event[EventPayload] | None
    poison: str | None

    @property
    def outcome(self) -> str:
        if self.poison:
            return "dead_lettered"
        return "handled" if self.event else "ignored"


class IdempotentConsumer:
    """Applies `handlers` (event type → handler) to records; borrows the pool, owns nothing."""

    def __init__(
        self, pool: asyncpg.Pool | None, handlers: Mapping[str, Handler | Batched], *, group: str,
        retries: int = 3, unit_of_work: UnitOfWorkOn | None = None,
    ) -> None:
        unknown = sorted(t for t in handlers if current(t) is None)
        if unknown:
            raise ValueError(f"handlers for event types with no registered contract: {', '.join(unknown)}")
        self._pool = pool
        self._handlers = dict(handlers)
        self._decoder = Decoder(self._handlers)
        self._group = group
        self._retries = retries
        # Handlers work through the service's unit of work joined to the consumer's transaction, so
        # their effects, the events they cause and the tracking rows commit together.
        self._unit_of_work = unit_of_work or _effects_only

    def bind(self, pool: asyncpg.Pool) -> None:
        """Give the consumer its pool, when it was declared before the pool existed."""
        self._pool = pool

    @property
    def event_types(self) -> list[str]:
        return sorted(self._handlers)

    async def handle_records(self, records: Sequence[ConsumerRecord]) -> None:
        """Handle a batch in one transaction; if any handler fails, isolate record by record."""
        items = [self._decode(r) for r in records]
        try:
            await self._with_transient_retry(lambda: self._apply(items))
        except TRANSIENT:
            raise
        except Exception:
            log.warning("batch failed, handling records one by one", exc_info=True)
            for item in items:
                await self._apply_alone(item)

    def _decode(self, record: ConsumerRecord) -> _Item:
        """A type this consumer does not handle is ignored, its payload unvalidated, so another
        service's payload (or a newer version of it) is never this consumer's poison."""
        try:
            envelope, event = self._decoder.decode(record.value)
        except PoisonEvent as exc:
            return _Item(record, _positional_id(record), None, str(exc))
        return _Item(record, envelope.event_id, event, None)

    async def _apply(self, items: Sequence[_Item]) -> None:
        if self._pool is None:
            raise RuntimeError("the consumer was given no pool (bind one before it consumes)")
        async with self._pool.acquire() as conn, conn.transaction():
            fresh = await _track(conn, items, self._group)
            dead: list[_Item] = []
            todo: list[tuple[_Item, Event[EventPayload]]] = []
            for item in items:
                if item.event_id not in fresh:
                    continue
                fresh.discard(item.event_id)  # a record delivered twice in one batch acts once
                if item.poison:
                    dead.append(item)
                elif item.event:
                    todo.append((item, item.event))
            for _, run in groupby(todo, key=self._run_key):
                pairs = list(run)
                await self._handle_run(conn, pairs[0][1].event_type, pairs)
            await _dead_letter(conn, dead, self._group)
        _handled.add(len(todo), {"group": self._group})
        if dead:
            _failed.add(len(dead), {"group": self._group})
            for item in dead:
                log.warning("record dead-lettered", extra=_where(item))

    def _run_key(self, pair: tuple[_Item, Event[EventPayload]]) -> object:
        """What one handler call takes: a run of one event type, or of any types of a mixed handler."""
        handler = self._handlers[pair[1].event_type]
        return handler if isinstance(handler, Batched) and handler.mixed else pair[1].event_type

    async def _handle_run(
        self, conn: Connection, event_type: str, run: list[tuple[_Item, Event[EventPayload]]]
    ) -> None:
        """Each event is handled in its own trace context: its own span, a child of the trace its
        record arrived with, when spans are recorded; that trace itself when they are not. The
        events a handler causes continue it (Event.trace_context), so one trace follows a person's
        event through every consumer even when a batch is handled in one call."""
        handler = self._handlers[event_type]
        uow = self._unit_of_work(conn)
        spans = [self._start_span(item, event) for item, event in run] if spans_recorded() else []
        contexts = [_carrier_of(span) for span in spans] or [carrier_from_kafka(i.record.headers or ()) for i, _ in run]
        events = [Event(event.envelope, event.payload, c) for (_, event), c in zip(run, contexts, strict=True)]
        try:
            if isinstance(handler, Batched):
                await handler.handle(uow, events)
            else:
                for event in events:
                    token = attach(context_from(event.trace_context))
                    try:
                        await handler(uow, event)
                    finally:
                        detach(token)
            await uow.flush()
        except Exception as exc:
            for span in spans:
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise
        finally:
            for span in spans:
                span.end()

    def _start_span(self, item: _Item, event: Event[EventPayload]) -> Span:
        return _tracer.start_span(
            f"process {event.event_type}", context=context_from(carrier_from_kafka(item.record.headers or ())),
            kind=SpanKind.CONSUMER,
            attributes={"messaging.system": "kafka", "messaging.consumer.group.name": self._group,
                        "percorsi.event_id": str(item.event_id)},
        )

    async def _apply_alone(self, item: _Item) -> None:
        last: Exception | None = None
        for attempt in range(self._retries + 1):
            try:
                await self._with_transient_retry(lambda: self._apply([item]))
                return
            except TRANSIENT:
                raise
            except Exception as exc:  # a handler's failure: retry, then dead-letter
                last = exc
                await asyncio.sleep(min(0.05 * 2**attempt, 1.0))
        item.poison = f"handler failed after {self._retries + 1} attempts: {type(last).__name__}: {last}"
        await self._with_transient_retry(lambda: self._apply([item]))

    async def _with_transient_retry(self, step: Callable[[], Awaitable[None]]) -> None:
        """Run `step`, again in place after a transient error; the last one propagates (a rewind)."""
        for attempt in range(_TRANSIENT_ATTEMPTS):
            try:
                return await step()
            except TRANSIENT as exc:
                if attempt == _TRANSIENT_ATTEMPTS - 1:
                    raise
                log.info("transient database error, retrying", extra={"error": type(exc).__name__})
                await asyncio.sleep(_backoff(exc, attempt))


def _backoff(exc: Exception, attempt: int) -> float:
    """A conflict clears as soon as the other transaction ends: retry soon, jittered so the two do not
    meet again. A server that is away takes longer to come back."""
    if isinstance(exc, CONFLICT):
        return random.uniform(0, 0.05 * 2**attempt)
    # Capped at 0.5 s: the consumer must be looking again within moments of the server's return
    # (every event reaches the consumers within 5 s of a restart, tests/e2e/test_recovery.py).
    return min(0.1 * 2.0**attempt, 0.5)


async def _track(conn: Connection, items: Sequence[_Item], group: str) -> set[UUID]:
    rows = await conn.fetch(
        """
        INSERT INTO processed_events (event_id, event_type, topic, partition, "offset", outcome)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[])
        ON CONFLICT (event_id) DO NOTHING
        RETURNING event_id
        """,
        [i.event_id for i in items],
        [i.event.event_type if i.event else "unknown" for i in items],
        [i.record.topic for i in items],
        [i.record.partition for i in items],
        [i.record.offset for i in items],
        [i.outcome for i in items],
    )
    return {r["event_id"] for r in rows}


async def _dead_letter(conn: Connection, items: Sequence[_Item], group: str) -> None:
    await outbox.add(
        conn,
        [
            outbox.OutboxRecord(
                event_id=uuid5(_POISON_NS, f"dead-letter:{group}:{i.event_id}"),
                topic=DEAD_LETTER.name,
                key=i.record.key or b"",
                value=i.record.value or b"",
                headers={"dlq.reason": i.poison or "", "dlq.consumer_group": group,
                         **{f"dlq.source_{k}": str(v) for k, v in _where(i).items()}},
            )
            for i in items
        ],
    )


def _effects_only(conn: Connection) -> UnitOfWork:
    """For handlers that cause no events (a projection): their effects on the consumer's transaction."""
    return PostgresUnitOfWork.joined(conn, topic=None, producer="consumer")


def _carrier_of(span: Span) -> dict[str, str]:
    carrier: dict[str, str] = {}
    inject(carrier, context=set_span_in_context(span))
    return carrier


def _positional_id(record: ConsumerRecord) -> UUID:
    """An id for a record whose own id cannot be read: stable across redeliveries."""
    return uuid5(_POISON_NS, f"{record.topic}:{record.partition}:{record.offset}")


def _where(item: _Item) -> dict[str, object]:
    r = item.record
    return {"topic": r.topic, "partition": r.partition, "offset": r.offset}
