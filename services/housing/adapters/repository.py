"""SQL for housing's waiting list; functions take the caller's connection (its transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from housing.domain.waiting import HousingCandidate


async def add_waiting(
    conn: asyncpg.Connection, *, candidates: Sequence[HousingCandidate], event_ids: Sequence[UUID]
) -> set[UUID]:
    """Insert the candidates in one statement (`event_ids[i]` registered `candidates[i]`); returns
    the ids of the registration events whose person was not waiting already."""
    rows = await conn.fetch(
        """
        INSERT INTO waiting_list (beneficiary_id, organisation_id, since, household_size, children,
                                  reception, area, registered_event)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::int[], $5::int[], $6::text[], $7::text[],
                             $8::uuid[])
        ON CONFLICT (beneficiary_id) DO NOTHING
        RETURNING registered_event
        """,
        [c.beneficiary_id for c in candidates], [c.organisation_id for c in candidates],
        [c.since for c in candidates], [c.household_size for c in candidates], [c.children for c in candidates],
        [c.reception for c in candidates], [c.area for c in candidates], list(event_ids),
    )
    return {r["registered_event"] for r in rows}


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
