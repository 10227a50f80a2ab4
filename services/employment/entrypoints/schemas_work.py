"""Bodies of the pipeline, money, people and titles routes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from employment.domain.levels import ContractType
from employment.domain.pipeline import Stage
from employment.domain.titles import CertificationOutcome, RecognitionState
from employment.entrypoints.schemas import Day, Euro, FundName, Istat, Name, Ref, Section

Mobility = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[a-z][a-z_]*$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HireIn(_In):
    contract_type: ContractType
    monthly_income_eur: Euro
    weekly_hours: int = Field(ge=1, le=60)
    workplace_municipality: Istat


class StepIn(_In):
    to: Stage
    on: Day | None = Field(None, description="the day of the step (today, Italy's, when absent)")
    reason: str | None = Field(None, min_length=1, max_length=40, pattern=r"^[a-z][a-z_]*$",
                               description="for declined, interrupted and dropped: a code from rules/pipeline.toml")
    hire: HireIn | None = None


class ProposalIn(_In):
    beneficiary_id: UUID


class PlacementOut(BaseModel):
    placement_id: UUID
    opening_id: UUID
    beneficiary_id: UUID
    kind: str
    stage: Stage
    since: date
    score: int
    score_parts: dict[str, Any] = Field(default_factory=dict, description="each part's value, weight and points")
    reason: str | None = None
    hire: dict[str, Any] | None = None
    pinned: bool = Field(False, description="proposed by the team: it keeps its seat through re-matching")


class FundIn(_In):
    project_id: Ref
    name: FundName
    budget_eur: Euro


class BudgetIn(_In):
    budget_eur: Euro


class FundOut(BaseModel):
    fund_id: UUID
    project_id: str
    name: str
    budget_eur: Euro
    committed_eur: Euro
    paid_eur: Euro
    uncommitted_eur: Euro
    left_eur: Euro


class PaymentIn(_In):
    on: Day | None = None
    attended_hours: Decimal | None = Field(
        None, ge=0, le=744, decimal_places=2,
        description="a traineeship month: hours attended (decimal text); below the region's share of the hours "
                    "planned the allowance is reduced as the region's rule says")


class PaymentOut(BaseModel):
    payment_id: UUID | None = Field(description="null when nothing was due after the attendance rule")
    placement_id: UUID
    month_no: int
    fund_id: UUID
    amount_eur: Euro
    scheduled_eur: Euro = Field(description="the month's amount before the attendance rule (pro rata if partial)")
    paid_on: date


class DueOut(BaseModel):
    placement_id: UUID
    month_no: int
    fund_id: UUID
    due_on: date
    amount_eur: Euro


class EndingOut(BaseModel):
    opening_id: UUID
    title: str
    end_date: date
    placement_id: UUID
    beneficiary_id: UUID
    overdue: bool = Field(description="its end date is past and it is still started: record how it ended")


class AvailabilityIn(_In):
    available_from: Day | None = None
    max_weekly_hours: int | None = Field(None, ge=1, le=48)
    mobility: list[Mobility] = Field(default_factory=list, max_length=4,
                                     description="bicycle, car (a car counts with a licence)")
    childcare_need: StrictBool | None = None
    adult_from: Day | None = Field(None, description="a minor: the day they turn 18; they are matched only to work "
                                                      "that starts on or after it (never before)")


class PersonOut(BaseModel):
    beneficiary_id: UUID
    registered_on: date
    age_band: str
    italian_level: str | None
    area: str | None
    municipality: str | None
    work_goal: bool
    consent: bool
    driving_licence: bool
    mobility: list[str]
    childcare_need: bool
    available_from: date | None
    max_weekly_hours: int | None
    adult_from: date | None = None
    experience: dict[str, float]
    women_inactive: bool = Field(False, description="a woman neither working nor seeking work at intake (the "
                                                    "women's-inactivity priority of the score)")
    out_of_matching: str | None = Field(description="why the person is not matched now; null when they are")


class RecognitionIn(_In):
    qualification: Name = Field(description="the title, e.g. 'nursing diploma'")
    country: str = Field(pattern="^[A-Z]{2}$")
    sector: Section | None = None
    requested_on: date | None = None


class RecognitionStepIn(_In):
    to: RecognitionState
    on: date | None = None


class RecognitionOut(BaseModel):
    recognition_id: UUID
    beneficiary_id: UUID
    qualification: str
    country: str
    sector: str | None
    state: RecognitionState
    history: list[dict[str, Any]]


class CertificationIn(_In):
    sector: Section
    eqf_level: int = Field(ge=1, le=8)
    outcome: CertificationOutcome
    certified_on: date


class CertificationOut(BaseModel):
    certification_id: UUID
    beneficiary_id: UUID
    sector: str
    eqf_level: int
    outcome: CertificationOutcome
    certified_on: date


class PersonDetailOut(BaseModel):
    person: PersonOut
    placement: PlacementOut | None
    recognitions: list[RecognitionOut]
    certifications: list[CertificationOut]


class PrioritiesIn(_In):
    women_priority: StrictBool


class StageCountsOut(BaseModel):
    stages: dict[str, int]


class FunnelOut(BaseModel):
    opening_id: UUID
    kind: str
    reached: dict[str, int]
    conversion: list[dict[str, Any]]
    mean_days_in_stage: dict[str, float]
    stalled_placements: int


class RematchOut(BaseModel):
    proposals: int
    total_points: float
    bound_points: float
    optimality_gap_pct: float
    pairs_priced: int


class CandidateOut(BaseModel):
    """The thin list kept from the first slice: who employment knows, since when."""

    beneficiary_id: UUID
    since: date
    age_band: str
    italian_level: str | None
    languages: list[str]
    area: str | None
    status: str
