"""Funding projects: an admin of the lead organisation registers one; leads and partners list them;
people are taken in charge in them, and enrolled in more later."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from intake.adapters import repository_projects
from intake.domain.projects import AlreadyEnrolled, check_partners, enrolled_in
from intake.service_layer.commands_projects import ProjectEnrolmentIn, ProjectIn
from intake.service_layer.errors import Conflict, RuleViolation, Violations
from intake.service_layer.person import emit, locked_person
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.events.contracts import BeneficiaryEnrolledInProject
from shared.repository import Row
from shared.types import two_decimals

UNKNOWN_PROJECT = "unknown_project"


async def create(uow: IntakeUnitOfWork, principal: Principal, data: ProjectIn) -> dict[str, Any]:
    """Register a project led by the caller's organisation; a code already used there is a conflict."""
    lead = principal.organisation_id
    check_partners(lead, data.partners)  # raises the domain's RuleViolation
    project = repository_projects.NewProject(
        lead_organisation_id=lead, code=data.code, funder=data.funder.value, title=data.title,
        partners=list(data.partners), territories=list(data.territories), start_date=data.start_date,
        end_date=data.end_date, budget=[(b.work_package.value, b.amount_eur) for b in data.budget],
        created_by=principal.subject,
    )
    async with uow:
        try:
            await uow.projects.insert(project)
        except repository_projects.ProjectCodeTaken:
            raise Conflict(f"your organisation already has a project with code '{data.code}'", rule="code_taken",
                           field="code") from None
    return {"code": data.code, "lead_organisation_id": lead,
            "budget_total_eur": two_decimals(sum((b.amount_eur for b in data.budget), Decimal(0)))}


async def refuse_unknown(uow: IntakeUnitOfWork, principal: Principal, codes: Mapping[str, str]) -> None:
    """Violations, naming each field (field -> project code) whose project the caller's organisation neither
    leads nor is a partner in: a typo would otherwise be stored and refuse every later intervention."""
    refuse(codes, unknown=await uow.projects.not_visible(
        organisation_id=principal.organisation_id, codes=list(codes.values())
    ))


def refuse(codes: Mapping[str, str], *, unknown: Collection[str]) -> None:
    """Violations, naming each field (field -> project code) whose code is among `unknown`."""
    errors = [
        RuleViolation(field, UNKNOWN_PROJECT,
                      f"no project '{code}' led by or partnered with your organisation; an admin of the lead "
                      "organisation registers it with POST /api/v1/projects")
        for field, code in codes.items() if code in unknown
    ]
    if errors:
        raise Violations(errors)


async def enrol(
    uow: IntakeUnitOfWork, principal: Principal, beneficiary_id: UUID, data: ProjectEnrolmentIn, *, today: date
) -> list[str]:
    """Enrol a person already taken in charge in one more project; returns the person's projects."""
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)
        await refuse_unknown(uow, principal, {"project_id": data.project_id})
        try:
            project_ids = enrolled_in(list(person["project_ids"]), data.project_id)
        except AlreadyEnrolled as exc:
            raise Conflict(str(exc), rule="already_enrolled", field="project_id") from None
        await uow.people.set_projects(beneficiary_id=beneficiary_id, project_ids=project_ids)
        event = BeneficiaryEnrolledInProject(project_id=data.project_id, enrolled_on=today)
        emit(uow, principal, person, event, project_id=data.project_id)
    return project_ids


async def visible(
    uow: IntakeUnitOfWork, principal: Principal, *, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """(how many, one page of) the projects the caller's organisation leads or partners: a handful per
    organisation, so they are read whole and paged here."""
    org = principal.organisation_id
    async with uow:
        rows = await uow.projects.visible_to(organisation_id=org)
    return len(rows), [_present(r, org) for r in rows[offset:offset + limit]]


def _present(row: Row, organisation_id: str) -> dict[str, Any]:
    item = {k: row[k] for k in ("code", "funder", "title", "lead_organisation_id", "partners", "territories",
                                "start_date", "end_date", "budget")}
    item["role"] = "lead" if row["lead_organisation_id"] == organisation_id else "partner"
    item["budget_total_eur"] = two_decimals(sum((Decimal(b["amount_eur"]) for b in row["budget"]), Decimal(0)))
    return item
