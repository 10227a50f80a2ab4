"""Housing's view of a newly registered person: who waits, since when, with what household."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from shared.events.contracts import BeneficiaryRegistered, HousingCandidateWaiting


@dataclass(frozen=True)
class HousingCandidate:
    beneficiary_id: UUID
    organisation_id: str
    since: date
    household_size: int
    children: int
    reception: str | None
    area: str | None


def candidate_from(beneficiary_id: UUID, organisation_id: str, event: BeneficiaryRegistered) -> HousingCandidate:
    """Every person taken in charge waits for housing from the day of registration."""
    return HousingCandidate(
        beneficiary_id=beneficiary_id,
        organisation_id=organisation_id,
        since=event.registered_on,
        household_size=event.household_size,
        children=event.children,
        reception=event.reception,
        area=event.area,
    )


def waiting_event(candidate: HousingCandidate) -> HousingCandidateWaiting:
    return HousingCandidateWaiting(since=candidate.since)
