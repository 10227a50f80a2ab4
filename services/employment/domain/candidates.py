"""Employment's view of a newly registered person: a candidate for work paths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from shared.events.contracts import BeneficiaryRegistered, EmploymentCandidateWaiting


@dataclass(frozen=True)
class WorkCandidate:
    beneficiary_id: UUID
    organisation_id: str
    since: date
    age_band: str
    italian_level: str | None
    languages: tuple[str, ...]
    area: str | None


def candidate_from(beneficiary_id: UUID, organisation_id: str, event: BeneficiaryRegistered) -> WorkCandidate:
    """Adults wait for a work path from registration; minors only from their 18th year (later issue)."""
    return WorkCandidate(
        beneficiary_id=beneficiary_id,
        organisation_id=organisation_id,
        since=event.registered_on,
        age_band=event.age_band.value,
        italian_level=event.italian_level,
        languages=tuple(event.languages),
        area=event.area,
    )


def waiting_event(candidate: WorkCandidate) -> EmploymentCandidateWaiting:
    return EmploymentCandidateWaiting(since=candidate.since)
