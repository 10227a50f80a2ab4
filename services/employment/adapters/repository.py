"""SQL for employment's candidates; functions take the caller's connection (its transaction)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from employment.domain.candidates import WorkCandidate


async def add_candidate(conn: asyncpg.Connection, *, candidate: WorkCandidate, event_id: UUID) -> bool:
    """Insert the candidate; False when they were already there."""
    status = await conn.execute(
        """
        INSERT INTO candidates (beneficiary_id, organisation_id, since, age_band, italian_level, languages,
                                area, registered_event)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (beneficiary_id) DO NOTHING
        """,
        candidate.beneficiary_id, candidate.organisation_id, candidate.since, candidate.age_band,
        candidate.italian_level, list(candidate.languages), candidate.area, event_id,
    )
    return status.endswith(" 1")


async def list_candidates(conn: asyncpg.Connection, *, organisation_id: str, limit: int, offset: int) -> list[dict]:
    """One organisation's candidates, oldest first."""
    rows = await conn.fetch(
        """
        SELECT beneficiary_id, since, age_band, italian_level, languages, area, status
        FROM candidates WHERE organisation_id = $1 ORDER BY since, beneficiary_id LIMIT $2 OFFSET $3
        """,
        organisation_id, limit, offset,
    )
    return [dict(r) for r in rows]
