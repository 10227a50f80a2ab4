"""Employment's reactions to intake's events: the people it may match, kept up to date, and re-matched.

Each handler works through the unit of work joined to the consumer's transaction: the person's row,
the proposals a re-match makes or declines, their events and the consumer's tracking row commit
together. A withdrawn consent or an erasure declines the person's proposal at once, before the
re-match, so the reason on the event is the real one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

from employment.domain.levels import cefr_rank
from employment.domain.people import Person
from employment.domain.pipeline import Stage, advance
from employment.service_layer.context import Employment, Work
from employment.service_layer.events import stage_changed
from employment.service_layer.matching import Change as Rematch
from employment.service_layer.matching import OpeningChanged, PersonChanged
from shared.consumer import Batched, Handler
from shared.events.contracts import (
    AssessmentRecorded,
    BeneficiaryCorrected,
    BeneficiaryEnrolledInProject,
    BeneficiaryErased,
    BeneficiaryRegistered,
    ConsentGiven,
    ConsentWithdrawn,
    CourseCompleted,
    EmploymentCandidateWaiting,
    GoalsAdded,
    InterventionRecorded,
    PathStatusChanged,
    PlanAgreed,
)
from shared.events.contracts.consent import EMPLOYMENT_REFERRAL
from shared.events.envelope import Event, EventPayload

Change = Callable[[Person, Any], Person | None]


def _registered(e: Event[BeneficiaryRegistered]) -> Person:
    r = e.payload
    return Person(
        beneficiary_id=e.beneficiary_id, organisation_id=e.envelope.organisation_id, registered_on=r.path_started_on,
        age_band=r.age_band.value, sex=r.sex, italian_level=r.italian_level, languages=tuple(r.languages),
        area=r.area, municipality=r.municipality, project_ids=tuple(r.project_ids),
        driving_licence=bool(r.driving_licence), women_inactive=bool(r.women_inactive and r.sex == "F"),
    )


def _corrected(p: Person, c: BeneficiaryCorrected) -> Person:
    changed = {k: v for k, v in c.changed_attributes().items() if k in {
        "sex", "age_band", "italian_level", "languages", "area", "municipality", "driving_licence",
        "women_inactive"}}
    if "age_band" in changed:
        changed["age_band"] = str(changed["age_band"].value if hasattr(changed["age_band"], "value")
                                  else changed["age_band"])
    if "languages" in changed:
        changed["languages"] = tuple(changed["languages"])
    return replace(p, **changed)


def _plan(p: Person, plan: PlanAgreed) -> Person:
    work = any(g.area == "work" for g in plan.goals)
    return replace(p, work_goal_since=(p.work_goal_since or plan.agreed_on) if work else None)


def _goals_added(p: Person, added: GoalsAdded) -> Person | None:
    """A work goal added to the plan makes the person employment's from that day, as a plan's does;
    goals of other areas leave the work goal as it was."""
    if not any(g.area == "work" for g in added.goals):
        return None
    return replace(p, work_goal_since=p.work_goal_since or added.added_on)


def _assessment(p: Person, a: AssessmentRecorded) -> Person:
    return replace(p, experience={s.sector: s.years for s in a.work_experience},
                   childcare_need="childcare" in a.needs.work)


def _intervention(p: Person, i: InterventionRecorded) -> Person | None:
    if i.kind.value == "mobility_support":  # a bicycle, or the lessons towards a licence (the licence itself
        return replace(p, mobility=p.mobility | {"bicycle"})  # arrives as a correction of driving_licence)
    if i.kind.value == "childcare":
        return replace(p, childcare_need=False)
    return None


def _course(p: Person, c: CourseCompleted) -> Person | None:
    if c.level_reached is None or cefr_rank(c.level_reached.value) <= cefr_rank(p.italian_level):
        return None
    return replace(p, italian_level=c.level_reached.value)


def _consent(p: Person, c: ConsentGiven) -> Person | None:
    return replace(p, consent_since=c.given_on) if c.purpose == EMPLOYMENT_REFERRAL else None


def _path(p: Person, c: PathStatusChanged) -> Person | None:
    closed = c.to_status.value in ("autonomy_reached", "transferred")
    return replace(p, path_closed=closed) if closed != p.path_closed else None


def _enrolled(p: Person, e: BeneficiaryEnrolledInProject) -> Person:
    return replace(p, project_ids=tuple(sorted({*p.project_ids, e.project_id})))


async def _decline_open_proposal(uow: Work, p: Person, reason: str, on: date) -> list[Rematch]:
    """A proposal is declined, an interview interrupted (the referral stops, the seat is freed); a placement
    under way (a signed traineeship, a bursary, a course) is the team's to close with the host, so it stays."""
    active = await uow.placements.active_of(p.beneficiary_id)
    if active is None or active.stage not in (Stage.proposed, Stage.interview):
        return []
    to = Stage.declined if active.stage is Stage.proposed else Stage.interrupted
    moved = advance(active, to, on=max(on, active.since), reasons={reason}, reason=reason)
    await uow.placements.move(active, moved)
    uow.emit(stage_changed(active, moved, sector=None), beneficiary_id=p.beneficiary_id,
             organisation_id=p.organisation_id)
    return [OpeningChanged(active.opening_id)] if to is Stage.interrupted else []


def handlers(app: Employment) -> dict[str, Handler | Batched]:
    """The one table of employment's consumer handlers, bound to the service's context."""

    async def registered(uow: Work, events: Sequence[Event[BeneficiaryRegistered]]) -> None:
        """A run of registrations in one statement; a person known already is left as they are."""
        firsts: dict[UUID, tuple[Event[BeneficiaryRegistered], Person]] = {}
        for e in events:
            firsts.setdefault(e.beneficiary_id, (e, _registered(e)))
        added = await uow.people.add_new([person for _, person in firsts.values()])
        for e, person in firsts.values():
            if person.beneficiary_id in added:
                uow.emit_caused(EmploymentCandidateWaiting(since=person.registered_on), e)

    def updating(change: Change) -> Callable[[Work, Event[EventPayload]], Awaitable[None]]:
        async def handle(uow: Work, e: Event[EventPayload]) -> None:
            await app.matcher.lock(uow, e.envelope.organisation_id)
            person = await uow.people.get(e.beneficiary_id)
            if person is None or person.erased:
                return
            changed = change(person, e.payload)
            if changed is None or changed == person:
                return
            await uow.people.put(changed)
            await app.matcher.rematch(uow, person.organisation_id, [PersonChanged(person.beneficiary_id)], app.today())
        return handle

    def leaving(reason: str, change: Change) -> Callable[[Work, Event[EventPayload]], Awaitable[None]]:
        async def handle(uow: Work, e: Event[EventPayload]) -> None:
            await app.matcher.lock(uow, e.envelope.organisation_id)
            person = await uow.people.get(e.beneficiary_id)
            if person is None:
                return
            changed = change(person, e.payload)
            if changed is None:
                return
            await uow.people.put(changed)
            freed = await _decline_open_proposal(uow, changed, reason, app.today())
            await app.matcher.rematch(uow, person.organisation_id, [PersonChanged(person.beneficiary_id), *freed],
                                      app.today())
        return handle

    erasing = leaving("erased", lambda p, _e: replace(p, erased=True))

    async def erased(uow: Work, e: Event[EventPayload]) -> None:
        await erasing(uow, e)
        await uow.titles.forget_qualifications(e.beneficiary_id)  # free text the team wrote may name the person

    def withdrawn(p: Person, c: ConsentWithdrawn) -> Person | None:
        return replace(p, consent_since=None) if c.purpose == EMPLOYMENT_REFERRAL else None

    return {
        BeneficiaryRegistered.event_type: Batched(registered),
        BeneficiaryCorrected.event_type: updating(_corrected),
        BeneficiaryEnrolledInProject.event_type: updating(_enrolled),
        PlanAgreed.event_type: updating(_plan),
        GoalsAdded.event_type: updating(_goals_added),
        AssessmentRecorded.event_type: updating(_assessment),
        InterventionRecorded.event_type: updating(_intervention),
        CourseCompleted.event_type: updating(_course),
        ConsentGiven.event_type: updating(_consent),
        ConsentWithdrawn.event_type: leaving("consent_withdrawn", withdrawn),
        BeneficiaryErased.event_type: erased,
        PathStatusChanged.event_type: leaving("no_longer_eligible", _path),
    }


CONSUMED: list[type[EventPayload]] = [
    BeneficiaryRegistered, BeneficiaryCorrected, BeneficiaryEnrolledInProject, PlanAgreed, GoalsAdded,
    AssessmentRecorded, InterventionRecorded, CourseCompleted, ConsentGiven, ConsentWithdrawn, BeneficiaryErased,
    PathStatusChanged,
]
