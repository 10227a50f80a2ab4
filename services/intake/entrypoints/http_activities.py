"""Routes for interventions, courses, enrolments and completions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from intake.entrypoints import responses
from intake.entrypoints.deps import unit_of_work
from intake.service_layer import courses, interventions
from intake.service_layer.commands import InterventionCorrectionIn, InterventionIn
from intake.service_layer.commands_common import today_in_italy
from intake.service_layer.commands_courses import CompletionIn, CourseIn, EnrolmentIn
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.auth import Principal, Role, require

router = APIRouter(prefix="/api/v1", tags=["intake: interventions"], responses=ERROR_RESPONSES)
OPERATORS = require(Role.operator, Role.admin)


@router.post("/beneficiaries/{beneficiary_id}/interventions", status_code=201,
             response_model=responses.InterventionRecorded)
async def record_intervention(
    beneficiary_id: UUID, body: InterventionIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict[str, Any]:
    """Record an intervention, charged to one of the person's projects."""
    event = await interventions.record(unit_of_work(request), principal, beneficiary_id, body)
    return {"intervention_id": str(event.intervention_id)}


@router.post("/beneficiaries/{beneficiary_id}/interventions/{intervention_id}/corrections", status_code=201,
             response_model=responses.InterventionCorrected)
async def correct_intervention(
    beneficiary_id: UUID, intervention_id: UUID, body: InterventionCorrectionIn, request: Request,
    principal: Principal = Depends(OPERATORS),
) -> dict[str, Any]:
    """Record the intervention again, correctly; the old record stays and is superseded. Correcting a
    superseded record answers 409 naming the current one."""
    event = await interventions.correct(unit_of_work(request), request.app.state.vault, principal, beneficiary_id,
                                        intervention_id, body, today=today_in_italy())
    return {"intervention_id": str(event.intervention_id), "corrects": str(event.corrected_intervention_id)}


@router.get("/beneficiaries/{beneficiary_id}/interventions", response_model=Page[responses.Intervention])
async def list_interventions(
    beneficiary_id: UUID, request: Request, principal: Principal = Depends(OPERATORS),
    page: PageQuery = Depends(),
    include_superseded: bool = Query(False, description="also the records later corrections replaced"),
) -> dict[str, Any]:
    """The person's current interventions, latest first; each says which record it `corrects` and,
    when superseded, which record it is `superseded_by`."""
    return await interventions.list_for(unit_of_work(request), principal, beneficiary_id, limit=page.limit,
                                        offset=page.offset,
                                        include_superseded=include_superseded)


@router.post("/courses", status_code=201, response_model=responses.CourseCreated)
async def create_course(body: CourseIn, request: Request, principal: Principal = Depends(OPERATORS)) -> dict[str, Any]:
    course_id = await courses.create(unit_of_work(request), principal, body)
    return {"course_id": str(course_id)}


@router.post("/courses/{course_id}/enrolments", status_code=201, response_model=responses.Enrolled)
async def enrol(
    course_id: UUID, body: EnrolmentIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict[str, Any]:
    await courses.enrol(unit_of_work(request), principal, course_id, body, today=today_in_italy())
    return {"course_id": str(course_id), "beneficiary_id": str(body.beneficiary_id)}


@router.post("/courses/{course_id}/completions", status_code=201, response_model=responses.Completed)
async def complete(
    course_id: UUID, body: CompletionIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict[str, Any]:
    """Record that the person completed the course (with the CEFR level reached, for Italian courses)."""
    event = await courses.complete(unit_of_work(request), principal, course_id, body)
    return {"course_id": str(course_id), "beneficiary_id": str(body.beneficiary_id),
            "level_reached": event.level_reached, "levels_gained": event.levels_gained}
