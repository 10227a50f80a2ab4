"""Employment's routes for openings, proposals and the pipeline: translate, call, return."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query

from employment.domain.levels import OpeningKind
from employment.domain.pipeline import Hire, Placement, Stage
from employment.entrypoints.deps import ADMIN, APP, TEAM, Principal
from employment.entrypoints.schemas import OpeningIn, OpeningOut, opening_out, plain
from employment.entrypoints.schemas_work import (
    CandidateOut,
    EndingOut,
    FunnelOut,
    PlacementOut,
    ProposalIn,
    RematchOut,
    StageCountsOut,
    StepIn,
)
from employment.service_layer import openings, pipeline, proposals, queries
from employment.service_layer.commands import CloseOpening, MoveStage, RecordOpening, ReviseOpening
from employment.service_layer.context import Employment
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.commands import ProposeByHand

router = APIRouter(prefix="/api/v1", tags=["employment"], responses=ERROR_RESPONSES)


def placement_out(p: Placement, parts: dict[str, Any] | None = None) -> PlacementOut:
    return PlacementOut(placement_id=p.placement_id, opening_id=p.opening_id, beneficiary_id=p.beneficiary_id,
                        kind=p.kind.value, stage=p.stage, since=p.since, score=p.score, score_parts=parts or {},
                        reason=p.reason, hire=plain(p.hire) if p.hire else None, pinned=p.pinned)


@router.post("/openings", status_code=201, response_model=OpeningOut)
async def record(body: Annotated[OpeningIn, Body()], who: Principal = TEAM, app: Employment = APP) -> OpeningOut:
    """Record a traineeship, bursary, course or job offer; checked whole against the rules on file."""
    made = await openings.record_opening(app, RecordOpening(body.domain(who.organisation_id)))
    return await get_opening(made.opening_id, who, app)  # with its free seats, as every read answers


@router.get("/openings", response_model=Page[OpeningOut])
async def list_openings(kind: OpeningKind | None = None, status: str | None = Query(None, pattern="^(open|closed)$"),
                        page: PageQuery = Depends(), who: Principal = TEAM, app: Employment = APP) -> dict:
    items, total = await queries.openings(app, who.organisation_id, kind=kind, status=status, limit=page.limit,
                                          offset=page.offset)
    return page.page([opening_out(o, free) for o, free in items], total)


@router.get("/openings/{opening_id}", response_model=OpeningOut)
async def get_opening(opening_id: UUID, who: Principal = TEAM, app: Employment = APP) -> OpeningOut:
    o, free = await queries.opening(app, who.organisation_id, opening_id)
    return opening_out(o, free)


@router.put("/openings/{opening_id}", response_model=OpeningOut)
async def revise(opening_id: UUID, body: Annotated[OpeningIn, Body()], who: Principal = TEAM,
                 app: Employment = APP) -> OpeningOut:
    await openings.revise_opening(app, ReviseOpening(body.domain(who.organisation_id, opening_id)))
    return await get_opening(opening_id, who, app)


@router.post("/openings/{opening_id}/close", response_model=OpeningOut)
async def close(opening_id: UUID, who: Principal = TEAM, app: Employment = APP) -> OpeningOut:
    await openings.close_opening(app, CloseOpening(who.organisation_id, opening_id))
    return await get_opening(opening_id, who, app)


@router.get("/proposals", response_model=Page[PlacementOut])
async def list_proposals(status: Stage | None = Stage.proposed, opening_id: UUID | None = None,
                    page: PageQuery = Depends(), who: Principal = TEAM, app: Employment = APP) -> dict:
    """Placements by status (proposed by default), each with its score's parts."""
    items, total = await queries.placements(app, who.organisation_id, stage=status, opening_id=opening_id,
                                            limit=page.limit, offset=page.offset)
    return page.page([placement_out(p, parts) for p, parts in items], total)


@router.post("/openings/{opening_id}/proposals", status_code=201, response_model=PlacementOut)
async def propose(opening_id: UUID, body: ProposalIn, who: Principal = TEAM, app: Employment = APP) -> PlacementOut:
    """Propose one person by hand: the engine's rules hold (consent, work goal, every hard requirement, a
    free seat: 409 or 422 naming which otherwise), and the seat is kept for them."""
    return placement_out(await proposals.propose(app, ProposeByHand(who.organisation_id,
                                                                    body.beneficiary_id, opening_id)))


@router.post("/placements/{placement_id}/steps", response_model=PlacementOut)
async def step(placement_id: UUID, body: StepIn, who: Principal = TEAM, app: Employment = APP) -> PlacementOut:
    """Move a placement one step along the pipeline (409 with the allowed steps otherwise)."""
    hire = None if body.hire is None else Hire(body.hire.contract_type, body.hire.monthly_income_eur,
                                               body.hire.weekly_hours, body.hire.workplace_municipality)
    moved = await pipeline.move_stage(app, MoveStage(who.organisation_id, placement_id, body.to, body.on,
                                                     body.reason, hire))
    return placement_out(moved)


@router.get("/stages", response_model=StageCountsOut)
async def stages(who: Principal = TEAM, app: Employment = APP) -> StageCountsOut:
    """How many people are in each stage (the list of each: /proposals?status=<stage>)."""
    return StageCountsOut(stages=await queries.stage_counts(app, who.organisation_id))


@router.get("/pipeline", response_model=Page[FunnelOut])
async def funnel(opening_id: UUID | None = None,
                 stalled: bool = Query(False, description="only the openings that stall (a placement untouched "
                                                          "longer than the rules' days)"),
                 page: PageQuery = Depends(), who: Principal = TEAM, app: Employment = APP) -> dict:
    """Per opening: reached, stage-to-stage conversion, mean days in each stage, stalled placements.
    The funnel is computed from the whole stage history at once (conversion needs every visit), then paged."""
    stats = sorted(((o, s) for o, s in (await queries.pipeline(app, who.organisation_id, opening_id)).items()
                    if not stalled or s["stalled_placements"]), key=lambda kv: str(kv[0]))
    chosen = stats[page.offset:page.offset + page.limit]
    return page.page([FunnelOut(opening_id=o, **s) for o, s in chosen], len(stats))


@router.get("/traineeships/ending-soon", response_model=Page[EndingOut])
async def ending_soon(within_days: int | None = Query(None, ge=0, le=366, description="days ahead; rules' default"),
                      page: PageQuery = Depends(), who: Principal = TEAM, app: Employment = APP) -> dict:
    """Started traineeships whose end date falls within the next days, soonest first, after those whose end
    date is past and are still started (`overdue`)."""
    rows, total = await queries.ending_soon(app, who.organisation_id, within_days, limit=page.limit,
                                            offset=page.offset)
    return page.page([EndingOut(**r) for r in rows], total)


@router.post("/matching/rematch", response_model=RematchOut)
async def rematch(who: Principal = ADMIN, app: Employment = APP) -> RematchOut:
    """Re-solve the organisation's matching from the tables (waiting times move daily); says how close to optimal."""
    return RematchOut(**await queries.full_rematch(app, who.organisation_id))


@router.get("/candidates", response_model=Page[CandidateOut])
async def candidates(page: PageQuery = Depends(), who: Principal = TEAM, app: Employment = APP) -> dict:
    """The people employment knows in the organisation, oldest first."""
    rows, total = await queries.people(app, who.organisation_id, limit=page.limit, offset=page.offset)
    return page.page([CandidateOut(beneficiary_id=p.beneficiary_id, since=p.registered_on, age_band=p.age_band,
                                   italian_level=p.italian_level, languages=list(p.languages), area=p.area,
                                   status="matchable" if why is None else why) for p, why in rows], total)
