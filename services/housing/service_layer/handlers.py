"""Housing's reactions to other services' events: the one table of handlers.

The demand comes from events only. Registration makes the household known (and announces it waiting);
a housing goal in the plan (agreed with it, or added to it later) and the consent to the housing referral
make it matchable; a withdrawal or an erasure takes it out at once, closing its open proposal; corrections,
income and workplace change its scores. Every change re-matches the household's neighbourhood in the same
transaction as the event's tracking row, so a re-match is never lost nor done twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from housing.domain.demand import Household, areas_of, is_vulnerable
from housing.service_layer.context import Context
from housing.service_layer.matching import Rematch, rematch
from housing.service_layer.unit_of_work import HousingUnitOfWork
from housing.service_layer.workflow import close_open, refit, rescore_held
from shared.consumer import Batched, Handler
from shared.events.contracts import (
    BeneficiaryCorrected,
    BeneficiaryErased,
    BeneficiaryRegistered,
    ConsentGiven,
    ConsentWithdrawn,
    EmploymentIncomeChanged,
    GoalOutcomeRecorded,
    GoalsAdded,
    HousingCandidateWaiting,
    PathStatusChanged,
    PlanAgreed,
)
from shared.events.contracts.consent import HOUSING_REFERRAL
from shared.events.envelope import Event, EventPayload


def household_from(e: Event[BeneficiaryRegistered], r: BeneficiaryRegistered) -> Household:
    accepted = frozenset(r.accepted_areas)
    return Household(
        beneficiary_id=e.beneficiary_id, organisation_id=e.envelope.organisation_id, size=r.household_size,
        children=r.children, sex=r.sex, age_band=r.age_band.value, waiting_since=r.path_started_on,
        areas=areas_of(accepted, r.area), accepted_areas=accepted, home_area=r.area,
        languages=frozenset(r.languages), step_free_need=bool(r.step_free_need),
        leave_by=r.must_leave_by,  # the day reception ends; absent, the housing goal's deadline stands in
        reception_leave_by=r.must_leave_by,
        vulnerable=is_vulnerable(single_parent=r.single_parent, children=r.children, age_band=r.age_band.value),
        single_parent=r.single_parent,
    )


def _corrected(h: Household, c: BeneficiaryCorrected) -> Household:
    changed = c.changed_attributes()
    updates: dict[str, Any] = {}
    for src, dst in (("sex", "sex"), ("household_size", "size"), ("children", "children"),
                     ("single_parent", "single_parent")):
        if src in changed:
            updates[dst] = changed[src]
    if "must_leave_by" in changed:
        updates["leave_by"] = updates["reception_leave_by"] = changed["must_leave_by"]
    if "step_free_need" in changed:
        updates["step_free_need"] = bool(changed["step_free_need"])
    if "age_band" in changed:
        updates["age_band"] = changed["age_band"].value
    if "languages" in changed:
        updates["languages"] = frozenset(changed["languages"])
    if "accepted_areas" in changed or "area" in changed:
        # each on its own: a move keeps the provinces the person accepted, accepted ones cleared leave the home's
        accepted = frozenset(changed["accepted_areas"]) if "accepted_areas" in changed else h.accepted_areas
        home = changed.get("area", h.home_area)
        updates.update(accepted_areas=accepted, home_area=home, areas=areas_of(accepted, home))
    size, children = updates.get("size", h.size), updates.get("children", h.children)
    if children >= size:
        updates["children"] = size - 1  # a household counts its adults too; never below one adult
    new = h.with_changes(**updates)
    # judged again on the household as it is now (a single mother registered alone, a birth date corrected)
    return new.with_changes(vulnerable=is_vulnerable(single_parent=new.single_parent, children=new.children,
                                                     age_band=new.age_band))


def handlers(ctx: Context) -> dict[str, Handler | Batched]:
    async def again(uow: HousingUnitOfWork, h: Household, places: frozenset[UUID] = frozenset()) -> None:
        await rematch(uow, Rematch(h.organisation_id, ctx.today(), frozenset({h.beneficiary_id}), places),
                      ctx.scoring, ctx.workflow, ctx.geo)

    async def changed(uow: HousingUnitOfWork, e: Event[EventPayload],
                      change: Callable[[Household], Household | None], *, refit_open: bool = False) -> None:
        # the place of the person's open proposal first, as the team's steps take it (no deadlock), and the
        # household read once it is ours: a withdrawal or a correction waits for a move in under way there,
        # and works on what it left (never a moved-in proposal declined, nor a housed person put back)
        await _lock_open_place(uow, e.beneficiary_id)
        await uow.households.lock(e.beneficiary_id)
        h = await uow.households.get(e.beneficiary_id)
        if h is None or h.status == "erased":
            return  # an event about a person housing never knew (or who was erased) changes nothing
        new = change(h)
        if new is None or new == h:
            return
        await uow.households.save(new)
        freed: frozenset[UUID] = frozenset()
        if h.matchable and not new.matchable:
            closed = await close_open(uow, ctx, new, _closing_reason(e), ctx.today())
            freed = frozenset({closed.place_id}) if closed else frozenset()
        elif refit_open:  # a correction (a larger household, another sex): does its place still fit?
            closed = await refit(uow, ctx, new, ctx.today())
            freed = frozenset({closed.place_id}) if closed else frozenset()
        await again(uow, new, freed)
        held = await uow.proposals.open_of(new.beneficiary_id)
        if held is not None and not held.matchers:  # the matcher re-scored its own; the team's too
            await rescore_held(uow, ctx, [held], ctx.today())

    async def on_registered(uow: HousingUnitOfWork, events: Sequence[Event[BeneficiaryRegistered]]) -> None:
        firsts: dict[UUID, tuple[Event[BeneficiaryRegistered], Household]] = {}
        for e in events:
            firsts.setdefault(e.beneficiary_id, (e, household_from(e, e.payload)))
        added = await uow.households.add_new([h for _, h in firsts.values()])
        for e, h in firsts.values():
            if h.beneficiary_id in added:
                uow.emit_caused(HousingCandidateWaiting(since=h.waiting_since), e)

    async def on_plan(uow: HousingUnitOfWork, e: Event[PlanAgreed | GoalsAdded]) -> None:
        """A housing goal, agreed with the plan or added to it later (reception ends); the goal's deadline
        stands in for the leave-by date only when intake gave no day the reception ends."""
        goals = [g for g in e.payload.goals if g.area == "housing"]
        if goals:
            deadline = min(g.deadline for g in goals)
            await changed(uow, e, lambda h: h.with_changes(housing_goal=True, leave_by=h.leave_by or deadline))

    async def on_goal(uow: HousingUnitOfWork, e: Event[GoalOutcomeRecorded]) -> None:
        p = e.payload
        if p.area != "housing":
            return
        if p.outcome == "replanned":
            # a new deadline for the goal; the day reception ends, when known, stays the urgency date
            await changed(uow, e, lambda h: h.with_changes(leave_by=h.reception_leave_by or p.deadline))
        elif p.outcome == "met":
            await changed(uow, e, lambda h: h.with_changes(housing_goal=False))

    async def on_consent(uow: HousingUnitOfWork, e: Event[ConsentGiven | ConsentWithdrawn]) -> None:
        p = e.payload
        if p.purpose == HOUSING_REFERRAL:
            await changed(uow, e, lambda h: h.with_changes(consent=isinstance(p, ConsentGiven)))

    async def on_path(uow: HousingUnitOfWork, e: Event[PathStatusChanged]) -> None:
        closed = e.payload.to_status.value in ctx.workflow.path_closing_statuses
        await changed(uow, e, lambda h: h.with_changes(path_closed=closed))

    async def on_corrected(uow: HousingUnitOfWork, e: Event[BeneficiaryCorrected]) -> None:
        await changed(uow, e, lambda h: _corrected(h, e.payload), refit_open=True)

    async def on_erased(uow: HousingUnitOfWork, e: Event[BeneficiaryErased]) -> None:
        await changed(uow, e, lambda h: h.with_changes(status="erased", languages=frozenset(), consent=False))
        await uow.proposals.forget_notes(e.beneficiary_id)  # free text may name the person
        await uow.supports.forget_leases(e.beneficiary_id)  # a lease reference leads to an address

    async def on_income(uow: HousingUnitOfWork, e: Event[EmploymentIncomeChanged]) -> None:
        p = e.payload
        await changed(uow, e, lambda h: h.with_changes(monthly_income=Decimal(p.monthly_income_eur),
                                                       work_municipality=p.workplace_municipality))

    table: dict[str, Handler] = {
        PlanAgreed.event_type: on_plan, GoalsAdded.event_type: on_plan, GoalOutcomeRecorded.event_type: on_goal,
        ConsentGiven.event_type: on_consent, ConsentWithdrawn.event_type: on_consent,
        BeneficiaryCorrected.event_type: on_corrected, BeneficiaryErased.event_type: on_erased,
        EmploymentIncomeChanged.event_type: on_income, PathStatusChanged.event_type: on_path,
    }
    return {BeneficiaryRegistered.event_type: Batched(on_registered), **table}


CONSUMED: list[type[EventPayload]] = [
    BeneficiaryRegistered, PlanAgreed, GoalsAdded, GoalOutcomeRecorded, ConsentGiven, ConsentWithdrawn,
    BeneficiaryCorrected, BeneficiaryErased, EmploymentIncomeChanged, PathStatusChanged,
]


async def _lock_open_place(uow: HousingUnitOfWork, beneficiary_id: UUID) -> None:
    """Lock the place of the person's open proposal; if a step moved it elsewhere meanwhile, that one too."""
    locked: set[UUID] = set()
    while (held := await uow.proposals.open_of(beneficiary_id)) is not None and held.place_id not in locked:
        await uow.places.lock(held.place_id)
        locked.add(held.place_id)


def _closing_reason(e: Event[EventPayload]) -> str:
    if isinstance(e.payload, BeneficiaryErased):
        return "erasure_requested"
    if isinstance(e.payload, PathStatusChanged):
        return "path_closed"
    return "consent_withdrawn" if isinstance(e.payload, ConsentWithdrawn) else "goal_closed"
