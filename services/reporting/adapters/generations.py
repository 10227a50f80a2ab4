"""The life of a projection generation: opened (the consumer starts writing to it too), filled,
indexed, switched to (the old one retired and dropped), or abandoned."""

from __future__ import annotations

import asyncpg

from reporting.adapters import facts_sql
from shared.db import Connection

_REBUILD_LOCK = 0x7265706F  # "repo": reporting's rebuild, one at a time per database


async def lock_rebuild(conn: Connection) -> bool:
    return bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", _REBUILD_LOCK))


async def unlock_rebuild(conn: Connection) -> None:
    await conn.execute("SELECT pg_advisory_unlock($1)", _REBUILD_LOCK)


async def open_new(conn: Connection) -> int:
    """A new generation in state `building`. The caller holds the rebuild lock, so a generation still
    `building` was left by a rebuild that died: it is dropped first."""
    async with conn.transaction():
        await conn.execute("LOCK TABLE projection_generations IN EXCLUSIVE MODE")
        for stale in await conn.fetch("SELECT generation FROM projection_generations WHERE state = 'building'"):
            await conn.execute("DELETE FROM projection_generations WHERE generation = $1", stale["generation"])
            await conn.execute("SELECT drop_fact_generation($1)", stale["generation"])
        generation = int(await conn.fetchval("SELECT coalesce(max(generation), 0) + 1 FROM projection_generations"))
        await conn.execute("SELECT create_fact_generation($1)", generation)
        await conn.execute("INSERT INTO projection_generations (generation, state) VALUES ($1, 'building')",
                           generation)
    return generation


async def append_rows(conn: Connection, generation: int, rows: list[tuple[object, ...]]) -> None:
    """A rebuild's batch, staged (the live consumer may have written some of its facts already)."""
    await facts_sql.append_staged(conn, [generation], rows)


async def index(conn: Connection, generation: int) -> None:
    await conn.execute("SELECT index_fact_generation($1)", generation)  # and ANALYZE, as the owner


async def switch(conn: Connection, generation: int, facts: int) -> None:
    """In the caller's transaction: the new generation becomes the one reports read."""
    old = await conn.fetchval("SELECT generation FROM projection_generations WHERE state = 'active' FOR UPDATE")
    await conn.execute("UPDATE projection_generations SET state = 'retired' WHERE generation = $1", old)
    await conn.execute(
        "UPDATE projection_generations SET state = 'active', switched_at = now(), events = $2 WHERE generation = $1",
        generation, facts)
    if old is not None:
        await conn.execute("SELECT drop_fact_generation($1)", old)


async def abandon(conn: Connection, generation: int) -> None:
    async with conn.transaction():
        await conn.execute("DELETE FROM projection_generations WHERE generation = $1 AND state = 'building'",
                           generation)
        await conn.execute("SELECT drop_fact_generation($1)", generation)


async def listed(conn: Connection) -> list[asyncpg.Record]:
    return list(await conn.fetch("SELECT generation, state, events FROM projection_generations ORDER BY generation"))
