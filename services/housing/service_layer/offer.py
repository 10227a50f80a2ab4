"""The offer the housing team records: places (flats and host families), each change re-matching the
place's neighbourhood in the same unit of work."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

from housing.domain.constraints import broken_constraints
from housing.domain.offer import HostPreferences, Place, PlaceKind
from housing.domain.workflow import decline, holding
from housing.service_layer.commands import RecordPlace
from housing.service_layer.context import Context
from housing.service_layer.events import status_changed
from housing.service_layer.matching import Rematch, rematch
from housing.service_layer.unit_of_work import HousingUnitOfWork
from housing.service_layer.workflow import rescore_held
from shared.errors import Conflict, NotFound, RuleViolation, Violations

PLACE_RETIRED = "place_retired"
# A date outside these is a typing slip (0001-01-01, 9999-12-31), not a period anyone hosts for.
EARLIEST = date(2000, 1, 1)
LATEST_AHEAD = timedelta(days=20 * 365)


def _validate(cmd: RecordPlace, ctx: Context, stored: PlaceKind | None = None) -> str:
    """The place's province, from its municipality; every rule broken is reported together (`stored`:
    the kind of the place a PUT replaces)."""
    errors = []
    if stored is not None and stored is not cmd.kind:
        errors.append(RuleViolation("kind", "kind_unchangeable",
                                    f"the place is a {stored.value}; record a new place for another kind"))
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
    today = ctx.today()
    async with ctx.uow() as uow:
        found = None
        if cmd.place_id is not None:
            found = await uow.places.get(cmd.place_id, cmd.organisation_id)
            if found is None:
                raise NotFound("no such place in the organisation's offer", field="place_id")
            await uow.places.lock(cmd.place_id)  # against the steps booking its beds meanwhile
        province = _validate(cmd, ctx, stored=found[0].kind if found else None)
        place = Place(
            cmd.place_id or uuid4(), cmd.organisation_id, cmd.kind, cmd.municipality, province, cmd.beds_total,
            cmd.beds_free, cmd.gender_policy, cmd.step_free, cmd.monthly_cost_per_bed, cmd.available_from,
            cmd.available_to, cmd.languages, HostPreferences(cmd.host_sexes, cmd.host_age_bands, cmd.host_children_ok),
        )
        if found is None:
            await uow.places.add(place, address=cmd.address, managing_organisation=cmd.managing_organisation)
        else:
            if not found[1]["active"]:
                raise Conflict("the place was retired from the offer", rule="place_retired", field="place_id")
            await _keeps_its_holds(uow, ctx, place, today)
            await uow.places.save(place, address=cmd.address, managing_organisation=cmd.managing_organisation)
        await rematch(uow, Rematch(cmd.organisation_id, today, places=frozenset({place.place_id})), ctx.scoring,
                      ctx.workflow, ctx.geo)
        if found is not None:  # a new cost or place: the proposals the team holds there scored again too
            await rescore_held(uow, ctx, holding(await uow.proposals.open(cmd.organisation_id), place.place_id),
                               today)
    return place


async def _keeps_its_holds(uow: HousingUnitOfWork, ctx: Context, place: Place, today: date) -> None:
    """A change to a place must not strand the households whose beds it holds (accepted, confirmed or
    proposed by hand): fewer beds than they hold, or a rule one of them no longer meets (another gender
    policy, no step-free access, a shorter period), is refused; the team declines those proposals first,
    each with its reason. The matcher's own proposals there simply move on."""
    living = await uow.proposals.living_in(place.place_id)
    if place.beds_free + living > place.beds_total:  # the form as first filled in, with someone moved in since
        raise Conflict(f"{living} of the {place.beds_total} beds are taken by the people living there: at most "
                       f"{max(0, place.beds_total - living)} can be free", rule="beds_occupied", field="beds_free",
                       living=living)
    holds = holding(await uow.proposals.open(place.organisation_id), place.place_id)
    held = sum(p.household_size for p in holds)
    if place.beds_free < held:
        raise Conflict(f"{held} beds are held by accepted or hand-made proposals", rule="beds_held",
                       field="beds_free")
    for p in holds:
        h = await uow.households.get(p.beneficiary_id)
        broken = [b for b in broken_constraints(h, place, today, ctx.scoring) if b != "capacity"] if h else []
        if broken:
            raise Conflict(f"the change breaks the {', '.join(broken)} constraint for a proposal holding beds "
                           "here: decline it first", rule="breaks_held_proposal", field=_FIELD_OF[broken[0]],
                           proposal_id=str(p.proposal_id), constraints=broken)


# The request field a broken constraint points to, for the refusal of a change to a place.
_FIELD_OF = {"gender_policy": "gender_policy", "host_preferences": "host_sexes", "accessibility": "step_free",
             "period": "available_to", "area": "municipality", "organisation": "place_id",
             "declined_before": "place_id"}


async def retire_place(ctx: Context, organisation_id: str, place_id: UUID) -> Place:
    """A flat given back or a host family that stops hosting leaves the offer: no longer listed nor
    matched, its history kept. Refused while someone lives there or the team has accepted a proposal
    for it (those are ended or declined first, each with its reason); the matcher's own proposals there
    are withdrawn and their households re-matched."""
    async with ctx.uow() as uow:
        found = await uow.places.get(place_id, organisation_id)
        if found is None:
            raise NotFound("no such place in the organisation's offer", field="place_id")
        await uow.places.lock(place_id)
        if not found[1]["active"]:
            raise Conflict("the place was retired from the offer already", rule="place_retired", field="place_id")
        here = [p for p in await uow.proposals.open(organisation_id) if p.place_id == place_id]
        if any(p.holds_beds for p in here):
            raise Conflict("an accepted proposal or one made by hand holds beds here: decline it first",
                           rule="beds_held", field="place_id")
        if await uow.proposals.living_in(place_id):
            raise Conflict("someone lives here: record the move out first", rule="place_occupied", field="place_id")
        await uow.places.retire(place_id)
        today = ctx.today()
        for p in here:  # the matcher's own, nobody acted on yet: withdrawn with the reason
            step = decline(p, "administrative", PLACE_RETIRED, None, today, ctx.workflow)
            if not await uow.proposals.save(step.proposal, expected=p.status):
                continue  # a re-match at this moment superseded it already
            uow.emit(status_changed(step, found[0].kind.value, today, PLACE_RETIRED), beneficiary_id=p.beneficiary_id,
                     organisation_id=organisation_id)
        await rematch(uow, Rematch(organisation_id, today, households=frozenset(p.beneficiary_id for p in here),
                                   places=frozenset({place_id})), ctx.scoring, ctx.workflow, ctx.geo)
        return found[0]
