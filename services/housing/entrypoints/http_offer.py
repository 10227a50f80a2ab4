"""The offer and the waiting list: translate, call, return."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Query

from housing.entrypoints.convert import place_out, waiting_out
from housing.entrypoints.deps import READERS, TEAM, context
from housing.entrypoints.schemas import PlaceDetail, PlaceIn, PlaceOut, WaitingOut
from housing.service_layer import offer, views
from housing.service_layer.commands import RecordPlace
from housing.service_layer.context import Context
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.auth import Principal

router = APIRouter(prefix="/api/v1", tags=["housing: offer"], responses=ERROR_RESPONSES)


def _command(body: PlaceIn, organisation_id: str, place_id: UUID | None = None) -> RecordPlace:
    return RecordPlace(
        organisation_id=organisation_id, kind=body.kind, municipality=body.municipality, beds_total=body.beds_total,
        beds_free=body.beds_free, gender_policy=body.gender_policy, step_free=body.step_free,
        monthly_cost_per_bed=body.monthly_cost_per_bed, available_from=body.available_from,
        available_to=body.available_to, languages=frozenset(body.languages), host_sexes=frozenset(body.host_sexes),
        host_age_bands=frozenset(body.host_age_bands), host_children_ok=body.host_children_ok, address=body.address,
        managing_organisation=body.managing_organisation, place_id=place_id,
    )


@router.post("/places", status_code=201, response_model=PlaceOut)
async def create_place(body: PlaceIn, principal: Principal = Depends(TEAM),
                       ctx: Context = Depends(context)) -> PlaceOut:
    """Record a flat or a host family; the matcher re-matches around it at once."""
    made = await offer.record_place(ctx, _command(body, principal.organisation_id))
    return place_out(made, await views.held_beds(ctx, principal.organisation_id))


@router.put("/places/{place_id}", response_model=PlaceOut)
async def update_place(place_id: UUID, body: PlaceIn, principal: Principal = Depends(TEAM),
                       ctx: Context = Depends(context)) -> PlaceOut:
    made = await offer.record_place(ctx, _command(body, principal.organisation_id, place_id))
    return place_out(made, await views.held_beds(ctx, principal.organisation_id))


@router.post("/places/{place_id}/retire", response_model=PlaceOut)
async def retire_place(place_id: UUID, principal: Principal = Depends(TEAM),
                       ctx: Context = Depends(context)) -> PlaceOut:
    """Take the place out of the offer (409 while someone lives there or an accepted proposal holds it)."""
    retired = await offer.retire_place(ctx, principal.organisation_id, place_id)
    return place_out(retired, await views.held_beds(ctx, principal.organisation_id))


@router.get("/places/{place_id}", response_model=PlaceDetail)
async def get_place(place_id: UUID, principal: Principal = Depends(TEAM),
                    ctx: Context = Depends(context)) -> PlaceOut:
    """With the address, for the housing team only."""
    place, extra = await views.place(ctx, principal.organisation_id, place_id)
    return place_out(place, await views.held_beds(ctx, principal.organisation_id), extra)


@router.get("/places", response_model=Page[PlaceOut])
async def list_places(principal: Principal = Depends(READERS), page: PageQuery = Depends(),
                      free_within_days: int | None = Query(None, ge=0, le=365,
                                                           description="only places with beds free by then"),
                      ctx: Context = Depends(context)) -> dict:
    """The offer; with free_within_days, the places free soon, soonest first."""
    items, total = await views.places(ctx, principal.organisation_id, free_within_days=free_within_days,
                                      limit=page.limit, offset=page.offset)
    held = await views.held_beds(ctx, principal.organisation_id)
    return page.page([place_out(p, held) for p in items], total)


@router.get("/waiting", response_model=Page[WaitingOut])
async def waiting_list(principal: Principal = Depends(READERS), page: PageQuery = Depends(),
                       matchable: bool = Query(True, description="only people the matcher works for (a housing "
                                               "goal, the consent to the referral); false: everyone not housed"),
                       ctx: Context = Depends(context)) -> dict:
    """People waiting for housing, longest first."""
    items, total = await views.waiting(ctx, principal.organisation_id, only_matchable=matchable, limit=page.limit,
                                       offset=page.offset)
    today = ctx.today()
    return page.page([waiting_out(h, today) for h in items], total)
