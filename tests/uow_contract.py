"""One contract for every unit of work: the in-memory twin (tests/unit) and PostgreSQL's
(tests/integration) run these same tests, so the twin cannot drift from the real thing.

Each store gives a `Store` fixture: `make()` a new unit of work of a probe service with one
repository (`uow.effects`: add an effect, count them) and `published()` the events committed."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

import asyncpg
import pytest

from shared.events.contracts import HousingCandidateWaiting
from shared.uow import InMemoryUnitOfWork, PostgresUnitOfWork, UnitOfWork

TOPIC = "probe.events"


class Boom(Exception):
    pass


@dataclass
class Store:
    make: Callable[[], UnitOfWork]
    published: Callable[[], Awaitable[list[UUID]]]  # event ids committed, in order
    effects: Callable[[], Awaitable[int]]


class MemoryEffects:
    def __init__(self) -> None:
        self.rows: dict[UUID, UUID] = {}

    async def add(self, *, event_id: UUID, beneficiary_id: UUID) -> None:
        self.rows[event_id] = beneficiary_id

    async def count(self) -> int:
        return len(self.rows)


class PostgresEffects:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, *, event_id: UUID, beneficiary_id: UUID) -> None:
        await self._conn.execute("INSERT INTO effects (event_id, beneficiary_id) VALUES ($1, $2)", event_id,
                                 beneficiary_id)

    async def count(self) -> int:
        return await self._conn.fetchval("SELECT count(*) FROM effects")


class ProbeMemoryUoW(InMemoryUnitOfWork):
    def __init__(self, effects: MemoryEffects, committed: list) -> None:
        super().__init__(topic=TOPIC, producer="probe")
        self.effects = effects
        self.committed = committed  # shared across units, as a store's published events are

    def _snapshot(self) -> object:
        return copy.deepcopy(self.effects.rows)

    def _restore(self, saved: object) -> None:
        self.effects.rows = saved  # type: ignore[assignment]


class ProbePostgresUoW(PostgresUnitOfWork):
    effects: PostgresEffects

    def _repositories(self, conn: asyncpg.Connection) -> None:
        self.effects = PostgresEffects(conn)


def memory_store() -> Store:
    effects, committed = MemoryEffects(), []

    async def published() -> list[UUID]:
        return [e.event_id for e in committed]

    async def count() -> int:
        return len(effects.rows)

    return Store(lambda: ProbeMemoryUoW(effects, committed), published, count)


def postgres_store(pool: asyncpg.Pool) -> Store:
    async def published() -> list[UUID]:
        return [r["event_id"] for r in await pool.fetch("SELECT event_id FROM outbox WHERE topic = $1 ORDER BY seq",
                                                         TOPIC)]

    async def count() -> int:
        return await pool.fetchval("SELECT count(*) FROM effects")

    return Store(lambda: ProbePostgresUoW(pool, topic=TOPIC, producer="probe"), published, count)


def _waiting() -> HousingCandidateWaiting:
    return HousingCandidateWaiting(since=date(2026, 1, 1))


class UnitOfWorkContract:
    """Subclassed once per store, with a `store` fixture."""

    async def test_work_and_its_events_commit_together(self, store: Store):
        person = uuid4()
        async with store.make() as uow:
            await uow.effects.add(event_id=uuid4(), beneficiary_id=person)  # type: ignore[attr-defined]
            first = uow.emit(_waiting(), beneficiary_id=person, organisation_id="org")
            second = uow.emit(_waiting(), beneficiary_id=person, organisation_id="org")
        assert await store.published() == [first.event_id, second.event_id]
        assert first.correlation_id == second.correlation_id and first.producer == "probe"
        assert await store.effects() == 1

    async def test_a_failure_rolls_back_the_work_and_its_events(self, store: Store):
        with pytest.raises(Boom):
            async with store.make() as uow:
                await uow.effects.add(event_id=uuid4(), beneficiary_id=uuid4())  # type: ignore[attr-defined]
                uow.emit(_waiting(), beneficiary_id=uuid4(), organisation_id="org")
                raise Boom
        assert await store.published() == []
        assert await store.effects() == 0

    async def test_each_unit_has_its_own_correlation(self, store: Store):
        envelopes = []
        for _ in range(2):
            async with store.make() as uow:
                envelopes.append(uow.emit(_waiting(), beneficiary_id=uuid4(), organisation_id="org"))
        assert envelopes[0].correlation_id != envelopes[1].correlation_id
        assert await store.published() == [e.event_id for e in envelopes]

    async def test_events_taken_by_a_repository_are_not_written_twice(self, store: Store):
        async with store.make() as uow:
            uow.emit(_waiting(), beneficiary_id=uuid4(), organisation_id="org")
            taken = uow.take_pending()
            kept = uow.emit(_waiting(), beneficiary_id=uuid4(), organisation_id="org")
        assert len(taken) == 1
        assert kept.event_id in await store.published()

    async def test_a_unit_without_a_topic_refuses_to_emit(self, store: Store):
        uow = store.make()
        uow.topic = None
        with pytest.raises(RuntimeError, match="publishes no topic"):
            uow.emit(_waiting(), beneficiary_id=uuid4(), organisation_id="org")
