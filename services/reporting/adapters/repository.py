"""SQL for reporting's read models; functions take the caller's connection."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from reporting.domain.indicators import Cell
from reporting.domain.people import CountedPerson
from shared.events.envelope import Event


async def add_people(conn: asyncpg.Connection, people: Sequence[CountedPerson]) -> None:
    """Insert the people counted by the indicators in one statement; a person already there stays."""
    if not people:
        return
    await conn.execute(
        """
        INSERT INTO people (beneficiary_id, organisation_id, registered_on, sex, age_band, legal_status, area)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[])
        ON CONFLICT (beneficiary_id) DO NOTHING
        """,
        *(list(column) for column in zip(*people, strict=True)),
    )


async def correct_person(
    conn: asyncpg.Connection, *, beneficiary_id: UUID, sex: str | None = None, age_band: str | None = None,
    legal_status: str | None = None,
) -> None:
    """New values of the counted attributes; None keeps the one stored."""
    await conn.execute(
        """
        UPDATE people SET sex = coalesce($2, sex), age_band = coalesce($3, age_band),
            legal_status = coalesce($4, legal_status)
        WHERE beneficiary_id = $1
        """,
        beneficiary_id, sex, age_band, legal_status,
    )


async def mark_erased(conn: asyncpg.Connection, *, beneficiary_ids: Sequence[UUID]) -> None:
    await conn.execute("UPDATE people SET erased = true WHERE beneficiary_id = ANY($1::uuid[])", beneficiary_ids)


async def add_to_timeline(conn: asyncpg.Connection, events: Sequence[Event]) -> None:
    """Put the events on their people's timelines in one statement, each once. The payload stored is
    the validated one in its current contract's shape (upcast), never the bytes as received: a field
    an old version carried and the current one dropped (v1 assessments' skill names) is not kept."""
    envelopes = [e.envelope for e in events]
    await conn.execute(
        """
        INSERT INTO timeline (event_id, beneficiary_id, organisation_id, event_type, occurred_at, producer, payload)
        SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::text[],
                             $7::jsonb[])
        ON CONFLICT (event_id) DO NOTHING
        """,
        [e.event_id for e in envelopes], [e.beneficiary_id for e in envelopes],
        [e.organisation_id for e in envelopes], [e.event_type for e in envelopes],
        [e.occurred_at for e in envelopes], [e.producer for e in envelopes],
        [e.payload.model_dump(mode="json") for e in events],
    )


async def count_cells(conn: asyncpg.Connection, *, organisation_id: str | None) -> list[Cell]:
    """People by organisation, sex and age band; all organisations when organisation_id is None."""
    rows = await conn.fetch(
        """
        SELECT organisation_id, sex, age_band, count(*) AS n FROM people
        WHERE $1::text IS NULL OR organisation_id = $1
        GROUP BY organisation_id, sex, age_band
        """,
        organisation_id,
    )
    return [Cell(r["organisation_id"], r["sex"], r["age_band"], r["n"]) for r in rows]


async def timeline_of(conn: asyncpg.Connection, *, beneficiary_id: UUID, organisation_id: str) -> list[dict]:
    rows = await conn.fetch(
        """
        SELECT event_id, event_type, occurred_at, producer, payload FROM timeline
        WHERE beneficiary_id = $1 AND organisation_id = $2 ORDER BY occurred_at, event_id
        """,
        beneficiary_id, organisation_id,
    )
    return [dict(r) for r in rows]
