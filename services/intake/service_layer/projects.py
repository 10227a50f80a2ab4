"""Funding projects: an admin of the lead organisation registers one; leads and partners list them;
people are taken in charge in them, and enrolled in more later."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg

from intake.adapters import repository, repository_projects
from intake.domain.projects import AlreadyEnrolled, ProjectRuleViolation, check_partners, enrolled_in
from intake.entrypoints.schemas_projects import ProjectEnrolmentIn, ProjectIn
from intake.service_layer.commands import emit, locked_person
from intake.service_layer.errors import Conflict, Invalid, RuleBroken, RuleViolation
from shared.auth import Principal
from shared.events.contracts import BeneficiaryEnrolledInProject

UNKNOWN_PROJECT = "unknown_project"


async def create(pool: asyncpg.Pool, principal: Principal, data: ProjectIn) -> dict[str, Any]:
    """Register a project led by the caller's organisation; a code already used there is a conflict."""
    lead = principal.organisation_id
    try:
        check_partners(lead, data.partners)
    except ProjectRuleViolation as exc:
        raise RuleBroken(exc.field, "lead_as_partner", exc.rule) from None
    project = repository_projects.NewProject(
        lead_organisation_id=lead, code=data.code, funder=data.funder.value, title=data.title,
        partners=list(data.partners), territories=list(data.territories), start_date=data.start_date,
        end_date=data.end_date, budget=[(b.work_package.value, b.amount_eur) for b in data.budget],
        created_by=principal.subject,
    )
    async with pool.acquire() as conn, conn.transaction():
        try:
            await repository_projects.insert(conn, project)
        except repository_projects.ProjectCodeTaken:
            raise Conflict(f"your organisation already has a project with code '{data.code}'", rule="code_taken",
                           field="code") from None
    return {"code": data.code, "lead_organisation_id": lead,
            "budget_total_eur": str(sum((b.amount_eur for b in data.budget), Decimal(0)))}


async def refuse_unknown(conn: asyncpg.Connection, principal: Principal, codes: Mapping[str, str]) -> None:
    """Invalid, naming each field (field -> project code) whose project the caller's organisation neither
    leads nor is a partner in: a typo would otherwise be stored and refuse every later intervention."""
    refuse(codes, unknown=await repository_projects.not_visible(
        conn, organisation_id=principal.organisation_id, codes=list(codes.values())
    ))


def refuse(codes: Mapping[str, str], *, unknown: Collection[str]) -> None:
    """Invalid, naming each field (field -> project code) whose code is among `unknown`."""
    errors = [
        RuleViolation(field, UNKNOWN_PROJECT,
                      f"no project '{code}' led by or partnered with your organisation; an admin of the lead "
                      "organisation registers it with POST /api/v1/projects")
        for field, code in codes.items() if code in unknown
    ]
    if errors:
        raise Invalid(errors)


async def enrol(
    pool: asyncpg.Pool, principal: Principal, beneficiary_id: UUID, data: ProjectEnrolmentIn, *, today: date
) -> list[str]:
    """Enrol a person already taken in charge in one more project; returns the person's projects."""
    async with pool.acquire() as conn, conn.transaction():
        person = await locked_person(conn, principal, beneficiary_id)
        await refuse_unknown(conn, principal, {"project_id": data.project_id})
        try:
            project_ids = enrolled_in(list(person["project_ids"]), data.project_id)
        except AlreadyEnrolled as exc:
            raise Conflict(str(exc), rule="already_enrolled", field="project_id") from None
        await repository.set_projects(conn, beneficiary_id=beneficiary_id, project_ids=project_ids)
        event = BeneficiaryEnrolledInProject(project_id=data.project_id, enrolled_on=today)
        await emit(conn, principal, beneficiary_id, event, project_id=data.project_id)
    return project_ids


async def visible(pool: asyncpg.Pool, principal: Principal) -> list[dict[str, Any]]:
    org = principal.organisation_id
    async with pool.acquire() as conn:
        rows = await repository_projects.visible_to(conn, organisation_id=org)
    return [_present(r, org) for r in rows]


def _present(row: asyncpg.Record, organisation_id: str) -> dict[str, Any]:
    item = {k: row[k] for k in ("code", "funder", "title", "lead_organisation_id", "partners", "territories",
                                "start_date", "end_date", "budget")}
    item["role"] = "lead" if row["lead_organisation_id"] == organisation_id else "partner"
    item["budget_total_eur"] = str(sum((Decimal(b["amount_eur"]) for b in row["budget"]), Decimal(0)))
    return item
