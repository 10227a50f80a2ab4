"""The events that cross services. They carry the beneficiary's opaque id (in the envelope) and
only coarse attributes other services need: never names, birth dates, fiscal codes, documents,
contacts or addresses."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from shared.events.envelope import EventPayload
from shared.events.registry import contract


class AgeBand(StrEnum):
    under_18 = "under_18"
    a18_24 = "18_24"
    a25_34 = "25_34"
    a35_44 = "35_44"
    a45_54 = "45_54"
    a55_64 = "55_64"
    a65_plus = "65_plus"


@contract
class BeneficiaryRegistered(EventPayload):
    """Intake took a person in charge."""

    event_type = "intake.beneficiary_registered"
    version = 1

    registered_on: date
    sex: str = Field(pattern="^[FMX]$")
    age_band: AgeBand
    legal_status: str
    reception: str | None = None
    household_size: int = Field(ge=1)
    children: int = Field(0, ge=0)
    single_parent: bool = False
    italian_level: str | None = None
    languages: list[str] = Field(default_factory=list)
    area: str | None = Field(None, description="province code where the path runs, e.g. RM")
    project_ids: list[str] = Field(default_factory=list)


@contract
class BeneficiaryErased(EventPayload):
    """The person's personal data was destroyed on request; anonymous counts stand."""

    event_type = "intake.beneficiary_erased"
    version = 1

    erased_on: date


@contract
class HousingCandidateWaiting(EventPayload):
    """Housing put a newly registered person on its waiting list."""

    event_type = "housing.candidate_waiting"
    version = 1

    since: date


@contract
class EmploymentCandidateWaiting(EventPayload):
    """Employment put a newly registered person on its waiting list."""

    event_type = "employment.candidate_waiting"
    version = 1

    since: date
