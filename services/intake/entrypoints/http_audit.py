"""The audit log over HTTP: reads of personal data by person, user and period, paged, and one
person's access report (admins and the data-protection officer); one person's data export (admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict

from intake.entrypoints.deps import unit_of_work
from intake.service_layer import audit
from intake.service_layer.commands_common import Purpose
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.auth import Principal, Role, require

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=ERROR_RESPONSES)
ADMINS = require(Role.admin)
# Who read whose data and why: the admin, and the data-protection officer, who answers for it and sees
# no case data (the export below is case data: admins only).
AUDITORS = require(Role.admin, Role.dpo)
PURPOSE = Query(description="why the report is drawn up (audited)")


class AccessRow(BaseModel):
    id: int
    at: datetime
    actor: str
    actor_role: str
    beneficiary_id: UUID | None
    action: str
    purpose: str


class Access(BaseModel):
    at: datetime
    actor: str
    actor_role: str
    action: str
    purpose: str


class Reader(BaseModel):
    actor: str
    role: str
    reads: int
    first: datetime
    last: datetime
    purposes: list[str]


class AccessReport(BaseModel):
    beneficiary_id: UUID
    accesses: list[Access]
    readers: list[Reader]


@router.get("/audit/access", response_model=Page[AccessRow])
async def access_log(
    request: Request, principal: Principal = Depends(AUDITORS), page: PageQuery = Depends(),
    beneficiary_id: UUID | None = None, actor: str | None = Query(None, max_length=200),
    since: datetime | None = Query(None, description="from this instant (ISO 8601), included"),
    until: datetime | None = Query(None, description="to this instant, excluded"),
) -> dict[str, Any]:
    """The organisation's reads of personal data, newest first; filters combine."""
    total, items = await audit.access_log(
        unit_of_work(request), principal,
        audit.AccessQuery(beneficiary_id=beneficiary_id, actor=actor, since=since, until=until),
        limit=page.limit, offset=page.offset)
    return page.page(items, total)


@router.get("/beneficiaries/{beneficiary_id}/access-report", response_model=AccessReport)
async def access_report(beneficiary_id: UUID, request: Request, purpose: Annotated[Purpose, PURPOSE],
                        principal: Principal = Depends(AUDITORS)) -> dict[str, Any]:
    """Who read the person's data, when and why (the right of access, GDPR art. 15)."""
    return await audit.access_report(unit_of_work(request), principal, beneficiary_id, purpose=purpose)


class DataExport(BaseModel):
    """Every record intake holds about the person; each kind a list of its records (see the README)."""

    model_config = ConfigDict(extra="allow")

    beneficiary_id: UUID
    organisation_id: str
    registration: dict[str, Any]


@router.get("/beneficiaries/{beneficiary_id}/export", response_model=DataExport)
async def export(beneficiary_id: UUID, request: Request, purpose: Annotated[Purpose, PURPOSE],
                 principal: Principal = Depends(ADMINS)) -> dict[str, Any]:
    """Every registration version, correction, assessment, plan, intervention, course and consent of the
    person, decrypted, as JSON; audited; 409 once the person is erased."""
    return await audit.export(unit_of_work(request), request.app.state.vault, principal, beneficiary_id,
                              purpose=purpose)
