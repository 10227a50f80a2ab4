"""Reporting's HTTP routes: translate, call, return."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Request

from reporting.adapters import repository
from reporting.domain.indicators import SMALL_CELL, by_organisation_sex_age
from shared.auth import Principal, Role, require

router = APIRouter(prefix="/api/v1", tags=["reporting"])


@router.get("/indicators")
async def indicators(
    request: Request,
    principal: Principal = Depends(require(Role.operator, Role.funder, Role.admin)),
) -> dict:
    """People taken in charge by organisation, sex and age band. Operators see their own
    organisation exactly; funders and admins see every organisation, small cells withheld."""
    own_only = principal.role is Role.operator
    async with request.app.state.runtime.pool.acquire() as conn:
        cells = await repository.count_cells(
            conn, organisation_id=principal.organisation_id if own_only else None
        )
    return by_organisation_sex_age(cells, suppress_below=None if own_only else SMALL_CELL)


@router.get("/beneficiaries/{beneficiary_id}/timeline")
async def timeline(
    beneficiary_id: UUID,
    request: Request,
    principal: Principal = Depends(require(Role.operator, Role.admin)),
) -> dict:
    """One person's path as the events tell it, for their own organisation's operators."""
    async with request.app.state.runtime.pool.acquire() as conn:
        items = await repository.timeline_of(
            conn, beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id
        )
    return {"beneficiary_id": str(beneficiary_id), "events": items}
