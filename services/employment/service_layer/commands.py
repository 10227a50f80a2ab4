"""The service layer's commands: what a caller asks employment to do, in employment's own types
(the HTTP schemas are translated into these by the entrypoints)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from employment.domain.openings import Opening
from employment.domain.pipeline import Hire, Stage
from employment.domain.titles import CertificationOutcome, RecognitionState
from shared.commands import ForOrganisation


@dataclass(frozen=True)
class RecordOpening:
    opening: Opening


@dataclass(frozen=True)
class ReviseOpening:
    """Replace an opening's terms (kind and id stay); re-validated as a whole."""

    opening: Opening


@dataclass(frozen=True)
class CloseOpening(ForOrganisation):
    opening_id: UUID


@dataclass(frozen=True)
class CreateFund(ForOrganisation):
    project_id: str
    name: str
    budget: Decimal


@dataclass(frozen=True)
class ReviseBudget(ForOrganisation):
    fund_id: UUID
    budget: Decimal


@dataclass(frozen=True)
class MoveStage(ForOrganisation):
    placement_id: UUID
    to: Stage
    on: date | None = None
    reason: str | None = None
    hire: Hire | None = None


@dataclass(frozen=True)
class PayInstalment(ForOrganisation):
    placement_id: UUID
    month_no: int
    on: date | None = None
    attended_hours: Decimal | None = None  # a traineeship month: the region's attendance rule applies


@dataclass(frozen=True)
class RequestRecognition(ForOrganisation):
    beneficiary_id: UUID
    qualification: str
    country: str
    sector: str | None
    requested_on: date | None = None


@dataclass(frozen=True)
class MoveRecognition(ForOrganisation):
    recognition_id: UUID
    to: RecognitionState
    on: date | None = None


@dataclass(frozen=True)
class RecordCertification(ForOrganisation):
    beneficiary_id: UUID
    sector: str
    eqf_level: int
    outcome: CertificationOutcome
    certified_on: date


@dataclass(frozen=True)
class SetAvailability(ForOrganisation):
    """What the team learns talking with the person: from when, how many hours, what mobility they have."""

    beneficiary_id: UUID
    available_from: date | None
    max_weekly_hours: int | None
    mobility: frozenset[str]
    childcare_need: bool | None = None
    adult_from: date | None = None  # a minor: the day they turn 18 (intake's events carry only the age band)


@dataclass(frozen=True)
class SetProjectPriority(ForOrganisation):
    project_id: str
    women_priority: bool
