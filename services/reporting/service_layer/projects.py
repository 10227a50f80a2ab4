"""Projects as reporting needs them (funder, lead, partners, budget) and their spending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from reporting.domain.access import ProjectInfo, Viewer, audience
from reporting.domain.asof import as_of_instant
from reporting.domain.money import DEFINITION, spending
from reporting.service_layer.reports import Reporting
from shared.errors import NotFound, RuleViolation


@dataclass(frozen=True)
class RegisterProject:
    project_id: str
    funder: str
    title: str
    lead_organisation_id: str
    partners: tuple[str, ...]
    budget: tuple[tuple[str, str, Decimal], ...]  # (work package, budget line, euros)


async def register_project(reporting: Reporting, command: RegisterProject) -> ProjectInfo:
    project = ProjectInfo(command.project_id, command.funder, command.lead_organisation_id, command.partners)
    lines = [(wp, bl) for wp, bl, _ in command.budget]
    for index, line in enumerate(lines):
        if line in lines[:index]:
            raise RuleViolation(f"budget.{index}", "duplicate_budget_line",
                                f"work package {line[0]!r}, budget line {line[1]!r} is given twice")
    budget = [{"work_package": wp, "budget_line": bl, "amount_eur": str(amount)} for wp, bl, amount in command.budget]
    async with reporting.uow() as uow:
        await uow.projects.put(project, title=command.title, budget=budget)
    return project


async def project_spending(reporting: Reporting, viewer: Viewer, project_id: str,
                           as_of: date | datetime | None, language: str = "it") -> dict[str, Any]:
    """Spent against budget; who may ask is who may read the project's report."""
    instant = as_of_instant(as_of, reporting.clock())
    async with reporting.uow() as uow:
        project = await uow.projects.get(project_id)
        if project is None:
            raise NotFound(f"no project {project_id!r} is registered with reporting")
        funded = await uow.projects.funded_by(viewer.organisation_id) if viewer.role == "funder" else []
        audience(viewer, organisation_id=None, project=project, funded=funded, external=False)
        amounts = await uow.facts.amounts(project_id, as_of=instant)
        budget = await uow.projects.budget(project_id)
    lines = spending(reporting.catalogue.cost_lines, amounts, budget)
    total = sum((Decimal(line["spent_eur"]) for line in lines), Decimal(0))
    budgeted = sum((Decimal(line["budget_eur"]) for line in lines), Decimal(0))
    return {"project_id": project_id, "as_of": instant.isoformat(), "lines": lines,
            "spent_eur": f"{total:.2f}", "budget_eur": f"{budgeted:.2f}", "definition": DEFINITION[language]}
