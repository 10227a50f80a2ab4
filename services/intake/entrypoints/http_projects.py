"""Routes for funding projects."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from intake.entrypoints import responses
from intake.entrypoints.deps import unit_of_work
from intake.service_layer import projects
from intake.service_layer.commands_projects import ProjectIn
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.auth import Principal, Role, require

router = APIRouter(prefix="/api/v1/projects", tags=["intake: projects"], responses=ERROR_RESPONSES)


@router.post("", status_code=201, response_model=responses.ProjectCreated)
async def create_project(
    body: ProjectIn, request: Request, principal: Principal = Depends(require(Role.admin))
) -> dict[str, Any]:
    """Register a project led by the caller's organisation."""
    return await projects.create(unit_of_work(request), principal, body)


@router.get("", response_model=Page[responses.Project])
async def list_projects(
    request: Request, principal: Principal = Depends(require(Role.operator, Role.admin)), page: PageQuery = Depends()
) -> dict[str, Any]:
    """Projects the caller's organisation leads or is a partner in, latest start first."""
    total, items = await projects.visible(unit_of_work(request), principal, limit=page.limit, offset=page.offset)
    return page.page(items, total)
