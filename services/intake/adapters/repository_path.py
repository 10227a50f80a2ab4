"""SQL for the path: assessments, the plan, its goals and their append-only history, and status
moves. Every function takes the caller's connection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from shared.db import Connection


@dataclass(frozen=True)
class NewAssessment:
    assessment_id: UUID
    beneficiary_id: UUID
    organisation_id: str
    assessed_on: date
    skills_per_level: list[dict[str, Any]]
    work_experience: list[dict[str, Any]]
    need_keywords: dict[str, list[str]]
    vulnerability_count: int
    notes: bytes
    recorded_by: str


@dataclass(frozen=True)
class NewGoal:
    goal_id: UUID
    position: int
    area: str
    responsible_operator: str
    deadline: date
    phase_dues: list[date]
    notes: bytes


async def insert_assessment(conn: Connection, a: NewAssessment) -> None:
    await conn.execute(
        """
        INSERT INTO assessments (assessment_id, beneficiary_id, organisation_id, assessed_on, skills_per_level,
            work_experience, need_keywords, vulnerability_count, notes, recorded_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        """,
        a.assessment_id, a.beneficiary_id, a.organisation_id, a.assessed_on, a.skills_per_level, a.work_experience,
        a.need_keywords, a.vulnerability_count, a.notes, a.recorded_by,
    )


async def assessments_of(conn: Connection, *, beneficiary_id: UUID) -> list[asyncpg.Record]:
    """The person's assessments, newest first."""
    return await conn.fetch(
        """
        SELECT assessment_id, assessed_on, recorded_by, skills_per_level, work_experience, need_keywords,
            vulnerability_count, notes
        FROM assessments WHERE beneficiary_id = $1 ORDER BY assessed_on DESC, created_at DESC, assessment_id
        """,
        beneficiary_id,
    )


async def insert_plan(
    conn: Connection, *, beneficiary_id: UUID, organisation_id: str, agreed_on: date, agreed_by: str,
    goals: list[NewGoal],
) -> None:
    """The plan, its goals, and each goal's first history row ('agreed')."""
    await conn.execute(
        "INSERT INTO plans (beneficiary_id, organisation_id, agreed_on, agreed_by) VALUES ($1, $2, $3, $4)",
        beneficiary_id, organisation_id, agreed_on, agreed_by,
    )
    await insert_goals(conn, beneficiary_id=beneficiary_id, organisation_id=organisation_id, change="agreed",
                       recorded_on=agreed_on, recorded_by=agreed_by, goals=goals)


async def insert_goals(
    conn: Connection, *, beneficiary_id: UUID, organisation_id: str, change: str, recorded_on: date,
    recorded_by: str, goals: list[NewGoal],
) -> None:
    """Goals of the person's plan, each with its first history row: 'agreed' with the plan, 'added' after."""
    await conn.executemany(
        """
        INSERT INTO goals (goal_id, beneficiary_id, organisation_id, position, area, responsible_operator,
            deadline, phase_dues, notes)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """,
        [(g.goal_id, beneficiary_id, organisation_id, g.position, g.area, g.responsible_operator, g.deadline,
          g.phase_dues, g.notes) for g in goals],
    )
    for g in goals:
        await append_goal_history(
            conn, goal_id=g.goal_id, beneficiary_id=beneficiary_id, change=change, status="open",
            deadline=g.deadline, closed_on=None, notes=None, recorded_on=recorded_on, recorded_by=recorded_by,
        )


async def goal_for_update(conn: Connection, *, beneficiary_id: UUID, goal_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM goals WHERE beneficiary_id = $1 AND goal_id = $2 FOR UPDATE", beneficiary_id, goal_id
    )


async def update_goal(
    conn: Connection, *, goal_id: UUID, status: str, deadline: date, closed_on: date | None
) -> None:
    """The goal's current state; its history gets a row of its own (append_goal_history)."""
    await conn.execute(
        "UPDATE goals SET status = $2, deadline = $3, closed_on = $4 WHERE goal_id = $1",
        goal_id, status, deadline, closed_on,
    )


async def append_goal_history(
    conn: Connection, *, goal_id: UUID, beneficiary_id: UUID, change: str, status: str, deadline: date,
    closed_on: date | None, notes: bytes | None, recorded_on: date, recorded_by: str,
) -> None:
    await conn.execute(
        """
        INSERT INTO goal_history (goal_id, beneficiary_id, change, status, deadline, closed_on, notes,
            recorded_on, recorded_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """,
        goal_id, beneficiary_id, change, status, deadline, closed_on, notes, recorded_on, recorded_by,
    )


async def plan_of(conn: Connection, *, beneficiary_id: UUID) -> tuple[asyncpg.Record | None, list]:
    """The plan and its goals in the order agreed."""
    plan = await conn.fetchrow("SELECT * FROM plans WHERE beneficiary_id = $1", beneficiary_id)
    goals = await conn.fetch("SELECT * FROM goals WHERE beneficiary_id = $1 ORDER BY position", beneficiary_id)
    return plan, goals


async def has_plan(conn: Connection, *, beneficiary_id: UUID) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM plans WHERE beneficiary_id = $1", beneficiary_id))


async def append_transition(
    conn: Connection, *, beneficiary_id: UUID, from_status: str, to_status: str, reason_category: str,
    notes: bytes, changed_on: date, changed_by: str,
) -> None:
    await conn.execute(
        """
        INSERT INTO path_transitions (beneficiary_id, from_status, to_status, reason_category, notes,
            changed_on, changed_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """,
        beneficiary_id, from_status, to_status, reason_category, notes, changed_on, changed_by,
    )


async def goal_history_of(conn: Connection, *, beneficiary_id: UUID) -> list[asyncpg.Record]:
    """Every change to the person's goals, oldest first."""
    return await conn.fetch("SELECT * FROM goal_history WHERE beneficiary_id = $1 ORDER BY seq", beneficiary_id)


async def entered_status_on(conn: Connection, *, beneficiary_id: UUID, status: str) -> date | None:
    """The day the person's path last moved to `status`, if it ever did."""
    return await conn.fetchval(
        "SELECT changed_on FROM path_transitions WHERE beneficiary_id = $1 AND to_status = $2 "
        "ORDER BY seq DESC LIMIT 1",
        beneficiary_id, status,
    )
