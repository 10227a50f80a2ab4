"""SQL for housing's waiting list; functions take the caller's connection (its transaction)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from housing.domain.waiting import HousingCandidate


async def add_waiting(conn: asyncpg.Connection, *, candidate: HousingCandidate, event_id: UUID) -> bool:
    """Insert the candidate; False when they were already waiting."""
    status = await conn.execute(
        """
        INSERT INTO waiting_list (beneficiary_id, organisation_id, since, household_size, children,
                                  reception, area, registered_event)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (beneficiary_id) DO NOTHING
        """,
        candidate.beneficiary_id, candidate.organisation_id, candidate.since, candidate.household_size,
        candidate.children, candidate.reception, candidate.area, event_id,
    )
    return status.endswith(" 1")


async def list_waiting(conn: asyncpg.Connection, *, organisation_id: str, limit: int, offset: int) -> list[dict]:
    """One organisation's waiting list, oldest first."""
    rows = await conn.fetch(
        """
        SELECT beneficiary_id, since, household_size, children, reception, area, status
        FROM waiting_list WHERE organisation_id = $1 ORDER BY since, beneficiary_id LIMIT $2 OFFSET $3
        """,
        organisation_id, limit, offset,
    )
    return [dict(r) for r in rows]
