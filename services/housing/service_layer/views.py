"""The lists the housing team works from, each scoped to the caller's organisation."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from housing.domain.demand import Household
from housing.domain.funds import Fund, Support, SupportStatus
from housing.domain.offer import Place
from housing.domain.workflow import Proposal, Status
from housing.service_layer.context import Context
from shared.errors import NotFound


async def waiting(ctx: Context, organisation_id: str, *, only_matchable: bool, limit: int,
                  offset: int) -> tuple[list[Household], int]:
    """People waiting, longest first."""
    async with ctx.uow() as uow:
        return await uow.households.waiting(organisation_id, only_matchable=only_matchable, limit=limit,
                                            offset=offset)


async def proposals(ctx: Context, organisation_id: str, *, status: Status | None, stalled: bool, limit: int,
                    offset: int) -> tuple[list[tuple[Proposal, float, dict[str, float]]], int]:
    """By status with their score parts; `stalled`: open and untouched for the configured days."""
    before = ctx.today() - timedelta(days=ctx.workflow.stalled_after_days) if stalled else None
    async with ctx.uow() as uow:
        return await uow.proposals.listing(organisation_id, status=status, stalled_before=before, limit=limit,
                                           offset=offset)


async def proposal(ctx: Context, organisation_id: str, proposal_id: UUID) -> tuple[Proposal, float, dict[str, float]]:
    async with ctx.uow() as uow:
        found = await uow.proposals.get_scored(proposal_id, organisation_id)
    if found is None:
        raise NotFound("no such proposal for the organisation", field="proposal_id")
    return found


async def places(ctx: Context, organisation_id: str, *, free_within_days: int | None, limit: int,
                 offset: int) -> tuple[list[Place], int]:
    """The offer; with `free_within_days`, the places with beds free (not held by an accepted proposal)
    from now to then, their period not over, soonest first."""
    today = ctx.today()
    free_by = today + timedelta(days=free_within_days) if free_within_days is not None else None
    async with ctx.uow() as uow:
        return await uow.places.listing(organisation_id, free_by=free_by, today=today, limit=limit, offset=offset)


async def held_beds(ctx: Context, organisation_id: str) -> dict[UUID, int]:
    """Per place, the beds held by accepted (on to moving in) or hand-made proposals: free, but not to offer."""
    async with ctx.uow() as uow:
        open_proposals = await uow.proposals.open(organisation_id)
    held: dict[UUID, int] = {}
    for p in open_proposals:
        if p.holds_beds:
            held[p.place_id] = held.get(p.place_id, 0) + p.household_size
    return held


async def place(ctx: Context, organisation_id: str, place_id: UUID) -> tuple[Place, dict]:
    async with ctx.uow() as uow:
        found = await uow.places.get(place_id, organisation_id)
    if found is None:
        raise NotFound("no such place in the organisation's offer", field="place_id")
    return found


async def funds(ctx: Context, organisation_id: str, *, limit: int, offset: int) -> tuple[list[Fund], int]:
    async with ctx.uow() as uow:
        return await uow.funds.listing(organisation_id, limit=limit, offset=offset)


async def supports(ctx: Context, organisation_id: str, *, fund_id: UUID | None, beneficiary_id: UUID | None,
                   status: SupportStatus | None, limit: int, offset: int) -> tuple[list[Support], int]:
    async with ctx.uow() as uow:
        return await uow.supports.listing(organisation_id, fund_id=fund_id, beneficiary_id=beneficiary_id,
                                          status=status, limit=limit, offset=offset)


async def support(ctx: Context, organisation_id: str, support_id: UUID) -> Support:
    async with ctx.uow() as uow:
        found = await uow.supports.get(support_id, organisation_id)
    if found is None:
        raise NotFound("no such support request for the organisation", field="support_id")
    return found
