"""Employment's routes for funds and payments."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query

from employment.domain.funds import Fund
from employment.domain.instalments import MAX_INSTALMENTS
from employment.entrypoints.deps import ADMIN, APP, TEAM, Principal
from employment.entrypoints.schemas_work import BudgetIn, DueOut, FundIn, FundOut, PaymentIn, PaymentOut
from employment.service_layer import money, queries
from employment.service_layer.commands import CreateFund, PayInstalment, ReviseBudget
from employment.service_layer.context import Employment
from shared.api import ERROR_RESPONSES, Page, PageQuery

router = APIRouter(prefix="/api/v1", tags=["employment: money"], responses=ERROR_RESPONSES)


def fund_out(f: Fund) -> FundOut:
    return FundOut(fund_id=f.fund_id, project_id=f.project_id, name=f.name, budget_eur=f.budget,
                   committed_eur=f.committed, paid_eur=f.paid, uncommitted_eur=f.ledger.uncommitted,
                   left_eur=f.ledger.unpaid)


@router.post("/funds", status_code=201, response_model=FundOut)
async def create(body: FundIn, who: Principal = ADMIN, app: Employment = APP) -> FundOut:
    """A project's fund for allowances and bursaries (budget in exact euros)."""
    return fund_out(await money.create_fund(app, CreateFund(who.organisation_id, body.project_id, body.name,
                                                            body.budget_eur)))


@router.get("/funds", response_model=Page[FundOut])
async def funds(page: PageQuery = Depends(), who: Principal = TEAM, app: Employment = APP) -> dict:
    """Each fund's budget, committed and paid."""
    items, total = await queries.funds(app, who.organisation_id, limit=page.limit, offset=page.offset)
    return page.page([fund_out(f) for f in items], total)


@router.patch("/funds/{fund_id}", response_model=FundOut)
async def revise(fund_id: UUID, body: BudgetIn, who: Principal = ADMIN, app: Employment = APP) -> FundOut:
    """A budget revision (a funder's cut or top-up), never below what is paid or committed."""
    return fund_out(await money.revise_budget(app, ReviseBudget(who.organisation_id, fund_id, body.budget_eur)))


@router.get("/payments/due", response_model=Page[DueOut])
async def due(month: str | None = Query(None, pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", max_length=7,
                                        description="YYYY-MM; this month by default; overdue months included"),
              page: PageQuery = Depends(), who: Principal = TEAM, app: Employment = APP) -> dict:
    """Unpaid instalments due by the month's end, oldest first."""
    chosen = None if month is None else (int(month[:4]), int(month[5:]))
    rows, total = await queries.due(app, who.organisation_id, chosen, limit=page.limit, offset=page.offset)
    return page.page([DueOut(placement_id=r["placement_id"], month_no=r["month_no"], fund_id=r["fund_id"],
                             due_on=r["due_on"], amount_eur=r["amount"]) for r in rows], total)


@router.post("/placements/{placement_id}/instalments/{month_no}/payment", status_code=201, response_model=PaymentOut)
async def pay(placement_id: UUID, month_no: Annotated[int, Path(ge=1, le=MAX_INSTALMENTS)],
              body: PaymentIn | None = None, who: Principal = TEAM,
              app: Employment = APP) -> PaymentOut:
    """Pay one month from the project's fund: 409 if paid already, cancelled, or past what the fund has left."""
    paid = await money.pay_instalment(app, PayInstalment(who.organisation_id, placement_id, month_no,
                                                         body.on if body else None,
                                                         body.attended_hours if body else None))
    return PaymentOut(**paid)
