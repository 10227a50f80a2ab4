"""SQL for reporting's read models; functions take the caller's connection."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from reporting.domain.indicators import Cell
from shared.events.envelope import Envelope


async def add_person(
    conn: asyncpg.Connection, *, envelope: Envelope, registered_on, sex: str, age_band: str,
    legal_status: str, area: str | None,
) -> None:
    await conn.execute(
        """
        INSERT INTO people (beneficiary_id, organisation_id, registered_on, sex, age_band, legal_status, area)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (beneficiary_id) DO NOTHING
        """,
        envelope.beneficiary_id, envelope.organisation_id, registered_on, sex, age_band, legal_status, area,
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


async def mark_erased(conn: asyncpg.Connection, *, beneficiary_id: UUID) -> None:
    await conn.execute("UPDATE people SET erased = true WHERE beneficiary_id = $1", beneficiary_id)


async def add_to_timeline(conn: asyncpg.Connection, *, envelope: Envelope) -> None:
    await conn.execute(
        """
        INSERT INTO timeline (event_id, beneficiary_id, organisation_id, event_type, occurred_at, producer, payload)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING
        """,
        envelope.event_id, envelope.beneficiary_id, envelope.organisation_id, envelope.event_type,
        envelope.occurred_at, envelope.producer, envelope.payload,
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
