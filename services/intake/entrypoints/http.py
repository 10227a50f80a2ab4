"""Intake's HTTP routes for people: translate the request into a command, call the service layer,
translate its result into the response model. Refusals are raised as the shared errors and answered
in the one error body."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from intake.domain.duplicates import DuplicatesFound
from intake.domain.path import PathStatus
from intake.entrypoints import responses
from intake.entrypoints.deps import parts, unit_of_work
from intake.service_layer import corrections, people, projects, registration
from intake.service_layer.commands import BeneficiaryCorrectionIn, BeneficiaryIn
from intake.service_layer.commands_common import Name, Purpose, today_in_italy
from intake.service_layer.commands_projects import ProjectEnrolmentIn
from shared import idempotency
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.auth import Principal, Role, require
from shared.errors import Conflict, NotFound

router = APIRouter(prefix="/api/v1", tags=["intake"], responses=ERROR_RESPONSES)
OPERATORS = require(Role.operator, Role.admin)
READERS = require(Role.operator, Role.admin, Role.housing, Role.employment)
POSSIBLE_DUPLICATE = "possible_duplicate"


@router.post("/beneficiaries", status_code=201, response_model=responses.Registered,
             response_model_exclude_none=True)
async def register_beneficiary(
    body: BeneficiaryIn,
    request: Request,
    principal: Principal = Depends(OPERATORS),
    confirm_distinct: bool = Query(False, description="register despite a same-name-and-birth match"),
) -> JSONResponse:
    """Take a person in charge. A possible duplicate answers 409 with the people to link to."""
    uow, vault = parts(request)
    try:
        registered = await registration.register(
            uow, vault, principal, body, today=today_in_italy(), confirm_distinct=confirm_distinct,
            before_commit=lambda done: idempotency.answer_with(201, _registered(done)),
        )
    except DuplicatesFound as exc:
        detail = ("possible duplicate: link to an existing person instead of registering again, by enrolling "
                  "them in your project: POST {\"project_id\": ...} to the match's link")
        raise _duplicates(exc, detail) from None
    return JSONResponse(status_code=201, content=_registered(registered))


def _registered(registered: registration.Registered) -> dict[str, str]:
    """The hot path answers with its bytes directly, in the response model's shape (tests check it);
    the same bytes go with an Idempotency-Key's claim, for a retry whose answer was lost."""
    content = {"beneficiary_id": str(registered.beneficiary_id), "path_status": "taken_in_charge"}
    if registered.permit_status is not None:
        content["permit_status"] = registered.permit_status
    return content


@router.post("/beneficiaries/{beneficiary_id}/corrections", status_code=201, response_model=responses.Corrected)
async def correct_beneficiary(
    beneficiary_id: UUID,
    body: BeneficiaryCorrectionIn,
    request: Request,
    principal: Principal = Depends(OPERATORS),
    confirm_distinct: bool = Query(False, description="correct despite a same-name-and-birth match"),
) -> dict[str, Any]:
    """Correct registration fields; the whole registration must stay valid, and a corrected identity
    that matches another person answers 409 with the matches, as registration does."""
    uow, vault = parts(request)
    try:
        event = await corrections.correct(
            uow, vault, principal, beneficiary_id, body, today=today_in_italy(), confirm_distinct=confirm_distinct
        )
    except DuplicatesFound as exc:
        raise _duplicates(exc, "the corrected identity matches another person: link to them instead "
                               "(POST {\"project_id\": ...} to the match's link)") from None
    return {"beneficiary_id": beneficiary_id, "corrected_fields": list(event.corrected_fields)}


@router.post("/beneficiaries/{beneficiary_id}/projects", status_code=201, response_model=responses.PersonProjects)
async def enrol_in_project(
    beneficiary_id: UUID, body: ProjectEnrolmentIn, request: Request, principal: Principal = Depends(OPERATORS)
) -> dict[str, Any]:
    """Enrol a person already taken in charge in one more project: the 'link' a duplicate answer offers."""
    uow = unit_of_work(request)
    project_ids = await projects.enrol(uow, principal, beneficiary_id, body, today=today_in_italy())
    return {"beneficiary_id": beneficiary_id, "project_ids": project_ids}


def _duplicates(exc: DuplicatesFound, detail: str) -> Conflict:
    """The domain's matches as a 409: each with the link that enrols the person instead."""
    return Conflict(
        detail, rule=POSSIBLE_DUPLICATE,
        matches=[{"beneficiary_id": str(m.beneficiary_id), "reasons": [r.value for r in m.reasons],
                  "link": f"/api/v1/beneficiaries/{m.beneficiary_id}/projects"} for m in exc.matches],
        can_confirm_distinct=exc.overridable,
    )


@router.get("/beneficiaries", response_model=Page[responses.Person], response_model_exclude_unset=True)
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
    purpose: Purpose | None = Query(None, description="why personal data is read; required to see it, audited"),
    page: PageQuery = Depends(),
) -> dict[str, Any]:
    """The caller's organisation's people, newest first; filters combine."""
    uow, vault = parts(request)
    filters = people.Filters(
        name=name, fiscal_code=fiscal_code, status=status, project_id=project_id, operator=operator,
        deadline_within_days=deadline_within_days,
    )
    found = await people.list_people(uow, vault, principal, filters, limit=page.limit, offset=page.offset,
                                     purpose=purpose, today=today_in_italy())
    found["items"] = [for_role(item, principal.role) for item in found["items"]]
    return found


@router.get("/beneficiaries/{beneficiary_id}", response_model=responses.Person, response_model_exclude_unset=True)
async def get_beneficiary(
    beneficiary_id: UUID,
    request: Request,
    principal: Principal = Depends(READERS),
    purpose: Purpose | None = Query(None),
) -> dict[str, Any]:
    uow, vault = parts(request)
    found = await people.get_person(uow, vault, principal, beneficiary_id, purpose=purpose, today=today_in_italy())
    if found is None:
        raise NotFound(f"no beneficiary {beneficiary_id} in your organisation", field="beneficiary_id")
    return for_role(found, principal.role)


# Housing and employment decide on a lease or a contract's length, which a permit's month and its
# status (valid, expiring_soon, expired, renewal_pending) answer; the exact expiry day and the renewal
# flag itself are the operators' (README): the status already says what the flag means for a lease.
COARSE_PERMIT_ROLES = frozenset({Role.housing, Role.employment})


def for_role(person: dict[str, Any], role: Role) -> dict[str, Any]:
    """What `role` sees of a person: housing and employment get the permit's expiry month, not its day,
    and its status (renewal_pending past the expiry day of a permit being renewed), not the flag."""
    if role not in COARSE_PERMIT_ROLES:
        return person
    person.pop("permit_renewal_pending", None)
    expiry = person.pop("permit_expiry", None)
    person["permit_expiry_month"] = expiry.strftime("%Y-%m") if expiry else None
    return person
