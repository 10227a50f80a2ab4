"""Builders shared by employment's unit and integration tests: intake's events, openings, a context."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from employment.adapters.rulebook import rulebook
from employment.domain.levels import ContractType, CourseKind, OpeningKind, Payer
from employment.domain.openings import (
    BursaryTerms,
    Company,
    CourseTerms,
    JobOfferTerms,
    Opening,
    Requirements,
    TraineeshipTerms,
)
from employment.service_layer.context import Employment, Work
from employment.service_layer.matching import Matcher
from shared.events.codec import envelope_for
from shared.events.contracts import (
    AgeBand,
    BeneficiaryRegistered,
    ConsentGiven,
    ConsentWithdrawn,
    GoalSummary,
    PlanAgreed,
)
from shared.events.envelope import Event, EventPayload

TODAY = date(2027, 1, 11)
ROMA, CIAMPINO, MILANO = "058091", "058118", "015146"
ORG = "coop-a"


def context(uow: Callable[[], Work], today: date = TODAY) -> Employment:
    book = rulebook()
    return Employment(uow=uow, rulebook=book, matcher=Matcher(book), today=lambda: today)


def event(payload: EventPayload, beneficiary_id: UUID, org: str = ORG) -> Event:
    return Event(envelope_for(payload, beneficiary_id=beneficiary_id, organisation_id=org, producer="intake"), payload)


def registered(**kw: Any) -> BeneficiaryRegistered:
    base: dict[str, Any] = dict(registered_on=date(2026, 10, 1), sex="F", age_band=AgeBand.a25_34,
                                legal_status="refugee", household_size=1, italian_level="B1", languages=["fr"],
                                area="RM", municipality=ROMA, project_ids=["FAMI-1"], driving_licence=False,
                                women_inactive=True)
    return BeneficiaryRegistered(**{**base, **kw})


def work_plan(on: date = date(2026, 11, 1)) -> PlanAgreed:
    return PlanAgreed(agreed_on=on, goals=[GoalSummary(goal_id=uuid4(), area="work", deadline=date(2027, 6, 30))])


def consent(on: date = date(2026, 10, 2)) -> ConsentGiven:
    return ConsentGiven(purpose="employment_referral", given_on=on, legal_basis="consent", notice_version="v1",
                        given_by="person")


def withdrawal(on: date = TODAY) -> ConsentWithdrawn:
    return ConsentWithdrawn(purpose="employment_referral", withdrawn_on=on)


async def matchable(app: Employment, handle: Callable, who: UUID | None = None, **kw: Any) -> UUID:
    """A person registered, with a work goal and consent: matchable (through the real handlers)."""
    who = who or uuid4()
    for payload in (registered(**kw), work_plan(), consent()):
        async with app.uow() as uow:
            await handle[payload.event_type](uow, event(payload, who))
    return who


def opening(kind: OpeningKind = OpeningKind.bursary, *, fund_id: UUID | None = None, seats: int = 1,
            municipality: str = CIAMPINO, start: date = date(2027, 2, 1), end: date | None = date(2027, 5, 31),
            level: str | None = "A2", licence: bool = False, allowance: str = "800", payer: Payer = Payer.project,
            months: int = 4, monthly: str = "450.00", sector: str = "I", project_id: str | None = "FAMI-1",
            agreement: date = date(2027, 1, 10)) -> Opening:
    terms: Any
    if kind is OpeningKind.traineeship:
        terms = TraineeshipTerms(Company("Coop", "P"), Company("Hotel Roma", "I", "55.10"), "CONV-1", agreement,
                                 "Tutor P", "Tutor H", Decimal(allowance), payer, None,
                                 None if payer is Payer.company else fund_id)
    elif kind is OpeningKind.bursary:
        assert fund_id is not None
        terms = BursaryTerms(Decimal(monthly), months, fund_id)
    elif kind is OpeningKind.course:
        terms = CourseTerms(CourseKind.italian_for_work)
    else:
        terms = JobOfferTerms(ContractType.fixed_term)
    return Opening(uuid4(), ORG, kind, f"{kind.value} opening", municipality, sector, start, end, seats, 36,
                   Requirements(level, licence), project_id, terms)
