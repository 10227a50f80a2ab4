"""Reporting's generations on PostgreSQL, for the rebuild: the session lock that keeps one rebuild at a
time, each step of a generation's life on a connection of its own, and the loader that fills one
from the topics by COPY."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Protocol

import asyncpg

from reporting.adapters import generations as generations_sql
from reporting.adapters.facts_sql import rows_of
from reporting.adapters.postgres import PostgresFacts
from shared.events.envelope import Event, EventPayload

COPY_ROWS = 20_000  # facts per COPY: a round trip and a staging insert amortised over many rows


class EventSource(Protocol):
    def batches(self) -> AsyncIterator[list[Event[EventPayload]]]: ...


class PostgresGenerations:
    """The service layer's `Generations` on the service's pool. A rebuild outlives any one
    transaction (it loads for minutes while the live consumer keeps writing), so each step takes its
    own connection, and the lock is a session lock on a connection held for the whole run."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[bool]:
        """True while this process holds the rebuild lock; False if another rebuild holds it."""
        async with self._pool.acquire() as guard:
            if not await generations_sql.lock_rebuild(guard):
                yield False
                return
            try:
                yield True
            finally:
                await generations_sql.unlock_rebuild(guard)

    async def open_new(self) -> int:
        async with self._pool.acquire() as conn:
            return await generations_sql.open_new(conn)

    async def index(self, generation: int) -> None:
        async with self._pool.acquire() as conn:
            await generations_sql.index(conn, generation)

    async def switch(self, generation: int) -> int:
        """Counts the generation's facts and makes it the active one, in one transaction."""
        async with self._pool.acquire() as conn, conn.transaction():
            facts = await PostgresFacts(conn).count(generation)
            await generations_sql.switch(conn, generation, facts)
            return facts

    async def abandon(self, generation: int) -> None:
        async with self._pool.acquire() as conn:
            await generations_sql.abandon(conn, generation)

    async def listed(self) -> list[dict[str, object]]:
        async with self._pool.acquire() as conn:
            return [dict(r) for r in await generations_sql.listed(conn)]

    def loader(self, source_factory: Callable[[], EventSource]) -> Callable[[int], Awaitable[int]]:
        """The rebuild's Loader (fills generation n, returns its facts): one task reads and decodes
        while another writes, so the decoding overlaps the database's work (worker processes were tried
        and were no faster here: see the README). The source gives small batches, each made into rows at
        once and dropped: a batch's events (pydantic models, a dozen tracked objects each) are then few
        when the collector runs, where 20,000 of them alive at a time made it walk them again and again
        (a third of the CPU); the rows gather into big COPYs."""
        pool = self._pool

        async def load(generation: int) -> int:
            queue: asyncio.Queue[list[tuple[object, ...]] | None] = asyncio.Queue(maxsize=2)

            async def read() -> None:
                rows: list[tuple[object, ...]] = []
                try:
                    async for events in source_factory().batches():
                        rows += rows_of(events)  # decoding here overlaps the writer's inserts
                        if len(rows) >= COPY_ROWS:
                            await queue.put(rows)
                            rows = []
                    if rows:
                        await queue.put(rows)
                finally:
                    await queue.put(None)

            async def write() -> int:
                written = 0
                async with pool.acquire() as conn:
                    while (rows := await queue.get()) is not None:
                        async with conn.transaction():
                            await generations_sql.append_rows(conn, generation, rows)
                        written += len(rows)
                return written

            _, written = await asyncio.gather(read(), write())
            return written

        return load
