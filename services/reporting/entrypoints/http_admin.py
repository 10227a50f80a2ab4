"""Reporting's routes for projects, their spending, and the projections' rebuild."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Depends, Request

from reporting.entrypoints.http import AsOf, Lang, ProjectId, reporting, viewer
from reporting.entrypoints.schemas import (
    BudgetAsOfOut,
    GenerationOut,
    ProjectIn,
    ProjectOut,
    RebuildOut,
    SpendingOut,
)
from reporting.service_layer.projects import (
    RegisterProject,
    project_budget,
    project_spending,
    register_project,
    version_body,
)
from reporting.service_layer.rebuild import generations
from reporting.service_layer.reports import Reporting
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.auth import Principal, Role, require

router = APIRouter(prefix="/api/v1", tags=["reporting"], responses=ERROR_RESPONSES)
ADMIN = require(Role.admin)


@router.put("/projects/{project_id}", response_model=ProjectOut)
async def put_project(project_id: ProjectId, body: ProjectIn, principal: Principal = Depends(ADMIN),
                      service: Reporting = Depends(reporting)) -> dict:
    """Register (or update) a project's funder, lead and partners, and record a new version of its budget
    lines (the whole budget from now on; the earlier versions are kept for reports as of a past date).
    Only an admin of the project's lead organisation may (403 otherwise)."""
    project, budget = await register_project(service, RegisterProject(
        viewer(principal), project_id, body.funder, body.title, body.lead_organisation_id, tuple(body.partners),
        tuple((b.work_package, b.budget_line, Decimal(b.amount_eur)) for b in body.budget)))
    return {"project_id": project.project_id, "funder": project.funder,
            "lead_organisation_id": project.lead_organisation_id, "partners": list(project.partners),
            "budget": version_body(budget)}


@router.get("/projects/{project_id}/spending", response_model=SpendingOut)
async def spending(project_id: ProjectId, as_of: AsOf = None, lang: Lang = "it",
                   principal: Principal = Depends(require(Role.operator, Role.coordinator, Role.funder, Role.admin)),
                   service: Reporting = Depends(reporting)) -> dict:
    """Spent against the budget in force then, by work package and budget line, exact euros, as of a recorded time."""
    return await project_spending(service, viewer(principal), project_id, as_of, lang)


@router.get("/projects/{project_id}/budget", response_model=BudgetAsOfOut)
async def budget(project_id: ProjectId, as_of: AsOf = None,
                 principal: Principal = Depends(require(Role.operator, Role.coordinator, Role.funder, Role.admin)),
                 service: Reporting = Depends(reporting)) -> dict:
    """The version of the project's budget in force at a recorded time (null before the first PUT)."""
    return await project_budget(service, viewer(principal), project_id, as_of)


@router.get("/admin/generations", response_model=Page[GenerationOut])
async def list_generations(request: Request, page: PageQuery = Depends(),
                           principal: Principal = Depends(ADMIN)) -> dict:
    """The projections' generations, oldest first: the retired ones, the active one, any being rebuilt."""
    listed = await generations(request.app.state.generations)
    return page.page(listed[page.offset:page.offset + page.limit], len(listed))


@router.post("/admin/rebuild", response_model=RebuildOut)
async def rebuild(request: Request, principal: Principal = Depends(ADMIN)) -> dict:
    """Rebuild every projection from the topics' start; reports answer from the old ones meanwhile."""
    result = await request.app.state.rebuild()
    return {"generation": result.generation, "facts": result.facts, "seconds": round(result.seconds, 3)}
