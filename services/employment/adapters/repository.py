"""SQL for employment's candidates; functions take the caller's connection (its transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from employment.domain.candidates import WorkCandidate
from shared.db import json_text


async def add_candidates(
    conn: asyncpg.Connection, *, candidates: Sequence[WorkCandidate], event_ids: Sequence[UUID]
) -> set[UUID]:
    """Insert the candidates in one statement (`event_ids[i]` registered `candidates[i]`); returns
    the ids of the registration events whose person was not a candidate already. Languages go as
    one JSON list per person: PostgreSQL's arrays of arrays must be rectangular."""
    rows = await conn.fetch(
        """
        INSERT INTO candidates (beneficiary_id, organisation_id, since, age_band, italian_level, languages,
                                area, registered_event)
        SELECT b, o, s, a, i, array(SELECT jsonb_array_elements_text(l::jsonb)), r, e
        FROM unnest($1::uuid[], $2::text[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[],
                    $8::uuid[]) AS c(b, o, s, a, i, l, r, e)
        ON CONFLICT (beneficiary_id) DO NOTHING
        RETURNING registered_event
        """,
        [c.beneficiary_id for c in candidates], [c.organisation_id for c in candidates],
        [c.since for c in candidates], [c.age_band for c in candidates], [c.italian_level for c in candidates],
        [json_text(c.languages) for c in candidates], [c.area for c in candidates], list(event_ids),
    )
    return {r["registered_event"] for r in rows}


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
