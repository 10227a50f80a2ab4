"""Recording the interventions delivered to a person, each charged to one of the person's projects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from intake.adapters import repository, repository_activities
from intake.entrypoints.schemas import InterventionIn
from intake.service_layer.commands import emit, locked_person
from intake.service_layer.errors import NotFound, RuleBroken
from shared.auth import Principal
from shared.events.contracts import InterventionRecorded

CENTS = Decimal("0.01")


def amount(value: Decimal | None) -> str | None:
    """A decimal as exact text with two places, never in exponent form."""
    return None if value is None else format(value.quantize(CENTS), "f")


async def record(
    pool: asyncpg.Pool, principal: Principal, beneficiary_id: UUID, data: InterventionIn
) -> InterventionRecorded:
    intervention_id = uuid4()
    async with pool.acquire() as conn, conn.transaction():
        person = await locked_person(conn, principal, beneficiary_id)
        if data.project_id not in person["project_ids"]:
            raise RuleBroken("project_id", "project_not_enrolled",
                             f"'{data.project_id}' is not one of the person's projects "
                             f"({', '.join(person['project_ids'])}); an intervention is charged to one of them")
        course_id = await _course_of(conn, principal, data) if data.course_id else None
        await repository_activities.insert_intervention(conn, repository_activities.NewIntervention(
            intervention_id=intervention_id, beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id,
            kind=data.kind.value, on_date=data.date, duration_minutes=data.duration_minutes, hours=data.hours,
            operator_id=data.operator_id, project_id=data.project_id, cost_eur=data.cost_eur, course_id=course_id,
            recorded_by=principal.subject,
        ))
        event = InterventionRecorded(
            intervention_id=intervention_id, kind=data.kind.value, date=data.date,
            duration_minutes=data.duration_minutes, hours=amount(data.hours), project_id=data.project_id,
            cost_eur=amount(data.cost_eur), course_id=course_id,
        )
        await emit(conn, principal, beneficiary_id, event, project_id=data.project_id)
    return event


async def _course_of(conn: asyncpg.Connection, principal: Principal, data: InterventionIn) -> UUID:
    """The course the intervention is a lesson of: the organisation's, of the same kind and project."""
    try:
        course_id = UUID(str(data.course_id))
    except ValueError:
        raise RuleBroken("course_id", "unknown_course", f"'{data.course_id}' is not a course id") from None
    course = await repository_activities.course(conn, organisation_id=principal.organisation_id, course_id=course_id)
    if course is None:
        raise RuleBroken("course_id", "unknown_course", f"no course {course_id} in your organisation")
    if course["kind"] != data.kind.value:
        raise RuleBroken("course_id", "course_kind_mismatch",
                         f"course {course_id} is a '{course['kind']}' course, not '{data.kind.value}'")
    if course["project_id"] != data.project_id:
        raise RuleBroken("project_id", "course_project_mismatch",
                         f"course {course_id} is charged to '{course['project_id']}', not '{data.project_id}'")
    return course_id


async def list_for(
    pool: asyncpg.Pool, principal: Principal, beneficiary_id: UUID, *, limit: int, offset: int
) -> dict[str, Any]:
    async with pool.acquire() as conn, conn.transaction():
        if await repository.get(conn, organisation_id=principal.organisation_id, beneficiary_id=beneficiary_id) is None:
            raise NotFound(f"no beneficiary {beneficiary_id} in your organisation")
        total, rows = await repository_activities.interventions_of(
            conn, beneficiary_id=beneficiary_id, limit=limit, offset=offset
        )
    items = [{**dict(r), "hours": amount(r["hours"]), "cost_eur": amount(r["cost_eur"])} for r in rows]
    return {"total": total, "limit": limit, "offset": offset, "items": items}
