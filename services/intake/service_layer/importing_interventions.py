"""Importing a caseload's interventions: each row is an intervention recorded in the past for a
person imported before (found by the organisation's reference for them), held to the rules a new
intervention meets (one of the person's projects, within its period, not after the path closed),
stored all together with their events, or none. The intervention's own reference makes a second
import record nothing twice. A file of interventions is a few thousand rows a year: rows are checked
one by one, in the one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from uuid import uuid4

from intake.adapters import repository_activities
from intake.adapters.vault import Vault
from intake.domain.importing import CellError
from intake.service_layer.chargeable import check_chargeable
from intake.service_layer.commands import InterventionIn
from intake.service_layer.errors import RuleViolation
from intake.service_layer.importing import ImportReport, RowOutcome, all_or_none
from intake.service_layer.interventions import _facts as facts
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared import outbox
from shared.auth import Principal
from shared.events.codec import envelope_for
from shared.events.contracts import InterventionRecorded
from shared.repository import Row
from shared.telemetry import current_carrier
from shared.topics import INTAKE_EVENTS


@dataclass(frozen=True)
class InterventionRow:
    row: int
    reference: str | None
    person_reference: str | None
    intervention: InterventionIn | None
    errors: list[CellError] = field(default_factory=list)


async def import_interventions(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, rows: Iterable[InterventionRow], *,
    dry_run: bool,
    today: date,
) -> ImportReport:
    report = ImportReport("interventions", dry_run)
    org = principal.organisation_id
    seen: dict[bytes, int] = {}
    carrier = current_carrier()
    async with all_or_none(uow, report):
        for r in rows:
            outcome = report.add(r.row, r.reference, r.errors)
            if r.intervention is None or r.reference is None or r.person_reference is None or outcome.errors:
                continue
            index = vault.blind_index("intervention_reference", r.reference)
            known = await uow.caseload.known_intervention_references(organisation_id=org, indexes=[index])
            if index in seen:
                outcome.errors.append(CellError("reference", "reference", "repeated_in_file",
                                                f"the same reference as row {seen[index]}"))
                continue
            seen[index] = r.row
            if index in known:
                outcome.outcome, outcome.intervention_id = "already_imported", known[index]["intervention_id"]
                continue
            person_index = vault.blind_index("reference", r.person_reference)
            people = await uow.caseload.people_by_reference(organisation_id=org, indexes=[person_index])
            person = people.get(person_index)
            row = await _checked(uow, principal, person, r, outcome)
            if row is None:
                continue
            outcome.outcome, outcome.beneficiary_id, outcome.intervention_id = (
                "new", row.beneficiary_id, row.intervention_id)
            if not dry_run and report.valid:
                await uow.caseload.insert_imported_intervention(row, index)
                envelope = envelope_for(InterventionRecorded(**facts(row)), beneficiary_id=row.beneficiary_id,
                                        organisation_id=org, producer="intake", project_id=row.project_id)
                await uow.caseload.events([outbox.record_for(envelope, INTAKE_EVENTS.name, carrier)])
    return report


async def _checked(uow: IntakeUnitOfWork, principal: Principal, person: Row | None,
                   r: InterventionRow, outcome: RowOutcome) -> repository_activities.NewIntervention | None:
    """The row to store, or None with the row's errors recorded on its outcome."""
    data = r.intervention
    assert data is not None
    if person is None:
        outcome.errors.append(CellError("person_reference", "person_reference", "unknown_person",
                                        f"no person with reference '{r.person_reference}' in your organisation: "
                                        "import the people file first"))
        return None
    if person["erased_at"] is not None:
        outcome.errors.append(CellError("person_reference", "person_reference", "erased",
                                        "the person was erased: nothing more is recorded about them"))
        return None
    if data.project_id not in person["project_ids"]:
        outcome.errors.append(CellError("project_id", "project_id", "project_not_enrolled",
                                        f"'{data.project_id}' is not one of the person's projects "
                                        f"({', '.join(person['project_ids'])})"))
        return None
    try:
        await check_chargeable(uow, principal, person, data.project_id, data.date, field="date")
    except RuleViolation as exc:
        outcome.errors.append(CellError("date", exc.field, exc.rule, exc.message))
        return None
    return repository_activities.NewIntervention(
        intervention_id=uuid4(), beneficiary_id=person["beneficiary_id"], organisation_id=principal.organisation_id,
        kind=data.kind.value, on_date=data.date, duration_minutes=data.duration_minutes, hours=data.hours,
        operator_id=data.operator_id, project_id=data.project_id, cost_eur=data.cost_eur, course_id=None,
        recorded_by=principal.subject,
    )
