"""Events along the individual path: assessment, plan and goals, status, interventions, courses."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.events.contracts.vocabulary import (
    AMOUNT,
    CefrLevel,
    CourseKind,
    HousingNeed,
    InterventionKind,
    PathStatus,
    ReasonCategory,
    SocialNeed,
    WorkNeed,
)
from shared.events.envelope import EventPayload
from shared.events.registry import contract, upcaster

Area = Literal["work", "housing", "social"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SkillsAtLevel(_Part):
    """How many of the assessed skills are at one level; the skills' names are free text an operator
    typed (they may name an employer or a person), so they stay sealed in intake."""

    level: int = Field(ge=1, le=5)
    count: int = Field(ge=1)


def skills_per_level(levels: Iterable[int]) -> list[SkillsAtLevel]:
    """The count of skills at each level present, lowest level first."""
    return [SkillsAtLevel(level=level, count=n) for level, n in sorted(Counter(levels).items())]


class SectorYears(_Part):
    sector: str = Field(pattern="^[A-U]$", description="ATECO section")
    years: float = Field(ge=0)


class NeedKeywords(_Part):
    """Needs per area as keywords of a closed vocabulary ('other' for the rest), never the words written."""

    work: list[WorkNeed] = Field(default_factory=list)
    housing: list[HousingNeed] = Field(default_factory=list)
    social: list[SocialNeed] = Field(default_factory=list)


@contract
class AssessmentRecorded(EventPayload):
    """A skills assessment was recorded. Only controlled values travel: skills as a count per level,
    experience by ATECO section, needs as vocabulary keywords; vulnerabilities (GDPR art. 9) only as
    a count. v1 carried each skill's name, operator free text: its upcaster keeps only the levels."""

    event_type = "intake.assessment_recorded"
    version = 2

    assessment_id: UUID
    assessed_on: date
    skills_per_level: list[SkillsAtLevel] = Field(default_factory=list)
    work_experience: list[SectorYears] = Field(default_factory=list)
    needs: NeedKeywords
    vulnerability_count: int = Field(0, ge=0)


@upcaster(AssessmentRecorded.event_type, 1)
def _assessment_names_dropped(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 -> v2: each skill's name is dropped, the levels counted."""
    rest = {k: v for k, v in payload.items() if k != "skills"}
    counted = skills_per_level(int(s["level"]) for s in payload.get("skills", []))
    return {**rest, "skills_per_level": [c.model_dump() for c in counted]}


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
class GoalsAdded(EventPayload):
    """Goals were added to a plan already agreed, as needs emerged (a housing need when reception
    ends); each summarised as the plan's goals are, titles staying in intake. Not a plan agreed."""

    event_type = "intake.goals_added"
    version = 1

    added_on: date
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

    from_status: PathStatus
    to_status: PathStatus
    reason_category: ReasonCategory
    changed_on: date


class _InterventionFacts(EventPayload):
    """The coarse facts of one intervention, shared by its recording and its correction."""

    intervention_id: UUID
    kind: InterventionKind
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
    kind: CourseKind
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
    kind: CourseKind
    project_id: str
    completed_on: date
    hours: str = Field(pattern=AMOUNT)
    level_before: CefrLevel | None = None
    level_reached: CefrLevel | None = None
    levels_gained: int | None = None
