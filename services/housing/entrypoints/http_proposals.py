"""Proposals and the workflow's steps: translate, call, return."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query

from housing.domain.workflow import Status
from housing.entrypoints.convert import proposal_out
from housing.entrypoints.deps import READERS, TEAM, context
from housing.entrypoints.schemas import ProposalOut, ProposeIn, RematchOut, StepIn
from housing.service_layer import views, workflow
from housing.service_layer.commands import ProposalStep
from housing.service_layer.context import Context
from housing.service_layer.matching import Rematch, rematch
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.auth import Principal
from shared.commands import ProposeByHand

router = APIRouter(prefix="/api/v1", tags=["housing: proposals"], responses=ERROR_RESPONSES)
Action = Literal["accept", "confirm", "move_in", "move_out", "decline"]


@router.post("/matching/run", response_model=RematchOut)
async def run_matching(principal: Principal = Depends(TEAM), ctx: Context = Depends(context),
                       hold_for_arrivals: bool = Query(False, description="hold beds for expected arrivals: "
                                                       "net each bed's potential off (no bound then)")) -> RematchOut:
    """The full re-match of the organisation's waiting list, with the solver's proven bound."""
    cmd = Rematch(principal.organisation_id, ctx.today(), hold_for_arrivals=hold_for_arrivals)
    async with ctx.uow() as uow:
        r = await rematch(uow, cmd, ctx.scoring, ctx.workflow, ctx.geo)
    gap = None if not r.bound else round(100 * max(0.0, r.bound - r.objective) / r.bound, 3)
    return RematchOut(made=r.made, superseded=r.superseded, waiting=r.waiting, total_score=round(r.objective, 4),
                      proven_bound=None if r.bound is None else round(r.bound, 4), gap_pct=gap)


@router.get("/proposals", response_model=Page[ProposalOut])
async def list_proposals(principal: Principal = Depends(READERS), page: PageQuery = Depends(),
                         status: Status | None = None,
                         stalled: bool = Query(False, description="open and untouched for the configured days"),
                         ctx: Context = Depends(context)) -> dict:
    """Proposals by status, oldest step first, each with its score and the score's parts."""
    items, total = await views.proposals(ctx, principal.organisation_id, status=status, stalled=stalled,
                                         limit=page.limit, offset=page.offset)
    today = ctx.today()
    return page.page([proposal_out(p, s, parts, p.is_stalled(today, ctx.workflow)) for p, s, parts in items], total)


@router.get("/proposals/{proposal_id}", response_model=ProposalOut)
async def get_proposal(proposal_id: UUID, principal: Principal = Depends(READERS),
                       ctx: Context = Depends(context)) -> ProposalOut:
    """One proposal, its status and its score's parts."""
    p, score, parts = await views.proposal(ctx, principal.organisation_id, proposal_id)
    return proposal_out(p, score, parts, p.is_stalled(ctx.today(), ctx.workflow))


@router.post("/proposals", status_code=201, response_model=ProposalOut)
async def propose(body: ProposeIn, principal: Principal = Depends(TEAM),
                  ctx: Context = Depends(context)) -> ProposalOut:
    """A proposal made by hand; refused with each hard constraint it breaks."""
    cmd = ProposeByHand(principal.organisation_id, body.beneficiary_id, body.place_id)
    made = await workflow.propose(ctx, cmd)
    return await get_proposal(made.proposal_id, principal, ctx)


@router.post("/proposals/{proposal_id}/{action}", response_model=ProposalOut)
async def step(proposal_id: UUID, action: Action, body: StepIn = Body(default_factory=StepIn),
               principal: Principal = Depends(TEAM), ctx: Context = Depends(context)) -> ProposalOut:
    """accept (the team), confirm (actor person or host), move_in, move_out (reason), decline (actor, reason,
    note for 'other')."""
    cmd = ProposalStep(principal.organisation_id, proposal_id, action, body.actor, body.reason, body.note,
                       body.on)
    await workflow.step(ctx, cmd)
    return await get_proposal(proposal_id, principal, ctx)
