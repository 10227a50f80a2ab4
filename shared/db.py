"""PostgreSQL plumbing: pools with JSON codecs, databases, and numbered SQL migrations."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from pydantic_core import from_json, to_json

log = logging.getLogger(__name__)

# A connection as the code using it sees it: one of its own, or one borrowed from a pool (a proxy
# with the same API, which the type checker does not take for a Connection).
Connection: TypeAlias = asyncpg.Connection | PoolConnectionProxy

SHARED_MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 727_001  # advisory lock id: one migrator per database at a time


def json_text(value: object) -> str:
    """JSON text for a json/jsonb parameter, through pydantic-core's serialiser: it is already in every
    process and costs a fraction of the standard library's for the small objects stored here (the
    outbox headers); its parser likewise (figures in the README's Benchmarks section)."""
    return to_json(value).decode()


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json_text, decoder=from_json, schema="pg_catalog")


async def _keep_session(_conn: asyncpg.Connection) -> None:
    """Return a connection to the pool without asyncpg's default reset (RESET ALL, UNLISTEN *,
    CLOSE ALL, unlock all advisory locks: one more round trip on every release). asyncpg still
    rolls back an open transaction; nothing here leaves session state on a pooled connection but
    the relay, which unlistens and unlocks before it gives its connection back."""


async def create_pool(dsn: str, *, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections speak JSON for json/jsonb columns. The caller owns and closes it."""
    return await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=_init_connection, reset=_keep_session
    )


async def ensure_database(server_dsn: str, database: str) -> bool:
    """Create `database` on the server if it is missing; True when it was created."""
    conn = await asyncpg.connect(server_dsn)
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            return False
        await conn.execute(f'CREATE DATABASE "{database}"')
        return True
    finally:
        await conn.close()


async def drop_database(server_dsn: str, database: str) -> None:
    conn = await asyncpg.connect(server_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await conn.close()


def migration_files(service_dir: Path) -> list[tuple[str, Path]]:
    """Shared plumbing tables first, then the service's own, each in file-name order."""
    shared = [(f"shared/{p.name}", p) for p in sorted(SHARED_MIGRATIONS.glob("*.sql"))]
    own = [(f"{service_dir.name}/{p.name}", p) for p in sorted((service_dir / "migrations").glob("*.sql"))]
    return shared + own


async def migrate(dsn: str, service_dir: Path, *, role: str | None = None) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction; returns their names.
    With `role`, they run as that role (`SET ROLE`: the objects they make belong to it)."""
    conn = await asyncpg.connect(dsn)
    applied: list[str] = []
    try:
        if role:
            await conn.execute(f'SET ROLE "{role}"')
        await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
        for name, path in migration_files(service_dir):
            if name in done:
                continue
            async with conn.transaction():
                await conn.execute(path.read_text())
                await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
            applied.append(name)
            log.info("migration applied", extra={"migration": name})
    finally:
        await conn.close()
    return applied
