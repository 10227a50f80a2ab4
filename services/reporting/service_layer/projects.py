"""Projects as reporting needs them (funder, lead, partners, budget) and their spending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from reporting.domain.access import ProjectInfo, Viewer, check_may_register
from reporting.domain.asof import as_of_instant
from reporting.domain.budgets import BudgetVersion, budget_lines
from reporting.domain.money import DEFINITION, spending
from reporting.domain.project_roles import project_roles
from reporting.service_layer.reports import Reporting, audience_as_of


@dataclass(frozen=True)
class RegisterProject:
    viewer: Viewer
    project_id: str
    funder: str
    title: str
    lead_organisation_id: str
    partners: tuple[str, ...]
    budget: tuple[tuple[str, str, Decimal], ...]  # (work package, budget line, euros)


async def register_project(reporting: Reporting, command: RegisterProject) -> tuple[ProjectInfo, BudgetVersion]:
    """The project as given, and a new version of its budget recorded now; the earlier ones stay."""
    project = project_roles(command.project_id, command.funder, command.lead_organisation_id, command.partners)
    lines = budget_lines(command.budget)
    async with reporting.uow() as uow:
        now = reporting.clock()
        await uow.projects.lock(command.project_id)
        registered = await uow.projects.get(command.project_id)
        check_may_register(command.viewer, registered=registered, lead_organisation_id=command.lead_organisation_id)
        await uow.projects.put(project, title=command.title, now=now)
        version = await uow.projects.add_budget(project.project_id, lines, now=now)
    return project, version


async def project_spending(reporting: Reporting, viewer: Viewer, project_id: str,
                           as_of: date | datetime | None, language: str = "it") -> dict[str, Any]:
    """Spent against the budget in force at the as-of time; who may ask is who may read the project's report."""
    instant = as_of_instant(as_of, reporting.clock())
    async with reporting.uow() as uow:
        await audience_as_of(uow, viewer, instant, project_id=project_id, organisation_id=None, external=False)
        amounts = await uow.facts.amounts(project_id, as_of=instant)
        budget = await uow.projects.budget(project_id, as_of=instant)
    lines = spending(reporting.catalogue.cost_lines, amounts, budget)
    total = sum((Decimal(line["spent_eur"]) for line in lines), Decimal(0))
    return {"project_id": project_id, "as_of": instant.isoformat(), "lines": lines, "spent_eur": f"{total:.2f}",
            "budget_eur": f"{budget.total():.2f}" if budget else None,
            "budget_version": budget.version if budget else None,
            "budget_recorded_at": budget.recorded_at.isoformat() if budget else None,
            "definition": DEFINITION[language]}


async def project_budget(reporting: Reporting, viewer: Viewer, project_id: str,
                         as_of: date | datetime | None) -> dict[str, Any]:
    """The version of the project's budget in force at the as-of time (None before the first PUT)."""
    instant = as_of_instant(as_of, reporting.clock())
    async with reporting.uow() as uow:
        await audience_as_of(uow, viewer, instant, project_id=project_id, organisation_id=None, external=False)
        budget = await uow.projects.budget(project_id, as_of=instant)
    return {"project_id": project_id, "as_of": instant.isoformat(), "budget": version_body(budget) if budget else None}


def version_body(budget: BudgetVersion) -> dict[str, Any]:
    return {"version": budget.version, "recorded_at": budget.recorded_at.isoformat(),
            "budget_eur": f"{budget.total():.2f}",
            "lines": [{"work_package": b.work_package, "budget_line": b.budget_line, "amount_eur": str(b.amount_eur)}
                      for b in budget.lines]}
