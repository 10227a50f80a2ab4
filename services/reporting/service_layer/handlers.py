"""Reporting's reactions: every known event goes on the person's timeline; registrations,
corrections and erasures also update the anonymous attributes the indicators count."""

from __future__ import annotations

import asyncpg

from reporting.adapters import repository
from reporting.domain.people import corrected_attributes
from shared.events.contracts import (
    AssessmentRecorded,
    BeneficiaryCorrected,
    BeneficiaryErased,
    BeneficiaryRegistered,
    CourseCompleted,
    CourseEnrolled,
    EmploymentCandidateWaiting,
    GoalOutcomeRecorded,
    HousingCandidateWaiting,
    InterventionCorrected,
    InterventionRecorded,
    PathStatusChanged,
    PlanAgreed,
)
from shared.events.envelope import Event


async def on_registered(conn: asyncpg.Connection, event: Event) -> None:
    p = event.payload
    assert isinstance(p, BeneficiaryRegistered)
    await repository.add_person(
        conn, envelope=event.envelope, registered_on=p.registered_on, sex=p.sex, age_band=p.age_band.value,
        legal_status=p.legal_status, area=p.area,
    )
    await repository.add_to_timeline(conn, envelope=event.envelope)


async def on_corrected(conn: asyncpg.Connection, event: Event) -> None:
    p = event.payload
    assert isinstance(p, BeneficiaryCorrected)
    changes = corrected_attributes(p.changed_attributes())
    if changes:
        await repository.correct_person(conn, beneficiary_id=event.beneficiary_id, **changes)
    await repository.add_to_timeline(conn, envelope=event.envelope)


async def on_erased(conn: asyncpg.Connection, event: Event) -> None:
    await repository.mark_erased(conn, beneficiary_id=event.beneficiary_id)
    await repository.add_to_timeline(conn, envelope=event.envelope)


async def on_timeline_event(conn: asyncpg.Connection, event: Event) -> None:
    await repository.add_to_timeline(conn, envelope=event.envelope)


TIMELINE_ONLY = [
    HousingCandidateWaiting, EmploymentCandidateWaiting, AssessmentRecorded, PlanAgreed, GoalOutcomeRecorded,
    PathStatusChanged, InterventionRecorded, CourseEnrolled, CourseCompleted, InterventionCorrected,
]
HANDLERS = {
    BeneficiaryRegistered.event_type: on_registered,
    BeneficiaryErased.event_type: on_erased,
    BeneficiaryCorrected.event_type: on_corrected,
    **{contract.event_type: on_timeline_event for contract in TIMELINE_ONLY},
}
CONSUMED = [BeneficiaryRegistered, BeneficiaryErased, BeneficiaryCorrected, *TIMELINE_ONLY]
