"""Employment's HTTP routes: translate, call, return."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from employment.adapters import repository
from shared.auth import Principal, Role, require
from shared.types import MAX_OFFSET

router = APIRouter(prefix="/api/v1", tags=["employment"])


@router.get("/candidates")
async def candidates(
    request: Request,
    principal: Principal = Depends(require(Role.employment, Role.operator, Role.admin)),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict:
    """The caller's organisation's candidates for work paths."""
    async with request.app.state.runtime.pool.acquire() as conn:
        items = await repository.list_candidates(
            conn, organisation_id=principal.organisation_id, limit=limit, offset=offset
        )
    return {"items": items, "limit": limit, "offset": offset}
