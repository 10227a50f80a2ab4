"""What intake's routes answer, as models, so /openapi.json describes every body. Refusals are the
shared ErrorBody (shared/api.py); lists are the shared Page. Fields shown only to a reader who stated a
purpose (`personal`, a goal's `title`...) are optional and left out, not null, when not shown."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

# domain/permit.py PermitFlag; a test checks the two name the same statuses.
PermitStatus = Literal["valid", "expiring_soon", "expired", "renewal_pending"]
PERMIT_STATUS = ("valid: more than 60 days to the expiry day; expiring_soon: 60 days or fewer (the day itself "
                 "included); expired: the expiry day has passed; renewal_pending: it has passed but the renewal "
                 "was applied for, so the person keeps their rights on the post-office receipt while the questura "
                 "decides (before the expiry day a pending renewal shows valid or expiring_soon)")


class Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class Registered(Out):
    beneficiary_id: UUID
    path_status: str
    permit_status: PermitStatus | None = Field(
        None, description=f"only when a permit was given. {PERMIT_STATUS}")


class Corrected(Out):
    beneficiary_id: UUID
    corrected_fields: list[str]


class PersonProjects(Out):
    beneficiary_id: UUID
    project_ids: list[str]


class Consent(Out):
    date: dt.date
    scope: list[str]


class Personal(Out):
    """The sealed registration as entered, opened for a reader with a purpose (audited)."""

    model_config = ConfigDict(extra="allow")

    first_name: str | None = None
    last_name: str | None = None
    birth_date: str | None = None
    birth_country: str | None = None
    citizenship: str | None = None
    fiscal_code: str | None = None
    fiscal_code_provisional: bool | None = None
    permit: dict[str, Any] | None = None
    contacts: dict[str, Any] | None = None
    education: dict[str, Any] | None = None
    driving_licence: bool | None = None
    reception_centre: str | None = None
    children_ages: list[int] = Field(default_factory=list)
    vulnerabilities: list[str] = Field(default_factory=list)


class Person(Out):
    beneficiary_id: UUID
    sex: str
    age_band: str
    legal_status: str
    reception: str
    must_leave_by: dt.date | None
    # Operators and admins see the day; housing and employment only the month (README).
    permit_expiry: dt.date | None = Field(None, description="operators and admins only")
    permit_expiry_month: str | None = Field(None, max_length=7, description="housing and employment: YYYY-MM")
    permit_status: PermitStatus | None = Field(description=f"null without a permit. {PERMIT_STATUS}")
    permit_renewal_pending: bool | None = Field(
        None, description="operators and admins only: the permit's renewal was applied for; null without a permit")
    household_size: int
    children: int
    single_parent: bool
    italian_level: str
    languages: list[str]
    project_ids: list[str]
    path_status: str
    registered_on: dt.date
    taken_in_charge_on: dt.date | None = Field(None, description="when the path began (registered_on when not given)")
    area: str | None = Field(None, description="province where the person lives or is hosted")
    municipality: str | None = Field(None, description="ISTAT code of the municipality")
    accepted_areas: list[str] = Field(default_factory=list, description="provinces they would live or work in")
    step_free_need: bool | None = Field(None, description="needs a step-free place; null: not recorded")
    work_status: str | None = Field(
        None, description="employed, seeking_work or inactive when taken in charge; null: not recorded")
    consent: Consent
    erased: bool
    personal: Personal | None = Field(None, description="with a purpose only; null once the person is erased")


class AssessmentPersonal(Out):
    skills: list[dict[str, Any]]
    needs: dict[str, Any]
    vulnerabilities: list[str]


class Assessment(Out):
    assessment_id: UUID
    assessed_on: dt.date
    recorded_by: str
    skills_per_level: list[dict[str, Any]]
    work_experience: list[dict[str, Any]]
    need_keywords: dict[str, list[str]]
    vulnerability_count: int
    personal: AssessmentPersonal | None = Field(None, description="with a purpose only")


class AssessmentRecorded(Out):
    assessment_id: UUID


class PlanAgreed(Out):
    goal_ids: list[UUID]
    path_status: str


class GoalsAdded(Out):
    goal_ids: list[UUID]
    path_status: str


class GoalChange(Out):
    change: str
    status: str
    deadline: dt.date
    recorded_on: dt.date
    recorded_by: str
    reason: str | None = Field(None, description="with a purpose only")


class GoalPhase(Out):
    title: str | None
    due: dt.date | None


class Goal(Out):
    goal_id: UUID
    area: str
    deadline: dt.date
    status: str
    closed_on: dt.date | None
    responsible_operator: str
    phase_dues: list[dt.date]
    history: list[GoalChange]
    title: str | None = Field(None, description="with a purpose only")
    phases: list[GoalPhase] | None = Field(None, description="with a purpose only")


class Plan(Out):
    agreed_on: dt.date
    goals: list[Goal]


class GoalOutcome(Out):
    goal_id: UUID
    outcome: str
    deadline: dt.date


class Transition(Out):
    from_: str = Field(alias="from")
    to: str
    reason_category: str


class Erased(Out):
    beneficiary_id: UUID
    erased: bool


class InterventionRecorded(Out):
    intervention_id: UUID


class InterventionCorrected(Out):
    intervention_id: UUID
    corrects: UUID


class Intervention(Out):
    intervention_id: UUID
    kind: str
    on_date: dt.date
    duration_minutes: int | None
    hours: str | None = Field(description="exact decimal, as text")
    operator_id: str | None
    project_id: str
    cost_eur: str | None = Field(description="euros, exact decimal, as text")
    course_id: UUID | None
    corrects: UUID | None
    superseded_by: UUID | None


class CourseCreated(Out):
    course_id: UUID


class Enrolled(Out):
    course_id: UUID
    beneficiary_id: UUID


class Completed(Out):
    course_id: UUID
    beneficiary_id: UUID
    level_reached: str | None
    levels_gained: int | None


class ProjectCreated(Out):
    code: str
    lead_organisation_id: str
    budget_total_eur: str


class BudgetLine(Out):
    work_package: str
    amount_eur: str


class Project(Out):
    code: str
    funder: str
    title: str
    lead_organisation_id: str
    partners: list[str]
    territories: list[str]
    start_date: dt.date
    end_date: dt.date
    budget: list[BudgetLine]
    role: Literal["lead", "partner"]
    budget_total_eur: str
