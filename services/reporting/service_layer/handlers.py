"""Reporting's reactions: every known event goes on the person's timeline; registrations,
corrections and erasures also update the anonymous attributes the indicators count."""

from __future__ import annotations

from collections.abc import Sequence

from reporting.adapters import repository
from reporting.domain.people import corrected_attributes, counted_person
from shared.consumer import Batched
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
from shared.events.envelope import Event, EventPayload
from shared.uow import PostgresUnitOfWork


async def on_registered(uow: PostgresUnitOfWork, events: Sequence[Event[BeneficiaryRegistered]]) -> None:
    conn = uow.connection
    await repository.add_people(conn, [
        counted_person(e.beneficiary_id, e.envelope.organisation_id, e.payload) for e in events
    ])
    await repository.add_to_timeline(conn, events)


async def on_corrected(uow: PostgresUnitOfWork, events: Sequence[Event[BeneficiaryCorrected]]) -> None:
    conn = uow.connection
    for event in events:  # rare: one statement each, in order, as a later correction wins
        changes = corrected_attributes(event.payload.changed_attributes())
        if changes:
            await repository.correct_person(conn, beneficiary_id=event.beneficiary_id, **changes)
    await repository.add_to_timeline(conn, events)


async def on_erased(uow: PostgresUnitOfWork, events: Sequence[Event[BeneficiaryErased]]) -> None:
    conn = uow.connection
    await repository.mark_erased(conn, beneficiary_ids=[e.beneficiary_id for e in events])
    await repository.add_to_timeline(conn, events)


async def on_timeline_event(uow: PostgresUnitOfWork, events: Sequence[Event[EventPayload]]) -> None:
    conn = uow.connection
    await repository.add_to_timeline(conn, events)


TIMELINE_ONLY: list[type[EventPayload]] = [
    HousingCandidateWaiting, EmploymentCandidateWaiting, AssessmentRecorded, PlanAgreed, GoalOutcomeRecorded,
    PathStatusChanged, InterventionRecorded, CourseEnrolled, CourseCompleted, InterventionCorrected,
]
HANDLERS = {
    BeneficiaryRegistered.event_type: Batched(on_registered),
    BeneficiaryErased.event_type: Batched(on_erased),
    BeneficiaryCorrected.event_type: Batched(on_corrected),
    **{contract.event_type: Batched(on_timeline_event) for contract in TIMELINE_ONLY},
}
CONSUMED: list[type[EventPayload]] = [BeneficiaryRegistered, BeneficiaryErased, BeneficiaryCorrected, *TIMELINE_ONLY]
