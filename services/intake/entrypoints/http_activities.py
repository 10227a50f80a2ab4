"""Routes for interventions, courses, enrolments and completions."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from intake.entrypoints.schemas import InterventionCorrectionIn, InterventionIn
from intake.entrypoints.schemas_common import today_in_italy
from intake.entrypoints.schemas_courses import CompletionIn, CourseIn, EnrolmentIn
from intake.service_layer import courses, interventions
from shared.auth import Principal, Role, require
from shared.types import MAX_OFFSET

router = APIRouter(prefix="/api/v1", tags=["intake: interventions"])
OPERATORS = require(Role.operator, Role.admin)


def _pool(request: Request):  # noqa: ANN202
    return request.app.state.runtime.pool


@router.post("/beneficiaries/{beneficiary_id}/interventions", status_code=201)
async def record_intervention(
    beneficiary_id: UUID, body: InterventionIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict:
    """Record an intervention, charged to one of the person's projects."""
    event = await interventions.record(_pool(request), principal, beneficiary_id, body)
    return {"intervention_id": str(event.intervention_id)}


@router.post("/beneficiaries/{beneficiary_id}/interventions/{intervention_id}/corrections", status_code=201)
async def correct_intervention(
    beneficiary_id: UUID, intervention_id: UUID, body: InterventionCorrectionIn, request: Request,
    principal: Principal = Depends(OPERATORS),
) -> dict:
    """Record the intervention again, correctly; the old record stays and is superseded. Correcting a
    superseded record answers 409 naming the current one."""
    event = await interventions.correct(_pool(request), request.app.state.vault, principal, beneficiary_id,
                                        intervention_id, body, today=today_in_italy())
    return {"intervention_id": str(event.intervention_id), "corrects": str(event.corrected_intervention_id)}


@router.get("/beneficiaries/{beneficiary_id}/interventions")
async def list_interventions(
    beneficiary_id: UUID, request: Request, principal: Principal = Depends(OPERATORS),
    limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_OFFSET),
    include_superseded: bool = Query(False, description="also the records later corrections replaced"),
) -> dict:
    """The person's current interventions, latest first; each says which record it `corrects` and,
    when superseded, which record it is `superseded_by`."""
    return await interventions.list_for(_pool(request), principal, beneficiary_id, limit=limit, offset=offset,
                                        include_superseded=include_superseded)


@router.post("/courses", status_code=201)
async def create_course(body: CourseIn, request: Request, principal: Principal = Depends(OPERATORS)) -> dict:
    course_id = await courses.create(_pool(request), principal, body)
    return {"course_id": str(course_id)}


@router.post("/courses/{course_id}/enrolments", status_code=201)
async def enrol(
    course_id: UUID, body: EnrolmentIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict:
    await courses.enrol(_pool(request), principal, course_id, body, today=today_in_italy())
    return {"course_id": str(course_id), "beneficiary_id": str(body.beneficiary_id)}


@router.post("/courses/{course_id}/completions", status_code=201)
async def complete(
    course_id: UUID, body: CompletionIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict:
    """Record that the person completed the course (with the CEFR level reached, for Italian courses)."""
    event = await courses.complete(_pool(request), principal, course_id, body)
    return {"course_id": str(course_id), "beneficiary_id": str(body.beneficiary_id),
            "level_reached": event.level_reached, "levels_gained": event.levels_gained}
