"""Consent by purpose over HTTP: the purposes (a data file), a person's consents, giving one and
withdrawing one (operators and admins)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from intake.domain.consent import GivenBy, LegalBasis
from intake.entrypoints.deps import unit_of_work
from intake.service_layer import consent
from intake.service_layer.commands_common import InputModel, PastDate, Text, today_in_italy
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.auth import Principal, Role, require

router = APIRouter(prefix="/api/v1", tags=["consent"], responses=ERROR_RESPONSES)
OPERATORS = require(Role.operator, Role.admin)


class PurposeOut(BaseModel):
    code: str
    name_en: str
    name_it: str
    acted_on_by: str


class ConsentGivenIn(InputModel):
    purpose: str = Field(max_length=40)
    given_on: PastDate
    legal_basis: LegalBasis = LegalBasis.consent
    notice_version: Text = Field(max_length=40, description="version of the privacy notice shown")
    given_by: GivenBy | None = Field(None, description="person, or guardian (the default for an unaccompanied minor)")
    expires_on: date | None = None


class WithdrawalIn(InputModel):
    withdrawn_on: PastDate | None = Field(None, description="today when not given")


class PurposeState(BaseModel):
    purpose: str
    name: str
    status: str = Field(description="in_force, expired, withdrawn or never_given")
    since: date | None
    expires_on: date | None
    legal_basis: str | None
    notice_version: str | None
    given_by: str | None


class ConsentChange(BaseModel):
    purpose: str
    action: str
    cause: str | None = Field(None, description="of a withdrawal: withdrawn, or expired")
    legal_basis: str | None
    notice_version: str | None
    given_by: str | None
    on_date: date
    expires_on: date | None
    recorded_by: str
    recorded_at: datetime


class ConsentsOut(BaseModel):
    beneficiary_id: UUID
    purposes: list[PurposeState]
    history: list[ConsentChange]


@router.get("/consent-purposes", response_model=Page[PurposeOut])
async def purposes(principal: Principal = Depends(OPERATORS), page: PageQuery = Depends()) -> dict[str, Any]:
    """The purposes a consent is given to (a data file), in its order."""
    every = [vars(p) for p in consent.purposes().values()]
    return page.page(every[page.offset:page.offset + page.limit], len(every))


@router.get("/beneficiaries/{beneficiary_id}/consents", response_model=ConsentsOut)
async def consents(beneficiary_id: UUID, request: Request, principal: Principal = Depends(OPERATORS)) -> dict:
    return await consent.consents(unit_of_work(request), principal, beneficiary_id, today=today_in_italy())


@router.post("/beneficiaries/{beneficiary_id}/consents", response_model=ConsentsOut, status_code=201)
async def give(beneficiary_id: UUID, body: ConsentGivenIn, request: Request,
               principal: Principal = Depends(OPERATORS)) -> dict:
    """Record a consent to one purpose; emits intake.consent_given."""
    command = consent.GiveConsent(purpose=body.purpose, given_on=body.given_on, legal_basis=body.legal_basis,
                                  notice_version=body.notice_version, given_by=body.given_by,
                                  expires_on=body.expires_on)
    return await consent.give(unit_of_work(request), principal, beneficiary_id, command,
                              today=today_in_italy())


@router.post("/beneficiaries/{beneficiary_id}/consents/{purpose}/withdrawal", response_model=ConsentsOut,
             status_code=201)
async def withdraw(beneficiary_id: UUID, request: Request,
                   purpose: str = Path(max_length=40, pattern=r"^[a-z][a-z0-9_]{1,39}$",
                                       description="a purpose code from the list kept as data"),
                   body: WithdrawalIn | None = None,
                   principal: Principal = Depends(OPERATORS)) -> dict:
    """Withdraw the consent to one purpose, at any time; emits intake.consent_withdrawn, on which housing and
    employment stop offering and matching the person."""
    today = today_in_italy()
    return await consent.withdraw(unit_of_work(request), principal, beneficiary_id, purpose,
                                  withdrawn_on=(body.withdrawn_on if body and body.withdrawn_on else today),
                                  today=today)
