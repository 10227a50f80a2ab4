"""Funding projects: an admin of the lead organisation registers one; leads and partners list them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg

from intake.adapters import repository_projects
from intake.domain.projects import ProjectRuleViolation, check_partners
from intake.entrypoints.schemas_projects import ProjectIn
from intake.service_layer.errors import Conflict, RuleBroken
from shared.auth import Principal


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
