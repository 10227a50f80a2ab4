"""SQL for interventions, courses, enrolments and completions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

import asyncpg

from shared.db import Connection


@dataclass(frozen=True)
class NewIntervention:
    intervention_id: UUID
    beneficiary_id: UUID
    organisation_id: str
    kind: str
    on_date: date
    duration_minutes: int
    hours: Decimal | None
    operator_id: str
    project_id: str
    cost_eur: Decimal | None
    course_id: UUID | None
    recorded_by: str
    corrects: UUID | None = None


@dataclass(frozen=True)
class NewCourse:
    course_id: UUID
    organisation_id: str
    kind: str
    title: str
    project_id: str
    start_date: date
    end_date: date
    hours: Decimal
    created_by: str


async def insert_intervention(conn: Connection, i: NewIntervention) -> None:
    await conn.execute(
        """
        INSERT INTO interventions (intervention_id, beneficiary_id, organisation_id, kind, on_date, duration_minutes,
            hours, operator_id, project_id, cost_eur, course_id, recorded_by, corrects)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        """,
        i.intervention_id, i.beneficiary_id, i.organisation_id, i.kind, i.on_date, i.duration_minutes, i.hours,
        i.operator_id, i.project_id, i.cost_eur, i.course_id, i.recorded_by, i.corrects,
    )


_WITH_SUPERSEDED_BY = """
    FROM interventions i LEFT JOIN interventions s ON s.corrects = i.intervention_id
"""


async def interventions_of(
    conn: Connection, *, beneficiary_id: UUID, limit: int, offset: int, include_superseded: bool = False
) -> tuple[int, list[asyncpg.Record]]:
    """One page of the person's interventions, latest first, with their total; superseded ones (a
    later row corrects them) only when asked for."""
    where = "WHERE i.beneficiary_id = $1 AND ($2 OR s.intervention_id IS NULL)"
    total = await conn.fetchval(f"SELECT count(*) {_WITH_SUPERSEDED_BY} {where}", beneficiary_id, include_superseded)
    rows = await conn.fetch(
        f"""
        SELECT i.intervention_id, i.kind, i.on_date, i.duration_minutes, i.hours, i.operator_id, i.project_id,
            i.cost_eur, i.course_id, i.corrects, s.intervention_id AS superseded_by
        {_WITH_SUPERSEDED_BY} {where}
        ORDER BY i.on_date DESC, i.created_at DESC, i.intervention_id LIMIT $3 OFFSET $4
        """,
        beneficiary_id, include_superseded, limit, offset,
    )
    return total, rows


async def intervention(
    conn: Connection, *, beneficiary_id: UUID, intervention_id: UUID
) -> asyncpg.Record | None:
    """One of the person's interventions, with the row that corrects it if any."""
    return await conn.fetchrow(
        f"SELECT i.*, s.intervention_id AS superseded_by {_WITH_SUPERSEDED_BY} "
        "WHERE i.beneficiary_id = $1 AND i.intervention_id = $2",
        beneficiary_id, intervention_id,
    )


async def current_of(conn: Connection, *, intervention_id: UUID) -> UUID:
    """The end of the chain of corrections from `intervention_id`: the row that counts now."""
    return await conn.fetchval(
        """
        WITH RECURSIVE chain (intervention_id) AS (
            SELECT $1::uuid
            UNION ALL
            SELECT i.intervention_id FROM interventions i JOIN chain c ON i.corrects = c.intervention_id
        )
        SELECT c.intervention_id FROM chain c
        WHERE NOT EXISTS (SELECT 1 FROM interventions i WHERE i.corrects = c.intervention_id)
        """,
        intervention_id,
    )


async def insert_course(conn: Connection, c: NewCourse) -> None:
    await conn.execute(
        """
        INSERT INTO courses (course_id, organisation_id, kind, title, project_id, start_date, end_date, hours,
            created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """,
        c.course_id, c.organisation_id, c.kind, c.title, c.project_id, c.start_date, c.end_date, c.hours,
        c.created_by,
    )


async def course(conn: Connection, *, organisation_id: str, course_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM courses WHERE organisation_id = $1 AND course_id = $2", organisation_id, course_id
    )


async def enrol(
    conn: Connection, *, course_id: UUID, beneficiary_id: UUID, enrolled_on: date, enrolled_by: str
) -> bool:
    """False when the person was enrolled already."""
    return bool(await conn.fetchval(
        """
        INSERT INTO course_enrolments (course_id, beneficiary_id, enrolled_on, enrolled_by) VALUES ($1, $2, $3, $4)
        ON CONFLICT DO NOTHING RETURNING true
        """,
        course_id, beneficiary_id, enrolled_on, enrolled_by,
    ))


async def enrolled_on(conn: Connection, *, course_id: UUID, beneficiary_id: UUID) -> date | None:
    """The day the person was enrolled in the course; None when they are not."""
    return await conn.fetchval(
        "SELECT enrolled_on FROM course_enrolments WHERE course_id = $1 AND beneficiary_id = $2",
        course_id, beneficiary_id,
    )


async def complete(
    conn: Connection, *, course_id: UUID, beneficiary_id: UUID, completed_on: date,
    level_before: str | None, level_reached: str | None, recorded_by: str,
) -> bool:
    """False when the person had completed the course already."""
    return bool(await conn.fetchval(
        """
        INSERT INTO course_completions (course_id, beneficiary_id, completed_on, level_before, level_reached,
            recorded_by)
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING true
        """,
        course_id, beneficiary_id, completed_on, level_before, level_reached, recorded_by,
    ))
