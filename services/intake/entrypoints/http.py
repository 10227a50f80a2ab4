"""Intake's HTTP routes: validate, call the service layer, translate its outcome."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from intake.domain.path import PathStatus
from intake.entrypoints.schemas import BeneficiaryCorrectionIn, BeneficiaryIn
from intake.entrypoints.schemas_common import Name, today_in_italy
from intake.entrypoints.schemas_projects import ProjectEnrolmentIn
from intake.service_layer import corrections, people, projects, registration
from shared.auth import Principal, Role, require
from shared.types import MAX_OFFSET

router = APIRouter(prefix="/api/v1", tags=["intake"])
OPERATORS = require(Role.operator, Role.admin)
READERS = require(Role.operator, Role.admin, Role.housing, Role.employment)


def _parts(request: Request):  # noqa: ANN202
    return request.app.state.runtime.pool, request.app.state.vault


@router.post("/beneficiaries", status_code=201)
async def register_beneficiary(
    body: BeneficiaryIn,
    request: Request,
    principal: Principal = Depends(OPERATORS),
    confirm_distinct: bool = Query(False, description="register despite a same-name-and-birth match"),
) -> JSONResponse:
    """Take a person in charge. A possible duplicate answers 409 with the people to link to."""
    pool, vault = _parts(request)
    try:
        registered = await registration.register(
            pool, vault, principal, body, today=today_in_italy(), confirm_distinct=confirm_distinct
        )
    except registration.DuplicatesFound as exc:
        return _duplicates(exc, "possible duplicate: link to an existing person instead of registering again, "
                                "by enrolling them in your project: POST {\"project_id\": ...} to the match's link")
    content = {"beneficiary_id": str(registered.beneficiary_id), "path_status": "taken_in_charge"}
    if registered.permit_status is not None:
        content["permit_status"] = registered.permit_status
    return JSONResponse(status_code=201, content=content)


@router.post("/beneficiaries/{beneficiary_id}/corrections", status_code=201)
async def correct_beneficiary(
    beneficiary_id: UUID,
    body: BeneficiaryCorrectionIn,
    request: Request,
    principal: Principal = Depends(OPERATORS),
    confirm_distinct: bool = Query(False, description="correct despite a same-name-and-birth match"),
) -> JSONResponse:
    """Correct registration fields; the whole registration must stay valid, and a corrected identity
    that matches another person answers 409 with the matches, as registration does."""
    pool, vault = _parts(request)
    try:
        event = await corrections.correct(
            pool, vault, principal, beneficiary_id, body, today=today_in_italy(), confirm_distinct=confirm_distinct
        )
    except registration.DuplicatesFound as exc:
        return _duplicates(exc, "the corrected identity matches another person: link to them instead "
                                "(POST {\"project_id\": ...} to the match's link)")
    return JSONResponse(status_code=201, content={"beneficiary_id": str(beneficiary_id),
                                                  "corrected_fields": list(event.corrected_fields)})


@router.post("/beneficiaries/{beneficiary_id}/projects", status_code=201)
async def enrol_in_project(
    beneficiary_id: UUID, body: ProjectEnrolmentIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict:
    """Enrol a person already taken in charge in one more project: the 'link' a duplicate answer offers."""
    pool, _ = _parts(request)
    project_ids = await projects.enrol(pool, principal, beneficiary_id, body, today=today_in_italy())
    return {"beneficiary_id": str(beneficiary_id), "project_ids": project_ids}


def _duplicates(exc: registration.DuplicatesFound, detail: str) -> JSONResponse:
    return JSONResponse(
        status_code=409,
        content={
            "detail": detail,
            "matches": [{"beneficiary_id": str(m.beneficiary_id), "reasons": list(m.reasons),
                         "link": f"/api/v1/beneficiaries/{m.beneficiary_id}/projects"} for m in exc.matches],
            "can_confirm_distinct": exc.overridable,
        },
    )


@router.get("/beneficiaries")
async def list_beneficiaries(
    request: Request,
    principal: Principal = Depends(READERS),
    name: Name | None = Query(None, description="any words of the name; needs a purpose, audited"),
    fiscal_code: str | None = Query(None, max_length=16, description="needs a purpose, audited"),
    status: PathStatus | None = None,
    project_id: str | None = Query(None, max_length=40, description="a project the organisation is in"),
    operator: str | None = Query(None, max_length=200, description="registered by, or responsible for a goal"),
    deadline_within_days: int | None = Query(
        None, ge=0, le=3650, description="an open goal, must_leave_by or permit expiry due within N days"
    ),
    purpose: str | None = Query(None, min_length=3, max_length=200,
                                description="why personal data is read; required to see it, audited"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict:
    """The caller's organisation's people, newest first; filters combine."""
    pool, vault = _parts(request)
    filters = people.Filters(
        name=name, fiscal_code=fiscal_code, status=status, project_id=project_id, operator=operator,
        deadline_within_days=deadline_within_days,
    )
    try:
        found = await people.list_people(
            pool, vault, principal, filters, limit=limit, offset=offset, purpose=purpose, today=today_in_italy()
        )
        found["items"] = [for_role(item, principal.role) for item in found["items"]]
        return found
    except people.PersonalDataRefused as exc:
        raise HTTPException(403, detail=str(exc)) from None


@router.get("/beneficiaries/{beneficiary_id}")
async def get_beneficiary(
    beneficiary_id: UUID,
    request: Request,
    principal: Principal = Depends(READERS),
    purpose: str | None = Query(None, min_length=3, max_length=200),
) -> dict:
    pool, vault = _parts(request)
    try:
        found = await people.get_person(pool, vault, principal, beneficiary_id, purpose=purpose, today=today_in_italy())
    except people.PersonalDataRefused as exc:
        raise HTTPException(403, detail=str(exc)) from None
    if found is None:
        raise HTTPException(404, detail=f"no beneficiary {beneficiary_id} in your organisation")
    return for_role(found, principal.role)


# Housing and employment decide on a lease or a contract's length, which a permit's month and its
# status (valid, expiring_soon, expired) answer; the exact expiry day is the operators' (README).
COARSE_PERMIT_ROLES = frozenset({Role.housing, Role.employment})


def for_role(person: dict, role: Role) -> dict:
    """What `role` sees of a person: housing and employment get the permit's expiry month, not its day."""
    if role not in COARSE_PERMIT_ROLES:
        return person
    expiry = person.pop("permit_expiry", None)
    person["permit_expiry_month"] = expiry.strftime("%Y-%m") if expiry else None
    return person
