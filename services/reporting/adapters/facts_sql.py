"""SQL for the fact tables: appends (each fact once, whoever writes it first: the consumer or a
rebuild) and the person's timeline. Functions take the caller's connection; generation numbers come
from `projection_generations`, never from a request, so formatting them into SQL is safe."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from reporting.domain.facts import fact_rows
from shared.db import Connection
from shared.events.envelope import Event

COLUMNS = (
    "event_id", "seq", "event_type", "schema_version", "producer", "recorded_at", "occurred_on", "beneficiary_id",
    "organisation_id", "project_id", "kind", "category", "sector", "amount", "quantity", "record_id", "supersedes",
    "sex", "age_band", "legal_status", "citizenship", "province", "women_inactive", "payload",
)
_TYPES = (
    "uuid", "int2", "text", "int2", "text", "timestamptz", "date", "uuid", "text", "text", "text", "text", "text",
    "numeric",
    "numeric", "uuid", "uuid", "text", "text", "text", "text", "text", "text", "text",
)
_UNNEST = ", ".join(f"${i + 1}::{t}[]" for i, t in enumerate(_TYPES))
# The payload arrives as JSON text (serialised once, by pydantic-core) and is cast to json here.
_SELECT = ", ".join([*(f"u.{c}" for c in COLUMNS[:-1]), "u.payload::json"])
SELECT_STAGED = ", ".join([*COLUMNS[:-1], "payload::json"])


def schema(generation: int) -> str:
    return f"gen_{int(generation)}"


def rows_of(events: Iterable[Event]) -> list[tuple[Any, ...]]:
    """One tuple per fact, in COLUMNS' order; the payload (the upcast one, serialised once by
    pydantic-core) is kept on each event's first fact only."""
    rows: list[tuple[Any, ...]] = []
    add = rows.append
    for event in events:
        envelope = event.envelope
        version, producer = envelope.schema_version, envelope.producer
        payload: str | None = event.payload.__pydantic_serializer__.to_json(event.payload).decode()
        for f in fact_rows(event):
            add((*f[:3], version, producer, *f[3:], payload))
            payload = None
    return rows


async def append(conn: Connection, generation: int, rows: Sequence[tuple[Any, ...]]) -> None:
    """A small batch in one `unnest` statement."""
    if not rows:
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    await conn.execute(
        f"INSERT INTO {schema(generation)}.facts ({', '.join(COLUMNS)}) SELECT {_SELECT} "
        f"FROM unnest({_UNNEST}) AS u({', '.join(COLUMNS)}) ON CONFLICT (event_id, seq) DO NOTHING",
        *columns,
    )


STAGED_FROM = 64  # rows; below this one unnest round trip beats the staging's three
_STAGE = f"""
CREATE TEMP TABLE IF NOT EXISTS facts_stage (
    {", ".join(f"{c} {'text' if c == 'payload' else t}" for c, t in zip(COLUMNS, (
        "uuid", "smallint", "text", "smallint", "text", "timestamptz", "date", "uuid", "text", "text", "text", "text",
        "text", "numeric", "numeric", "uuid", "uuid", "text", "text", "text", "text", "text", "text", "text"),
        strict=True))}
) ON COMMIT DELETE ROWS
"""


async def append_staged(conn: Connection, generations: Sequence[int], rows: Sequence[tuple[Any, ...]]) -> None:
    """Binary COPY into a temporary staging table, then one INSERT per generation that skips the facts
    already there: for big batches cheaper per row than `unnest`, whose 24 arrays the server must each
    take apart (figures in the README)."""
    if not rows:
        return
    await conn.execute(_STAGE)
    await conn.copy_records_to_table("facts_stage", records=rows, columns=COLUMNS)
    for generation in generations:
        await conn.execute(
            f"INSERT INTO {schema(generation)}.facts ({', '.join(COLUMNS)}) SELECT {SELECT_STAGED} FROM facts_stage "
            "ON CONFLICT (event_id, seq) DO NOTHING")
    # The staged rows go at commit (ON COMMIT DELETE ROWS); a second batch in the same transaction
    # would insert them again, which the conflict clause makes harmless.


async def open_generations(conn: Connection) -> list[int]:
    """The generations events are written to: the active one and any being rebuilt. Locked FOR SHARE until
    the caller's transaction ends, so a switch waits for the batch and never drops a generation it writes."""
    rows = await conn.fetch(
        "SELECT generation FROM projection_generations WHERE state IN ('active', 'building') "
        "ORDER BY generation FOR SHARE")
    return [r["generation"] for r in rows]


async def active_generation(conn: Connection) -> int:
    """The generation reports read, locked FOR SHARE until the caller's transaction ends: a switch (which
    drops the old generation) waits for the reports reading it instead of dropping tables under their
    queries. A read that waited behind a switch finds no row (the row it waited for was retired, and the
    new active one was still `building` in its snapshot), so it asks once more."""
    for _ in range(2):
        value = await conn.fetchval(
            "SELECT generation FROM projection_generations WHERE state = 'active' FOR SHARE")
        if value is not None:
            return int(value)
    raise RuntimeError("no active projection generation: reporting's migrations were not applied")


async def timeline(conn: Connection, generation: int, *, beneficiary_id: UUID,
                   organisations: Sequence[str] | None, as_of: datetime) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""
        SELECT event_id, event_type, schema_version, producer, recorded_at, occurred_on, organisation_id,
               project_id, kind, category, sector, amount, quantity, payload
        FROM {schema(generation)}.facts
        WHERE beneficiary_id = $1 AND seq = 0 AND recorded_at <= $3
          AND ($2::text[] IS NULL OR organisation_id = ANY($2))
        ORDER BY occurred_on, recorded_at, event_id
        """,
        beneficiary_id, list(organisations) if organisations is not None else None, as_of,
    )
