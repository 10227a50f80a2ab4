"""SQL reading the audit log and gathering one person's records for a data export. Every function
takes the caller's connection."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from shared.db import Connection


async def access_page(
    conn: Connection, *, organisation_id: str, beneficiary_id: UUID | None, actor: str | None,
    since: datetime | None, until: datetime | None, limit: int, offset: int,
) -> tuple[int, list[asyncpg.Record]]:
    """The organisation's audit rows matching the filters (None: any), newest first, and how many match."""
    where = """organisation_id = $1 AND ($2::uuid IS NULL OR beneficiary_id = $2) AND ($3::text IS NULL OR actor = $3)
               AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)"""
    args = (organisation_id, beneficiary_id, actor, since, until)
    total = await conn.fetchval(f"SELECT count(*) FROM pii_access_log WHERE {where}", *args)
    rows = await conn.fetch(
        f"SELECT id, at, actor, actor_role, beneficiary_id, action, purpose FROM pii_access_log WHERE {where} "
        "ORDER BY at DESC, id DESC LIMIT $6 OFFSET $7", *args, limit, offset)
    return total, rows


async def accesses_of(conn: Connection, *, organisation_id: str, beneficiary_id: UUID) -> list[asyncpg.Record]:
    """Every audited read of the person, oldest first."""
    return await conn.fetch(
        "SELECT at, actor, actor_role, action, purpose FROM pii_access_log "
        "WHERE organisation_id = $1 AND beneficiary_id = $2 ORDER BY at, id", organisation_id, beneficiary_id)


async def records_of(conn: Connection, *, beneficiary_id: UUID) -> dict[str, list[asyncpg.Record]]:
    """Everything intake holds about the person, sealed parts still sealed, each kind in its order."""
    queries = {
        "registration_versions": "SELECT seq, registration, superseded_at FROM registration_versions "
                                 "WHERE beneficiary_id = $1 ORDER BY seq",
        "corrections": "SELECT seq, target, fields, reason, corrected_on, corrected_by FROM corrections "
                       "WHERE beneficiary_id = $1 ORDER BY seq",
        "assessments": "SELECT assessment_id, assessed_on, notes, recorded_by FROM assessments "
                       "WHERE beneficiary_id = $1 ORDER BY created_at",
        "plan": "SELECT agreed_on, agreed_by FROM plans WHERE beneficiary_id = $1",
        "goals": "SELECT goal_id, position, area, responsible_operator, deadline, status, closed_on, notes "
                 "FROM goals WHERE beneficiary_id = $1 ORDER BY position",
        "goal_history": "SELECT goal_id, change, status, deadline, closed_on, notes, recorded_on, recorded_by "
                        "FROM goal_history WHERE beneficiary_id = $1 ORDER BY seq",
        "path_transitions": "SELECT from_status, to_status, reason_category, notes, changed_on, changed_by "
                            "FROM path_transitions WHERE beneficiary_id = $1 ORDER BY seq",
        "interventions": "SELECT i.intervention_id, i.kind, i.on_date, i.duration_minutes, i.hours::text AS hours, "
                         "i.operator_id, i.project_id, i.cost_eur::text AS cost_eur, i.course_id, i.corrects, "
                         "EXISTS (SELECT 1 FROM interventions n WHERE n.corrects = i.intervention_id) AS superseded "
                         "FROM interventions i WHERE i.beneficiary_id = $1 ORDER BY i.on_date, i.created_at",
        "course_enrolments": "SELECT e.course_id, c.title, e.enrolled_on, x.completed_on, x.level_reached "
                             "FROM course_enrolments e JOIN courses c USING (course_id) "
                             "LEFT JOIN course_completions x USING (course_id, beneficiary_id) "
                             "WHERE e.beneficiary_id = $1 ORDER BY e.enrolled_on",
        "consents": "SELECT purpose, action, legal_basis, notice_version, given_by, on_date, expires_on, "
                    "recorded_by, recorded_at FROM consents WHERE beneficiary_id = $1 ORDER BY seq",
    }
    return {kind: await conn.fetch(sql, beneficiary_id) for kind, sql in queries.items()}
