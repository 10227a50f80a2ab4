"""The unit of work: one transaction, the service's repositories on it, and the events the work
causes, written to the outbox in that same transaction at commit. A command and a consumer handler
work through the same shape, so the state change, the events (and, for a consumer, its tracking
row) commit or roll back together.

    async with uow_factory() as uow:
        offer = await uow.offers.get(offer_id)
        uow.emit(OfferChanged(...), beneficiary_id=..., organisation_id=...)
    # committed here, events included; an exception rolls everything back

`InMemoryUnitOfWork` is the twin for service-layer unit tests: same collection of events, no server."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, ClassVar, Self, cast, get_origin, get_type_hints
from uuid import UUID, uuid4

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from shared import idempotency, outbox
from shared.db import Connection
from shared.events.codec import envelope_caused_by, envelope_for
from shared.events.envelope import Envelope, Event, EventPayload


class UnitOfWork(ABC):
    """Collects the events of one piece of work; subclasses own (or join) its transaction.

    `correlation_id` is shared by every event a command emits, so reporting can tell they came from
    one act; events caused by a consumed event keep the cause's correlation instead."""

    def __init__(self, *, topic: str | None, producer: str) -> None:
        self.topic = topic
        self.producer = producer
        self.correlation_id: UUID = uuid4()
        self._pending: list[outbox.OutboxRecord] = []
        self.emitted: list[Envelope] = []

    def emit(
        self, payload: EventPayload, *, beneficiary_id: UUID, organisation_id: str, project_id: str | None = None,
        occurred_at: datetime | None = None,
    ) -> Envelope:
        """Add an event of this work, published once the work commits."""
        topic = self._topic()
        envelope = envelope_for(
            payload, beneficiary_id=beneficiary_id, organisation_id=organisation_id, producer=self.producer,
            correlation_id=self.correlation_id, project_id=project_id, occurred_at=occurred_at,
        )
        self._pending.append(outbox.record_for(envelope, topic))
        self.emitted.append(envelope)
        return envelope

    def emit_caused(self, payload: EventPayload, cause: Event[EventPayload]) -> Envelope:
        """Add an event caused by a consumed one: same person, organisation, project and correlation,
        continuing the trace the cause was handled in."""
        topic = self._topic()
        envelope = envelope_caused_by(payload, cause.envelope, producer=self.producer)
        self._pending.append(outbox.record_for(envelope, topic, cause.trace_context))
        self.emitted.append(envelope)
        return envelope

    def _topic(self) -> str:
        if self.topic is None:
            raise RuntimeError(f"{type(self).__name__} publishes no topic: it cannot emit events")
        return self.topic

    def take_pending(self) -> list[outbox.OutboxRecord]:
        """The events not yet written, handed to a repository that writes them in its own statement
        (one round trip for a state change and its events); they are then no longer the UoW's to write."""
        pending, self._pending = self._pending, []
        return pending

    async def flush(self) -> None:
        """Write the pending events now, inside the transaction (commit does this too)."""
        records = self.take_pending()
        if records:
            await self._write(records)

    async def commit(self) -> None:
        await self.flush()
        await self._commit()

    async def rollback(self) -> None:
        self._pending.clear()
        self.emitted.clear()
        await self._rollback()

    async def __aenter__(self) -> Self:
        await self._begin()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None:
                await self.commit()
            else:
                await self.rollback()
        finally:
            await self._close()

    @abstractmethod
    async def _begin(self) -> None: ...

    @abstractmethod
    async def _write(self, records: Sequence[outbox.OutboxRecord]) -> None: ...

    @abstractmethod
    async def _commit(self) -> None: ...

    @abstractmethod
    async def _rollback(self) -> None: ...

    async def _close(self) -> None:
        return None


class PostgresUnitOfWork(UnitOfWork):
    """One pooled connection and its transaction. Built from a pool it acquires, begins, commits and
    releases its own connection; `joined` to a connection whose transaction someone else owns (the
    idempotent consumer's) it only writes its events, leaving commit and rollback to that owner.
    Subclasses declare the service's repositories as annotated attributes (`people: People`); each is
    built on the connection as the work begins."""

    _repositories_declared: ClassVar[dict[str, Any]]

    def __init__(
        self, pool: asyncpg.Pool | None, *, topic: str | None, producer: str,
        connection: Connection | None = None,
    ) -> None:
        super().__init__(topic=topic, producer=producer)
        self._pool = pool
        # A pooled connection is a proxy with the whole Connection API: repositories take it as one.
        self._conn: asyncpg.Connection | None = cast(asyncpg.Connection | None, connection)
        self._lease: PoolConnectionProxy | None = None
        self._owned = connection is None
        self._tx: asyncpg.transaction.Transaction | None = None
        self._claim: idempotency.Claim | None = None  # the request's Idempotency-Key, if this unit writes it
        if self._conn is not None:
            self._repositories(self._conn)

    @classmethod
    def joined(cls, connection: Connection, *, topic: str | None, producer: str) -> Self:
        return cls(None, topic=topic, producer=producer, connection=connection)

    @property
    def connection(self) -> asyncpg.Connection:
        if self._conn is None:
            raise RuntimeError("the unit of work has not begun: use `async with uow:`")
        return self._conn

    def _repositories(self, conn: asyncpg.Connection) -> None:
        """Build the service's repositories on `conn`: one per attribute a subclass declares."""
        for name, repository in self._declared_repositories().items():
            setattr(self, name, repository(conn))

    @classmethod
    def _declared_repositories(cls) -> dict[str, Callable[[asyncpg.Connection], object]]:
        """The repositories a service's unit of work declares as annotated attributes, `people: People`:
        the annotation types the attribute for the checker and names the class built on the connection,
        so a repository is declared once. Only the annotations of PostgresUnitOfWork's subclasses count
        (a protocol base may declare the ports they fill); resolved once per class."""
        declared = cls.__dict__.get("_repositories_declared")
        if declared is None:
            declared = {}
            for klass in reversed(cls.__mro__):
                if issubclass(klass, PostgresUnitOfWork) and klass is not PostgresUnitOfWork:
                    hints = get_type_hints(klass)
                    declared.update({name: hints[name] for name in vars(klass).get("__annotations__", {})
                                     if get_origin(hints[name]) is not ClassVar})
            cls._repositories_declared = declared
        return declared

    async def _begin(self) -> None:
        if not self._owned:
            return
        if self._pool is None:
            raise RuntimeError("a unit of work needs a pool or a joined connection")
        claim = idempotency.current()
        if claim is not None:
            # A second unit of work in one request must see the first's effects: those commit now.
            await claim.commit_parked(None)
            self._claim = None if claim.written else claim
        self._lease = await self._pool.acquire()
        self._conn = cast(asyncpg.Connection, self._lease)
        try:
            self._tx = self._conn.transaction()
            await self._tx.start()
            self._repositories(self._conn)
        except BaseException:
            await self._pool.release(self._lease)
            self._conn = self._lease = None
            raise

    async def _write(self, records: Sequence[outbox.OutboxRecord]) -> None:
        await outbox.add(self.connection, records)

    async def _commit(self) -> None:
        if self._tx is None:
            return
        claim, self._claim = self._claim, None
        if claim is not None and claim.answer is None and self._lease is not None and self._pool is not None:
            # A keyed request: the key commits with the work whatever it emitted, and so does the
            # answer, which the route has not built yet: the transaction waits for it (see
            # shared.idempotency). An answer handed over before (`answer_with`) needs no waiting.
            await idempotency.claim_in(self.connection)
            claim.park(_ParkedTransaction(self._tx, self._pool, self._lease, claim))
            self._tx = self._lease = self._conn = None  # the claim's now: _close leaves them be
            return
        await self._tx.commit()
        self._tx = None

    async def _rollback(self) -> None:
        claim, self._claim = self._claim, None
        if claim is not None:
            claim.written = False  # its row, written in this transaction, goes with it
        if self._tx is not None:
            await self._tx.rollback()
            self._tx = None

    async def _close(self) -> None:
        if self._owned and self._lease is not None and self._pool is not None:
            lease, self._conn, self._lease = self._lease, None, None
            await self._pool.release(lease)


class _ParkedTransaction:
    """A keyed request's committed-to-be work: its answer goes into the claim's row, then it commits."""

    def __init__(
        self, tx: asyncpg.transaction.Transaction, pool: asyncpg.Pool, lease: PoolConnectionProxy,
        claim: idempotency.Claim,
    ) -> None:
        self._tx, self._pool, self._lease, self._claim = tx, pool, lease, claim

    async def commit(self, answer: idempotency.Answer | None) -> None:
        try:
            if answer is not None:
                await self._lease.execute(idempotency.STORE_ANSWER_SQL, self._claim.scope, self._claim.key, *answer)
            await self._tx.commit()
        finally:
            await self._pool.release(self._lease)

    async def rollback(self) -> None:
        try:
            await self._tx.rollback()
        finally:
            await self._pool.release(self._lease)


class InMemoryUnitOfWork(UnitOfWork):
    """The twin for unit tests: `committed` holds the envelopes of every committed unit, in order;
    a rolled-back unit leaves nothing. Repositories are in-memory objects a subclass shares across
    units; they snapshot/restore themselves through `_snapshot` / `_restore` so a rollback undoes them."""

    def __init__(self, *, topic: str = "test.events", producer: str = "test") -> None:
        super().__init__(topic=topic, producer=producer)
        self.committed: list[Envelope] = []
        self.commits = 0
        self._saved: object = None

    def _snapshot(self) -> object:
        """State of the in-memory repositories to come back to on rollback (a subclass deep-copies)."""
        return None

    def _restore(self, saved: object) -> None:
        """Put the repositories back as `_snapshot` found them."""

    async def _begin(self) -> None:
        self.correlation_id = uuid4()
        self.emitted = []
        self._saved = self._snapshot()

    async def _write(self, records: Sequence[outbox.OutboxRecord]) -> None:
        return None  # the envelopes are in `emitted`; commit keeps them

    async def _commit(self) -> None:
        self.committed.extend(self.emitted)
        self.emitted = []
        self.commits += 1

    async def _rollback(self) -> None:
        self._restore(self._saved)

    def committed_of(self, payload_type: type[EventPayload]) -> list[Envelope]:
        """The committed envelopes of one event type."""
        return [e for e in self.committed if e.event_type == payload_type.event_type]
