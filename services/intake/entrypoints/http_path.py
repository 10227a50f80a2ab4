"""Routes along a person's path: assessment, plan and goals, status moves, erasure."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from intake.entrypoints import responses
from intake.entrypoints.deps import parts, unit_of_work
from intake.service_layer import assessment, assessment_view, erasure, plan, plan_view, transitions
from intake.service_layer.commands import AssessmentIn, GoalOutcomeIn, GoalsIn, PathTransitionIn, PlanIn
from intake.service_layer.commands_common import Purpose, today_in_italy
from intake.service_layer.commands_courses import ErasureIn
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.auth import Principal, Role, require

router = APIRouter(prefix="/api/v1/beneficiaries/{beneficiary_id}", tags=["intake: path"], responses=ERROR_RESPONSES)
OPERATORS = require(Role.operator, Role.admin)
ADMINS = require(Role.admin)


@router.post("/assessments", status_code=201, response_model=responses.AssessmentRecorded)
async def record_assessment(
    beneficiary_id: UUID, body: AssessmentIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict[str, Any]:
    """Record a skills assessment (bilancio di competenze)."""
    uow, vault = parts(request)
    assessment_id = await assessment.record(uow, vault, principal, beneficiary_id, body, today=today_in_italy())
    return {"assessment_id": str(assessment_id)}


@router.get("/assessments", response_model=Page[responses.Assessment], response_model_exclude_unset=True)
async def read_assessments(
    beneficiary_id: UUID, request: Request, principal: Principal = Depends(OPERATORS),
    purpose: Purpose | None = Query(None, description="why skill names, needs as written and vulnerability flags "
                                                      "are read; required to see them, audited"),
    page: PageQuery = Depends(),
) -> dict[str, Any]:
    """The person's assessments, newest first: the coarse part always, the sealed part with a purpose."""
    uow, vault = parts(request)
    total, items = await assessment_view.read_assessments(uow, vault, principal, beneficiary_id, purpose=purpose,
                                                          limit=page.limit, offset=page.offset)
    return page.page(items, total)


@router.post("/plan", status_code=201, response_model=responses.PlanAgreed)
async def agree_plan(
    beneficiary_id: UUID, body: PlanIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict[str, Any]:
    """Agree the individual plan; the path moves from taken_in_charge to plan_agreed."""
    uow, vault = parts(request)
    goal_ids = await plan.agree(uow, vault, principal, beneficiary_id, body, today=today_in_italy())
    return {"goal_ids": [str(g) for g in goal_ids], "path_status": "plan_agreed"}


@router.post("/plan/goals", status_code=201, response_model=responses.GoalsAdded)
async def add_goals(
    beneficiary_id: UUID, body: GoalsIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict[str, Any]:
    """Add goals to the agreed plan (a need that emerged later), while the path is plan_agreed or in_progress."""
    uow, vault = parts(request)
    goal_ids, status = await plan.add_goals(uow, vault, principal, beneficiary_id, body, today=today_in_italy())
    return {"goal_ids": [str(g) for g in goal_ids], "path_status": status}


@router.get("/plan", response_model=responses.Plan, response_model_exclude_unset=True)
async def read_plan(
    beneficiary_id: UUID, request: Request, principal: Principal = Depends(OPERATORS),
    purpose: Purpose | None = Query(None, description="why titles and reasons are read; required to see them, audited"),
) -> dict[str, Any]:
    uow, vault = parts(request)
    return await plan_view.read_plan(uow, vault, principal, beneficiary_id, purpose=purpose)


@router.post("/goals/{goal_id}/outcome", status_code=201, response_model=responses.GoalOutcome)
async def record_goal_outcome(
    beneficiary_id: UUID, goal_id: UUID, body: GoalOutcomeIn, request: Request,
    principal: Principal = Depends(OPERATORS),
) -> dict[str, Any]:
    """Record a goal as met, missed or replanned; each outcome is a new history entry."""
    uow, vault = parts(request)
    event = await plan.record_outcome(uow, vault, principal, beneficiary_id, goal_id, body, today=today_in_italy())
    return {"goal_id": str(goal_id), "outcome": event.outcome, "deadline": event.deadline.isoformat()}


@router.post("/transitions", status_code=201, response_model=responses.Transition)
async def change_path_status(
    beneficiary_id: UUID, body: PathTransitionIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict[str, Any]:
    """Move the path; a move the path model forbids answers 409 naming from, to and the allowed targets."""
    uow, vault = parts(request)
    event = await transitions.change_status(uow, vault, principal, beneficiary_id, body, today=today_in_italy())
    return {"from": event.from_status, "to": event.to_status, "reason_category": event.reason_category}


@router.post("/erasure", response_model=responses.Erased)
async def erase_beneficiary(
    beneficiary_id: UUID, body: ErasureIn, request: Request, principal: Principal = Depends(ADMINS)
) -> dict[str, Any]:
    """Destroy the person's personal data (crypto-shredding); anonymous counts stay."""
    uow = unit_of_work(request)
    await erasure.erase(uow, principal, beneficiary_id, reason=body.reason, today=today_in_italy())
    return {"beneficiary_id": str(beneficiary_id), "erased": True}
