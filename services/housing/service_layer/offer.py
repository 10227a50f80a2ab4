"""The offer the housing team records: places (flats and host families), each change re-matching the
place's neighbourhood in the same unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from uuid import UUID, uuid4

from housing.domain.offer import HostPreferences, Place, PlaceKind
from housing.service_layer.commands import RecordPlace
from housing.service_layer.context import Context
from housing.service_layer.matching import Rematch, rematch
from shared.errors import Conflict, NotFound, RuleViolation, Violations

# A date outside these is a typing slip (0001-01-01, 9999-12-31), not a period anyone hosts for.
EARLIEST = date(2000, 1, 1)
LATEST_AHEAD = timedelta(days=20 * 365)


def _validate(cmd: RecordPlace, ctx: Context) -> str:
    """The place's province, from its municipality; every rule broken is reported together."""
    errors = []
    province = ctx.geo.province_of(cmd.municipality)
    if province is None:
        errors.append(RuleViolation("municipality", "istat_code_unknown",
                                    "not an ISTAT code in the municipality table"))
    if cmd.beds_free > cmd.beds_total:
        errors.append(RuleViolation("beds_free", "free_within_total", "cannot be more than beds_total"))
    if cmd.available_from and cmd.available_to and cmd.available_to < cmd.available_from:
        errors.append(RuleViolation("available_to", "period_order", "must not be before available_from"))
    today = ctx.today()
    for name, day in (("available_from", cmd.available_from), ("available_to", cmd.available_to)):
        if day is not None and not EARLIEST <= day <= today + LATEST_AHEAD:
            errors.append(RuleViolation(name, "date_out_of_range",
                                        f"must be between {EARLIEST} and {LATEST_AHEAD.days // 365} years from now"))
    if cmd.place_id is None and cmd.available_to is not None and cmd.available_to < today:
        errors.append(RuleViolation("available_to", "period_over", "a new place's period cannot be over already"))
    if cmd.kind is PlaceKind.host_family and cmd.available_to is None:
        errors.append(RuleViolation("available_to", "host_period_required", "a host family hosts for a set period"))
    if cmd.kind is PlaceKind.cohousing and (cmd.host_sexes or cmd.host_age_bands):
        errors.append(RuleViolation("host_sexes", "host_only", "guest preferences belong to host families"))
    if errors:
        raise Violations(errors)
    return province or ""


async def record_place(ctx: Context, cmd: RecordPlace) -> Place:
    province = _validate(cmd, ctx)
    place = Place(
        cmd.place_id or uuid4(), cmd.organisation_id, cmd.kind, cmd.municipality, province, cmd.beds_total,
        cmd.beds_free, cmd.gender_policy, cmd.step_free, cmd.monthly_cost_per_bed, cmd.available_from,
        cmd.available_to, cmd.languages, HostPreferences(cmd.host_sexes, cmd.host_age_bands, cmd.host_children_ok),
    )
    today = ctx.today()
    async with ctx.uow() as uow:
        if cmd.place_id is None:
            await uow.places.add(place, address=cmd.address, managing_organisation=cmd.managing_organisation)
        else:
            found = await uow.places.get(cmd.place_id, cmd.organisation_id)
            if found is None:
                raise NotFound("no such place in the organisation's offer")
            if found[0].kind is not cmd.kind:
                raise RuleViolation("kind", "kind_unchangeable",
                                    f"the place is a {found[0].kind.value}; record a new place for another kind")
            held = sum(p.household_size for p in await uow.proposals.open(cmd.organisation_id)
                       if p.place_id == place.place_id and p.holds_beds)
            if place.beds_free < held:
                raise Conflict(f"{held} beds are held by accepted or hand-made proposals", rule="beds_held",
                               field="beds_free")
            place = replace(place, kind=found[0].kind)
            await uow.places.save(place, address=cmd.address, managing_organisation=cmd.managing_organisation)
        await rematch(uow, Rematch(cmd.organisation_id, today, places=frozenset({place.place_id})), ctx.scoring,
                      ctx.workflow, ctx.geo)
    return place


async def retire_place(ctx: Context, organisation_id: str, place_id: UUID) -> Place:
    """A flat given back or a host family that stops hosting leaves the offer: no longer listed nor
    matched, its history kept. Refused while someone lives there or the team has accepted a proposal
    for it (those are ended or declined first, each with its reason); the matcher's own proposals there
    are withdrawn and their households re-matched."""
    async with ctx.uow() as uow:
        found = await uow.places.get(place_id, organisation_id)
        if found is None:
            raise NotFound("no such place in the organisation's offer")
        await uow.places.lock(place_id)
        here = [p for p in await uow.proposals.open(organisation_id) if p.place_id == place_id]
        if any(p.holds_beds for p in here):
            raise Conflict("an accepted proposal or one made by hand holds beds here: decline it first",
                           rule="beds_held", field="place_id")
        if await uow.proposals.living_in(place_id):
            raise Conflict("someone lives here: record the move out first", rule="place_occupied", field="place_id")
        await uow.places.retire(place_id)
        await rematch(uow, Rematch(organisation_id, ctx.today(), households=frozenset(p.beneficiary_id for p in here),
                                   places=frozenset({place_id})), ctx.scoring, ctx.workflow, ctx.geo)
        return found[0]
