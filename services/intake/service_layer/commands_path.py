"""Commands along the path: assessment, plan, goal outcomes, status moves, interventions."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator

from intake.domain.assessment import skill_name
from intake.domain.enums import COURSE_KINDS, InterventionKind, VulnerabilityFlag
from intake.domain.path import PathStatus, ReasonCategory
from intake.domain.plan import Area, Phase, PlanRuleViolation, check_phases
from intake.service_layer.commands_common import InputModel, LongText, PastDate, Text, rule_error, unique
from shared.types import Euros

_ATECO_SECTIONS = "ABCDEFGHIJKLMNOPQRSTU"


class SkillIn(InputModel):
    name: Text
    level: int = Field(ge=1, le=5)


class WorkExperienceIn(InputModel):
    sector: str = Field(max_length=200)
    years: float = Field(ge=0, le=80)

    @field_validator("sector")
    @classmethod
    def _ateco_section(cls, value: str) -> str:
        if not re.fullmatch(f"[{_ATECO_SECTIONS}]", value):
            raise rule_error(
                "ateco_section",
                f"'{value}' is not an ATECO section: one upper-case letter from A to U",
            )
        return value


class NeedsIn(InputModel):
    work: list[Text] = Field(default_factory=list, max_length=50)
    housing: list[Text] = Field(default_factory=list, max_length=50)
    social: list[Text] = Field(default_factory=list, max_length=50)


class AssessmentIn(InputModel):
    skills: list[SkillIn] = Field(default_factory=list, max_length=100)
    work_experience: list[WorkExperienceIn] = Field(default_factory=list, max_length=50)
    needs: NeedsIn
    vulnerabilities: list[VulnerabilityFlag] = Field(default_factory=list, max_length=20)

    @field_validator("skills")
    @classmethod
    def _each_skill_once(cls, value: list[SkillIn]) -> list[SkillIn]:
        seen: set[str] = set()
        for skill in value:
            name = skill_name(skill.name)
            if name in seen:
                raise rule_error("skill_repeated", f"skill '{skill.name}' is listed more than once")
            seen.add(name)
        return value

    @field_validator("vulnerabilities")
    @classmethod
    def _without_repeats(cls, value: list[VulnerabilityFlag]) -> list[VulnerabilityFlag]:
        return unique(value)


class PhaseIn(InputModel):
    title: Text
    due: dt.date


class GoalIn(InputModel):
    area: Area
    title: Text
    deadline: dt.date
    responsible_operator: Text
    phases: list[PhaseIn] = Field(default_factory=list, max_length=20)

    @field_validator("phases")
    @classmethod
    def _phases_before_deadline(cls, value: list[PhaseIn], info: ValidationInfo) -> list[PhaseIn]:
        deadline = info.data.get("deadline")
        if deadline is not None:
            try:
                check_phases((Phase(title=p.title, due=p.due) for p in value), deadline)
            except PlanRuleViolation as exc:
                raise rule_error(exc.rule, str(exc)) from exc
        return value


class PlanIn(InputModel):
    goals: list[GoalIn] = Field(max_length=50)

    @field_validator("goals")
    @classmethod
    def _at_least_one_goal(cls, value: list[GoalIn]) -> list[GoalIn]:
        if not value:
            raise rule_error("plan_without_goals", "a plan needs at least one goal")
        return value


class GoalsIn(InputModel):
    """Goals added to a plan already agreed, each given as a plan's goal is."""

    goals: list[GoalIn] = Field(max_length=50)

    @field_validator("goals")
    @classmethod
    def _at_least_one_goal(cls, value: list[GoalIn]) -> list[GoalIn]:
        if not value:
            raise rule_error("no_goals_to_add", "give at least one goal to add to the plan")
        return value


class GoalOutcome(StrEnum):
    met = "met"
    missed = "missed"
    replanned = "replanned"


class GoalOutcomeIn(InputModel):
    outcome: GoalOutcome
    new_deadline: dt.date | None = Field(None, validate_default=True)
    reason: LongText | None = Field(None, validate_default=True)

    @field_validator("new_deadline")
    @classmethod
    def _deadline_only_when_replanned(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        outcome = info.data.get("outcome")
        if outcome == GoalOutcome.replanned and value is None:
            raise rule_error("replan_needs_deadline", "a replanned goal needs new_deadline")
        if outcome in (GoalOutcome.met, GoalOutcome.missed) and value is not None:
            raise rule_error(
                "deadline_without_replan", f"new_deadline is only for outcome 'replanned', not '{outcome}'"
            )
        return value

    @field_validator("reason")
    @classmethod
    def _reason_when_replanned(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("outcome") == GoalOutcome.replanned and value is None:
            raise rule_error("replan_needs_reason", "a replanned goal needs a reason")
        return value


class PathTransitionIn(InputModel):
    to: PathStatus
    reason: LongText
    # What other services see instead of the reason's words.
    reason_category: ReasonCategory = ReasonCategory.other
    changed_on: PastDate | None = Field(
        None, description="the day the path moved, when recording its history (today when not given)")


class InterventionIn(InputModel):
    kind: InterventionKind
    date: PastDate
    duration_minutes: int = Field(ge=1, le=24 * 60)
    operator_id: Text
    project_id: Text
    cost_eur: Euros | None = None  # a plain decimal string, as every service takes money (shared/types.py)
    # Mediation is reported to funders in hours, which may differ from the meeting's duration.
    hours: Decimal | None = Field(None, gt=0, le=24, decimal_places=2, validate_default=True)
    course_id: Text | None = None

    @field_validator("hours")
    @classmethod
    def _hours_for_mediation(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        kind = info.data.get("kind")
        is_mediation = kind == InterventionKind.intercultural_mediation
        if is_mediation and value is None:
            raise rule_error("mediation_needs_hours", "intercultural_mediation needs hours greater than 0")
        if kind is not None and not is_mediation and value is not None:
            raise rule_error(
                "hours_outside_mediation",
                f"hours are recorded only for intercultural_mediation, not '{kind}'; use duration_minutes",
            )
        return value

    @field_validator("course_id")
    @classmethod
    def _course_kinds_only(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if value is not None and kind is not None and kind not in COURSE_KINDS:
            raise rule_error(
                "course_id_outside_course",
                f"course_id applies only to {', '.join(sorted(COURSE_KINDS))}, not '{kind}'",
            )
        return value
