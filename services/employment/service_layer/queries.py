"""The team's lists: people and why each is in or out of matching, proposals by status with their
score parts, people in each stage, the pipeline's funnel per opening, traineeships ending soon,
payments due in a month, and each fund's budget, committed and paid."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from employment.domain.funds import Fund
from employment.domain.levels import OpeningKind
from employment.domain.openings import Opening
from employment.domain.people import Person, why_not_matched
from employment.domain.pipeline import Placement, Stage, holds_seat
from employment.domain.stats import funnel
from employment.service_layer.context import Employment
from shared.errors import NotFound


async def people(app: Employment, organisation_id: str, *, limit: int, offset: int
                 ) -> tuple[list[tuple[Person, str | None]], int]:
    async with app.uow() as uow:
        rows, total = await uow.people.page(organisation_id, limit=limit, offset=offset)
        holding = await uow.placements.holding_seats(organisation_id)
    return [(p, why_not_matched(p, holds_seat=p.beneficiary_id in holding)) for p in rows], total


async def person(app: Employment, organisation_id: str, beneficiary_id: UUID) -> dict[str, Any]:
    async with app.uow() as uow:
        p = await uow.people.get(beneficiary_id)
        if p is None or p.organisation_id != organisation_id or p.erased:
            raise NotFound("no such person in the organisation", field="beneficiary_id")
        active = await uow.placements.active_of(beneficiary_id)
        holds = active is not None and holds_seat(active)
        return {"person": p, "out_of_matching": why_not_matched(p, holds_seat=holds), "placement": active,
                "recognitions": await uow.titles.recognitions_of(beneficiary_id),
                "certifications": await uow.titles.certifications_of(beneficiary_id)}


async def openings(app: Employment, organisation_id: str, *, kind: OpeningKind | None, status: str | None,
                   limit: int, offset: int) -> tuple[list[tuple[Opening, int]], int]:
    async with app.uow() as uow:
        return await uow.openings.page(organisation_id, kind=kind, status=status, limit=limit, offset=offset)


async def opening(app: Employment, organisation_id: str, opening_id: UUID) -> tuple[Opening, int]:
    async with app.uow() as uow:
        o = await uow.openings.get(organisation_id, opening_id)
        if o is None:
            raise NotFound("no such opening", field="opening_id")
        return o, await uow.openings.free_seats(opening_id)


async def placements(app: Employment, organisation_id: str, *, stage: Stage | None, opening_id: UUID | None,
                     limit: int, offset: int) -> tuple[list[tuple[Placement, dict[str, Any]]], int]:
    async with app.uow() as uow:
        return await uow.placements.page(organisation_id, stage=stage, opening_id=opening_id, limit=limit,
                                         offset=offset)


async def stage_counts(app: Employment, organisation_id: str) -> dict[str, int]:
    async with app.uow() as uow:
        counts = await uow.placements.stage_counts(organisation_id)
    return {s.value: counts.get(s.value, 0) for s in Stage}


async def pipeline(app: Employment, organisation_id: str, opening_id: UUID | None = None) -> dict[UUID, dict]:
    """Per opening: reached, conversion from stage to stage, mean days in each stage; stalled when the
    current stage of some placement has been untouched longer than the rules' days."""
    today = app.today()
    async with app.uow() as uow:
        visits = await uow.placements.visits(organisation_id, opening_id)
    stats = funnel(visits, today=today)
    limit = app.rulebook.stalled_after_days
    for o, s in stats.items():
        s["stalled_placements"] = len({v.placement_id for v in visits if v.opening_id == o and v.left_on is None
                                       and v.stage in (Stage.proposed, Stage.interview, Stage.enrolled)
                                       and (today - v.entered_on).days > limit})
    return stats


async def ending_soon(app: Employment, organisation_id: str, within_days: int | None, *, limit: int = 50,
                      offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Started traineeships ending by today + the days, soonest first: those past their end date and still
    started come first, marked `overdue` (someone has to record how they ended), as the payments due list
    keeps the months left unpaid."""
    today = app.today()
    days = app.rulebook.ending_soon_days if within_days is None else within_days
    async with app.uow() as uow:
        rows, total = await uow.openings.ending_between(organisation_id, date(2000, 1, 1), today + timedelta(days=days),
                                                        limit=limit, offset=offset)
    return [{**r, "overdue": r["end_date"] < today} for r in rows], total


async def due(app: Employment, organisation_id: str, month: tuple[int, int] | None, *, limit: int = 50,
              offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Unpaid instalments due in the month (this month by default), the overdue ones of earlier months too."""
    y, m = month or (app.today().year, app.today().month)
    last = date(y, m, monthrange(y, m)[1])
    async with app.uow() as uow:
        return await uow.instalments.due(organisation_id, date(2000, 1, 1), last, limit=limit, offset=offset)


async def funds(app: Employment, organisation_id: str, *, limit: int, offset: int) -> tuple[list[Fund], int]:
    async with app.uow() as uow:
        return await uow.funds.page(organisation_id, limit=limit, offset=offset)


async def full_rematch(app: Employment, organisation_id: str) -> dict[str, Any]:
    """Rebuild the organisation's engine from the tables and re-solve (e.g. each morning: waiting times move)."""
    async with app.uow() as uow:
        await uow.settings.bump_version(organisation_id)
        await app.matcher.rematch(uow, organisation_id, [], app.today())
    kept = app.matcher.engines[organisation_id]
    cert = kept.engine.certificate()
    return {"proposals": len(kept.engine.assignment()), "total_points": cert.total, "bound_points": cert.bound,
            "optimality_gap_pct": cert.gap_pct, "pairs_priced": cert.pairs_priced}
