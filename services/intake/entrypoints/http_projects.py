"""Routes for funding projects."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from intake.entrypoints.deps import unit_of_work
from intake.service_layer import projects
from intake.service_layer.commands_projects import ProjectIn
from shared.auth import Principal, Role, require

router = APIRouter(prefix="/api/v1/projects", tags=["intake: projects"])


@router.post("", status_code=201)
async def create_project(
    body: ProjectIn, request: Request, principal: Principal = Depends(require(Role.admin))
) -> dict:
    """Register a project led by the caller's organisation."""
    return await projects.create(unit_of_work(request), principal, body)


@router.get("")
async def list_projects(request: Request, principal: Principal = Depends(require(Role.operator, Role.admin))) -> dict:
    """Projects the caller's organisation leads or is a partner in."""
    items = await projects.visible(unit_of_work(request), principal)
    return {"items": items}
