"""Funds, rent advances and contributions: translate, call, return."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends

from housing.domain.funds import Lease, SupportStatus
from housing.entrypoints.convert import fund_out, support_out
from housing.entrypoints.deps import TEAM, context
from housing.entrypoints.schemas import FundIn, FundOut, SupportIn, SupportOut
from housing.service_layer import funds, views
from housing.service_layer.commands import CreateFund, RequestSupport, SupportStep
from housing.service_layer.context import Context
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.auth import Principal

router = APIRouter(prefix="/api/v1", tags=["housing: funds"], responses=ERROR_RESPONSES)


@router.post("/funds", status_code=201, response_model=FundOut)
async def create_fund(body: FundIn, principal: Principal = Depends(TEAM), ctx: Context = Depends(context)) -> FundOut:
    cmd = CreateFund(principal.organisation_id, body.project_id, body.kind, body.total_eur, body.cap_per_person_eur)
    return fund_out(await funds.create_fund(ctx, cmd))


@router.get("/funds", response_model=Page[FundOut])
async def list_funds(principal: Principal = Depends(TEAM), page: PageQuery = Depends(),
                     ctx: Context = Depends(context)) -> dict:
    """Each fund's budget, committed (approved or paid) and paid."""
    items, total = await views.funds(ctx, principal.organisation_id, limit=page.limit, offset=page.offset)
    return page.page([fund_out(f) for f in items], total)


@router.post("/supports", status_code=201, response_model=SupportOut)
async def request_support(body: SupportIn, principal: Principal = Depends(TEAM),
                          ctx: Context = Depends(context)) -> SupportOut:
    """Request a rent advance (months of rent up to six, the lease) or a furniture / utilities contribution."""
    cmd = RequestSupport(principal.organisation_id, body.fund_id, body.beneficiary_id, body.kind, body.amount_eur,
                         Lease(body.months, body.monthly_rent_eur, body.lease_ref))
    return support_out(await funds.request_support(ctx, cmd))


@router.get("/supports", response_model=Page[SupportOut])
async def list_supports(principal: Principal = Depends(TEAM), page: PageQuery = Depends(),
                        fund_id: UUID | None = None, beneficiary_id: UUID | None = None,
                        status: SupportStatus | None = None, ctx: Context = Depends(context)) -> dict:
    """The organisation's supports, oldest request first; by fund, person and status."""
    items, total = await views.supports(ctx, principal.organisation_id, fund_id=fund_id,
                                        beneficiary_id=beneficiary_id, status=status, limit=page.limit,
                                        offset=page.offset)
    return page.page([support_out(s) for s in items], total)


@router.get("/supports/{support_id}", response_model=SupportOut)
async def get_support(support_id: UUID, principal: Principal = Depends(TEAM),
                      ctx: Context = Depends(context)) -> SupportOut:
    return support_out(await views.support(ctx, principal.organisation_id, support_id))


@router.post("/supports/{support_id}/{action}", response_model=SupportOut)
async def support_step(support_id: UUID, action: Literal["approve", "pay", "refuse"],
                       principal: Principal = Depends(TEAM), ctx: Context = Depends(context)) -> SupportOut:
    """approve (never beyond what the fund has left), pay, refuse."""
    return support_out(await funds.support_step(ctx, SupportStep(principal.organisation_id, support_id, action)))
