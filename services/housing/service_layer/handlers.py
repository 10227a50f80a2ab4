"""Housing's reactions to other services' events: the one table of handlers.

The demand comes from events only. Registration makes the household known (and announces it waiting);
a plan with a housing goal and the consent to the housing referral make it matchable; a withdrawal or an
erasure takes it out at once, closing its open proposal; corrections, income and workplace change its
scores. Every change re-matches the household's neighbourhood in the same transaction as the event's
tracking row, so a re-match is never lost nor done twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from housing.domain.demand import Household
from housing.service_layer.context import Context
from housing.service_layer.matching import Rematch, rematch
from housing.service_layer.unit_of_work import HousingUnitOfWork
from housing.service_layer.workflow import close_open, refit
from shared.consumer import Batched, Handler
from shared.events.contracts import (
    BeneficiaryCorrected,
    BeneficiaryErased,
    BeneficiaryRegistered,
    ConsentGiven,
    ConsentWithdrawn,
    EmploymentIncomeChanged,
    GoalOutcomeRecorded,
    HousingCandidateWaiting,
    PlanAgreed,
)
from shared.events.contracts.consent import HOUSING_REFERRAL
from shared.events.envelope import Event, EventPayload

VULNERABLE_AGES = frozenset({"under_18", "65_plus"})


def household_from(e: Event[BeneficiaryRegistered], r: BeneficiaryRegistered) -> Household:
    areas = set(r.accepted_areas) or ({r.area} if r.area else set())
    return Household(
        beneficiary_id=e.beneficiary_id, organisation_id=e.envelope.organisation_id, size=r.household_size,
        children=r.children, sex=r.sex, age_band=r.age_band.value, waiting_since=r.path_started_on,
        areas=frozenset(areas), languages=frozenset(r.languages), step_free_need=bool(r.step_free_need),
        leave_by=r.must_leave_by,  # the day reception ends; absent, the housing goal's deadline stands in
        vulnerable=(r.single_parent and r.children > 0) or r.age_band.value in VULNERABLE_AGES,
    )


def _corrected(h: Household, c: BeneficiaryCorrected) -> Household:
    changed = c.changed_attributes()
    updates: dict[str, Any] = {}
    for src, dst in (("sex", "sex"), ("household_size", "size"), ("children", "children")):
        if src in changed:
            updates[dst] = changed[src]
    if "must_leave_by" in changed:
        updates["leave_by"] = changed["must_leave_by"]
    if "step_free_need" in changed:
        updates["step_free_need"] = bool(changed["step_free_need"])
    if "age_band" in changed:
        updates["age_band"] = changed["age_band"].value
    if "languages" in changed:
        updates["languages"] = frozenset(changed["languages"])
    if "accepted_areas" in changed or "area" in changed:
        areas = changed.get("accepted_areas") or ([changed["area"]] if changed.get("area") else [])
        updates["areas"] = frozenset(areas) if areas else h.areas
    size, children = updates.get("size", h.size), updates.get("children", h.children)
    if children >= size:
        updates["children"] = size - 1  # a household counts its adults too; never below one adult
    return h.with_changes(**updates)


def handlers(ctx: Context) -> dict[str, Handler | Batched]:
    async def again(uow: HousingUnitOfWork, h: Household, places: frozenset[UUID] = frozenset()) -> None:
        await rematch(uow, Rematch(h.organisation_id, ctx.today(), frozenset({h.beneficiary_id}), places),
                      ctx.scoring, ctx.workflow, ctx.geo)

    async def changed(uow: HousingUnitOfWork, e: Event[EventPayload],
                      change: Callable[[Household], Household | None], *, refit_open: bool = False) -> None:
        h = await uow.households.get(e.beneficiary_id)
        if h is None or h.status == "erased":
            return  # an event about a person housing never knew (or who was erased) changes nothing
        new = change(h)
        if new is None or new == h:
            return
        if refit_open and (held := await uow.proposals.open_of(h.beneficiary_id)) is not None:
            await uow.places.lock(held.place_id)  # the place first, as the team's steps take it: no deadlock
        await uow.households.save(new)
        freed: frozenset[UUID] = frozenset()
        if h.matchable and not new.matchable:
            closed = await close_open(uow, ctx, new, _closing_reason(e), ctx.today())
            freed = frozenset({closed.place_id}) if closed else frozenset()
        elif refit_open:  # a correction (a larger household, another sex): does its place still fit?
            closed = await refit(uow, ctx, new, ctx.today())
            freed = frozenset({closed.place_id}) if closed else frozenset()
        await again(uow, new, freed)

    async def on_registered(uow: HousingUnitOfWork, events: Sequence[Event[BeneficiaryRegistered]]) -> None:
        firsts: dict[UUID, tuple[Event[BeneficiaryRegistered], Household]] = {}
        for e in events:
            firsts.setdefault(e.beneficiary_id, (e, household_from(e, e.payload)))
        added = await uow.households.add_new([h for _, h in firsts.values()])
        for e, h in firsts.values():
            if h.beneficiary_id in added:
                uow.emit_caused(HousingCandidateWaiting(since=h.waiting_since), e)

    async def on_plan(uow: HousingUnitOfWork, e: Event[PlanAgreed]) -> None:
        goals = [g for g in e.payload.goals if g.area == "housing"]
        if goals:
            deadline = min(g.deadline for g in goals)
            await changed(uow, e, lambda h: h.with_changes(housing_goal=True, leave_by=h.leave_by or deadline))

    async def on_goal(uow: HousingUnitOfWork, e: Event[GoalOutcomeRecorded]) -> None:
        p = e.payload
        if p.area != "housing":
            return
        if p.outcome == "replanned":
            await changed(uow, e, lambda h: h.with_changes(leave_by=p.deadline))
        elif p.outcome == "met":
            await changed(uow, e, lambda h: h.with_changes(housing_goal=False))

    async def on_consent(uow: HousingUnitOfWork, e: Event[ConsentGiven | ConsentWithdrawn]) -> None:
        p = e.payload
        if p.purpose == HOUSING_REFERRAL:
            await changed(uow, e, lambda h: h.with_changes(consent=isinstance(p, ConsentGiven)))

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
        PlanAgreed.event_type: on_plan, GoalOutcomeRecorded.event_type: on_goal,
        ConsentGiven.event_type: on_consent, ConsentWithdrawn.event_type: on_consent,
        BeneficiaryCorrected.event_type: on_corrected, BeneficiaryErased.event_type: on_erased,
        EmploymentIncomeChanged.event_type: on_income,
    }
    return {BeneficiaryRegistered.event_type: Batched(on_registered), **table}


CONSUMED: list[type[EventPayload]] = [
    BeneficiaryRegistered, PlanAgreed, GoalOutcomeRecorded, ConsentGiven, ConsentWithdrawn, BeneficiaryCorrected,
    BeneficiaryErased, EmploymentIncomeChanged,
]


def _closing_reason(e: Event[EventPayload]) -> str:
    if isinstance(e.payload, BeneficiaryErased):
        return "erasure_requested"
    return "consent_withdrawn" if isinstance(e.payload, ConsentWithdrawn) else "goal_closed"
