"""Recording the interventions delivered to a person, each charged to one of the person's projects, and
correcting one by a new record that supersedes it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from intake.adapters import repository_activities, repository_corrections
from intake.adapters.vault import Vault
from intake.domain.corrections import changed_fields
from intake.service_layer.chargeable import check_chargeable
from intake.service_layer.commands import InterventionCorrectionIn, InterventionIn
from intake.service_layer.errors import Conflict, NotFound, RuleViolation
from intake.service_layer.person import emit, locked_person, seal
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.events.contracts import InterventionCorrected, InterventionRecorded
from shared.repository import Row

CENTS = Decimal("0.01")
# Request field -> column, for naming what a correction changed.
_FIELD_COLUMNS = {
    "kind": "kind", "date": "on_date", "duration_minutes": "duration_minutes", "hours": "hours",
    "operator_id": "operator_id", "project_id": "project_id", "cost_eur": "cost_eur", "course_id": "course_id",
}
FIELDS = tuple(_FIELD_COLUMNS)


def amount(value: Decimal | None) -> str | None:
    """A decimal as exact text with two places, never in exponent form."""
    return None if value is None else format(value.quantize(CENTS), "f")


async def record(
    uow: IntakeUnitOfWork, principal: Principal, beneficiary_id: UUID, data: InterventionIn
) -> InterventionRecorded:
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)
        row = await _new_intervention(uow, principal, person, data)
        await uow.activities.insert_intervention(row)
        event = InterventionRecorded(**_facts(row))
        emit(uow, principal, person, event, project_id=data.project_id)
    return event


async def correct(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, beneficiary_id: UUID, intervention_id: UUID,
    data: InterventionCorrectionIn, *, today: date,
) -> InterventionCorrected:
    """Record the intervention again, correctly, as a new row that supersedes the old one; the old
    row stays as recorded. Only the current row of a chain of corrections may be corrected."""
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)
        old = await uow.activities.intervention(beneficiary_id=beneficiary_id, intervention_id=intervention_id)
        if old is None:
            raise NotFound(f"no intervention {intervention_id} of beneficiary {beneficiary_id}",
                           field="intervention_id")
        if old["superseded_by"] is not None:
            current = await uow.activities.current_of(intervention_id=intervention_id)
            raise Conflict(
                f"intervention {intervention_id} was corrected already; correct the current one, {current}",
                rule="superseded", superseded_by=str(old["superseded_by"]), current_intervention_id=str(current),
            )
        row = await _new_intervention(uow, principal, person, data, corrects=intervention_id)
        fields = changed_fields(_by_field(old), _by_field(asdict(row)), FIELDS)
        if not fields:
            raise Conflict("the correction changes nothing: every field has the value recorded", rule="no_change")
        await uow.activities.insert_intervention(row)
        await uow.corrections.append(repository_corrections.NewCorrection(
            beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id, target="intervention",
            intervention_id=row.intervention_id, corrected_intervention_id=intervention_id, fields=fields,
            reason=seal(vault, person, {"reason": data.reason}), corrected_on=today, corrected_by=principal.subject,
        ))
        event = InterventionCorrected(**_facts(row), corrected_intervention_id=intervention_id)
        emit(uow, principal, person, event, project_id=data.project_id)
    return event


async def _new_intervention(
    uow: IntakeUnitOfWork, principal: Principal, person: Row, data: InterventionIn,
    corrects: UUID | None = None,
) -> repository_activities.NewIntervention:
    """The row to store, once the project (one of the person's, running on the day), the path (not
    closed before the day) and the course are checked against stored data."""
    if data.project_id not in person["project_ids"]:
        raise RuleViolation("project_id", "project_not_enrolled",
                         f"'{data.project_id}' is not one of the person's projects "
                         f"({', '.join(person['project_ids'])}); an intervention is charged to one of them")
    await check_chargeable(uow, principal, person, data.project_id, data.date, field="date")
    course_id = await _course_of(uow, principal, data) if data.course_id else None
    return repository_activities.NewIntervention(
        intervention_id=uuid4(), beneficiary_id=person["beneficiary_id"], organisation_id=principal.organisation_id,
        kind=data.kind.value, on_date=data.date, duration_minutes=data.duration_minutes, hours=data.hours,
        operator_id=data.operator_id, project_id=data.project_id, cost_eur=data.cost_eur, course_id=course_id,
        recorded_by=principal.subject, corrects=corrects,
    )


def _facts(row: repository_activities.NewIntervention) -> dict[str, Any]:
    """What the events tell of an intervention."""
    return {"intervention_id": row.intervention_id, "kind": row.kind, "date": row.on_date,
            "duration_minutes": row.duration_minutes, "hours": amount(row.hours), "project_id": row.project_id,
            "cost_eur": amount(row.cost_eur), "course_id": row.course_id}


def _by_field(columns: Row | Mapping[str, Any]) -> dict[str, Any]:
    """An intervention's facts by request field name."""
    return {field: columns[column] for field, column in _FIELD_COLUMNS.items()}


async def _course_of(uow: IntakeUnitOfWork, principal: Principal, data: InterventionIn) -> UUID:
    """The course the intervention is a lesson of: the organisation's, of the same kind and project."""
    try:
        course_id = UUID(str(data.course_id))
    except ValueError:
        raise RuleViolation("course_id", "unknown_course", f"'{data.course_id}' is not a course id") from None
    course = await uow.activities.course(organisation_id=principal.organisation_id, course_id=course_id)
    if course is None:
        raise RuleViolation("course_id", "unknown_course", f"no course {course_id} in your organisation")
    if course["kind"] != data.kind.value:
        raise RuleViolation("course_id", "course_kind_mismatch",
                         f"course {course_id} is a '{course['kind']}' course, not '{data.kind.value}'")
    if course["project_id"] != data.project_id:
        raise RuleViolation("project_id", "course_project_mismatch",
                         f"course {course_id} is charged to '{course['project_id']}', not '{data.project_id}'")
    return course_id


async def list_for(
    uow: IntakeUnitOfWork, principal: Principal, beneficiary_id: UUID, *, limit: int, offset: int,
    include_superseded: bool = False,
) -> dict[str, Any]:
    async with uow:
        if await uow.people.get(organisation_id=principal.organisation_id, beneficiary_id=beneficiary_id) is None:
            raise NotFound(f"no beneficiary {beneficiary_id} in your organisation", field="beneficiary_id")
        total, rows = await uow.activities.interventions_of(
            beneficiary_id=beneficiary_id, limit=limit, offset=offset, include_superseded=include_superseded
        )
    items = [{**dict(r), "hours": amount(r["hours"]), "cost_eur": amount(r["cost_eur"])} for r in rows]
    return {"total": total, "limit": limit, "offset": offset, "items": items}
