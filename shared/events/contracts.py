"""The events that cross services. They carry the beneficiary's opaque id (in the envelope) and
only coarse attributes other services need: never names, birth dates, fiscal codes, documents,
contacts or addresses."""

from __future__ import annotations

import datetime as dt
from datetime import date
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

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


CorrectableField = Literal[
    "first_name", "last_name", "sex", "birth_date", "birth_country", "citizenship", "fiscal_code", "legal_status",
    "permit", "reception", "household", "italian_level", "education", "languages", "driving_licence", "contacts",
    "vulnerabilities",
]
_CORRECTED_ATTRIBUTES = (
    "sex", "age_band", "legal_status", "reception", "household_size", "children", "single_parent", "italian_level",
    "languages",
)


@contract
class BeneficiaryCorrected(EventPayload):
    """Registration data were corrected. Only the names of the corrected fields travel, with the new
    value of each coarse attribute that changed; an attribute left out did not change."""

    event_type = "intake.beneficiary_corrected"
    version = 1

    corrected_on: date
    corrected_fields: list[CorrectableField] = Field(min_length=1)
    sex: str | None = Field(None, pattern="^[FMX]$")
    age_band: AgeBand | None = None
    legal_status: str | None = None
    reception: str | None = None
    household_size: int | None = Field(None, ge=1)
    children: int | None = Field(None, ge=0)
    single_parent: bool | None = None
    italian_level: str | None = None
    languages: list[str] | None = None

    @model_serializer(mode="wrap")
    def _only_changed(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None or k not in _CORRECTED_ATTRIBUTES}

    def changed_attributes(self) -> dict[str, Any]:
        """The coarse attributes this correction changed, with their new values."""
        return {k: getattr(self, k) for k in _CORRECTED_ATTRIBUTES if getattr(self, k) is not None}


# Decimal amounts travel as strings so no float rounding touches money or reported hours.
AMOUNT = r"^\d{1,10}(\.\d{1,2})?$"
Area = Literal["work", "housing", "social"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SkillLevel(_Part):
    name: str = Field(max_length=200, description="normalised skill name")
    level: int = Field(ge=1, le=5)


class SectorYears(_Part):
    sector: str = Field(pattern="^[A-U]$", description="ATECO section")
    years: float = Field(ge=0)


class NeedKeywords(_Part):
    """Needs per area as keywords of a closed vocabulary ('other' for the rest), never the words written."""

    work: list[str] = Field(default_factory=list)
    housing: list[str] = Field(default_factory=list)
    social: list[str] = Field(default_factory=list)


@contract
class AssessmentRecorded(EventPayload):
    """A skills assessment was recorded. Vulnerabilities (GDPR art. 9) leave intake only as a count."""

    event_type = "intake.assessment_recorded"
    version = 1

    assessment_id: UUID
    assessed_on: date
    skills: list[SkillLevel] = Field(default_factory=list)
    work_experience: list[SectorYears] = Field(default_factory=list)
    needs: NeedKeywords
    vulnerability_count: int = Field(0, ge=0)


class GoalSummary(_Part):
    goal_id: UUID
    area: Area
    deadline: date
    phases: int = Field(0, ge=0, description="number of phases")


@contract
class PlanAgreed(EventPayload):
    """The person and their operator agreed an individual plan (PAI); titles stay in intake."""

    event_type = "intake.plan_agreed"
    version = 1

    agreed_on: date
    goals: list[GoalSummary] = Field(min_length=1)


@contract
class GoalOutcomeRecorded(EventPayload):
    """A goal of the plan was met, missed or replanned to a later deadline; reasons stay in intake."""

    event_type = "intake.goal_outcome_recorded"
    version = 1

    goal_id: UUID
    area: Area
    outcome: Literal["met", "missed", "replanned"]
    recorded_on: date
    deadline: date = Field(description="the goal's deadline after this outcome")
    previous_deadline: date | None = Field(None, description="set when replanned")


@contract
class PathStatusChanged(EventPayload):
    """The path moved between statuses; the reason is a category, the words stay in intake."""

    event_type = "intake.path_status_changed"
    version = 1

    from_status: str
    to_status: str
    reason_category: str
    changed_on: date


class _InterventionFacts(EventPayload):
    """The coarse facts of one intervention, shared by its recording and its correction."""

    intervention_id: UUID
    kind: str
    date: dt.date
    duration_minutes: int = Field(ge=1)
    hours: str | None = Field(None, pattern=AMOUNT, description="mediation hours, decimal as text")
    project_id: str
    cost_eur: str | None = Field(None, pattern=AMOUNT, description="decimal as text")
    course_id: UUID | None = None


@contract
class InterventionRecorded(_InterventionFacts):
    """An intervention (orientation, mediation, course lesson...) was delivered and charged to a project."""

    event_type = "intake.intervention_recorded"
    version = 1


@contract
class InterventionCorrected(_InterventionFacts):
    """An intervention was recorded again, correctly: `intervention_id` is the new record and replaces
    `corrected_intervention_id` in every count; the reason stays in intake."""

    event_type = "intake.intervention_corrected"
    version = 1

    corrected_intervention_id: UUID


@contract
class CourseEnrolled(EventPayload):
    """The person was enrolled in a course charged to a project."""

    event_type = "intake.course_enrolled"
    version = 1

    course_id: UUID
    kind: str
    project_id: str
    enrolled_on: date
    start_date: date
    end_date: date
    hours: str = Field(pattern=AMOUNT)


@contract
class CourseCompleted(EventPayload):
    """The person completed a course; Italian courses also give the CEFR level reached."""

    event_type = "intake.course_completed"
    version = 1

    course_id: UUID
    kind: str
    project_id: str
    completed_on: date
    hours: str = Field(pattern=AMOUNT)
    level_before: str | None = None
    level_reached: str | None = None
    levels_gained: int | None = None


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
