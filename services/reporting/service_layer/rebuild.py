"""Rebuild every projection from the start of the topics into a new generation while reports keep
answering from the active one; then switch. The live consumer writes each event to every open
generation (appends are idempotent), so whatever arrives during the rebuild is in both."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from reporting.adapters import generations as generations_sql
from reporting.adapters.facts_sql import rows_of
from reporting.adapters.postgres import PostgresFacts
from shared.errors import Conflict
from shared.events.envelope import Event

log = logging.getLogger(__name__)


class EventSource(Protocol):
    def batches(self) -> AsyncIterator[list[Event]]: ...


Loader = Callable[[int], Awaitable[int]]  # fills generation n from the topics; returns the facts written


@dataclass(frozen=True)
class RebuildResult:
    generation: int
    facts: int
    seconds: float


async def rebuild(pool, load: Loader) -> RebuildResult:  # noqa: ANN001
    """Build generation n+1 from the topics, index it, then make it the active one. One rebuild at a
    time, across processes: it holds a session advisory lock for its whole run, so a generation left
    `building` by a process that died is known to be stale and is dropped by the next rebuild."""
    async with pool.acquire() as guard:
        if not await generations_sql.lock_rebuild(guard):
            raise Conflict("a rebuild is already running", rule="rebuild_running")
        try:
            return await _rebuild(pool, load)
        finally:
            await generations_sql.unlock_rebuild(guard)


COPY_ROWS = 20_000  # facts per COPY: a round trip and a staging insert amortised over many rows


def in_process(pool, source_factory: Callable[[], EventSource]) -> Loader:  # noqa: ANN001
    """The loader: one task reads and decodes while another writes, so the decoding overlaps the
    database's work (worker processes were tried and were no faster here: see the README). The source
    gives small batches, each made into rows at once and dropped: a batch's events (pydantic models,
    a dozen tracked objects each) are then few when the collector runs, where 20,000 of them alive
    at a time made it walk them again and again (a third of the CPU); the rows gather into big COPYs."""

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


async def _rebuild(pool, load: Loader) -> RebuildResult:  # noqa: ANN001
    started = time.perf_counter()
    async with pool.acquire() as conn:
        generation = await generations_sql.open_new(conn)
    try:
        written = await load(generation)
        loaded = time.perf_counter()
        async with pool.acquire() as conn:
            await generations_sql.index(conn, generation)
            log.info("rebuild loaded and indexed", extra={
                "generation": generation, "facts": written, "load_s": round(loaded - started, 2),
                "index_s": round(time.perf_counter() - loaded, 2)})
            async with conn.transaction():
                facts = await PostgresFacts(conn).count(generation)
                await generations_sql.switch(conn, generation, facts)
    except BaseException:
        async with pool.acquire() as conn:
            await generations_sql.abandon(conn, generation)
        raise
    return RebuildResult(generation, facts, time.perf_counter() - started)


async def generations(pool) -> list[dict[str, object]]:  # noqa: ANN001
    async with pool.acquire() as conn:
        return [dict(r) for r in await generations_sql.listed(conn)]
