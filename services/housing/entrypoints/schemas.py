"""Housing's request and response bodies. Money is a decimal string in JSON, never a float."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from housing.domain.funds import FundKind, SupportKind, SupportStatus
from housing.domain.offer import GenderPolicy, PlaceKind
from housing.domain.workflow import Status
from shared.types import Euros, Int32

Money = Euros  # shared.types: exact euros, 0 or more, a decimal string in JSON (a float is refused)
# places.monthly_cost_per_bed is NUMERIC(10, 2), narrower than Money's 12 digits: bounded here, past it
# PostgreSQL would refuse the row with a server error.
PlaceCost = Annotated[Money, Field(le=Decimal("99999999.99"))]
AgeBand = Literal["under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlaceIn(_In):
    kind: PlaceKind
    municipality: str = Field(pattern=r"^\d{6}$", description="ISTAT code")
    beds_total: int = Field(ge=1, le=200, description="beds of a flat, or places of a host family")
    beds_free: int = Field(ge=0, le=200)
    gender_policy: GenderPolicy = GenderPolicy.mixed
    step_free: bool = False
    monthly_cost_per_bed: PlaceCost = Decimal("0")
    available_from: date | None = None
    available_to: date | None = None
    languages: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]] = Field(
        default_factory=list, max_length=20, description="ISO 639 codes, lower case: it, en, ar, ti")
    host_sexes: list[Literal["F", "M", "X"]] = Field(default_factory=list, max_length=3)
    host_age_bands: list[AgeBand] = Field(default_factory=list, max_length=20)
    host_children_ok: bool = True
    address: str | None = Field(None, max_length=300, description="kept in housing only, never on Kafka")
    managing_organisation: str | None = Field(None, max_length=200)


class PlaceOut(BaseModel):
    place_id: UUID
    kind: PlaceKind
    municipality: str
    province: str
    beds_total: int
    beds_free: int
    gender_policy: GenderPolicy
    step_free: bool
    monthly_cost_per_bed: Money
    available_from: date | None
    available_to: date | None
    languages: list[str]
    host_sexes: list[str]
    host_age_bands: list[str]
    host_children_ok: bool
    beds_available: int = Field(description="beds free and not held by an accepted (on to moving in) or hand-made "
                                "proposal: what can still be offered")


class PlaceDetail(PlaceOut):
    address: str | None
    managing_organisation: str | None
    active: bool = True  # false once retired from the offer


class WaitingOut(BaseModel):
    beneficiary_id: UUID
    since: date
    household_size: int
    children: int
    areas: list[str]
    housing_goal: bool
    consent: bool
    matchable: bool
    leave_by: date | None
    days_waiting: int


class ProposalOut(BaseModel):
    proposal_id: UUID
    beneficiary_id: UUID
    place_id: UUID
    household_size: int
    status: Status
    made_on: date
    last_step_on: date
    person_confirmed: bool
    host_confirmed: bool
    decline_actor: str | None
    decline_reason: str | None
    move_out_reason: str | None
    score: float | None = None
    score_parts: dict[str, float] | None = None
    stalled: bool = False
    by_hand: bool = False  # made by the team: holds its beds, no re-match withdraws it


class ProposeIn(_In):
    beneficiary_id: UUID
    place_id: UUID


class StepIn(_In):
    actor: Literal["team", "person", "host", "administrative"] = "team"
    reason: str | None = Field(None, pattern=r"^[a-z_]{1,40}$", description="a code from the actor's list")
    note: str | None = Field(None, max_length=500, description="for 'other': kept in housing, never on Kafka")
    on: date | None = Field(None, description="the day the step happened, when it is recorded after the fact "
                            "(today, Italy's, when absent); not before the proposal's last step, not after today")


class RematchOut(BaseModel):
    made: int
    superseded: int
    waiting: int
    total_score: float
    proven_bound: float | None
    gap_pct: float | None


class FundIn(_In):
    project_id: str = Field(min_length=1, max_length=60, description="the project's own id; housing keeps no list "
                            "of projects, so only its form is checked (printable, no space at either end)")
    kind: FundKind
    total_eur: Money
    cap_per_person_eur: Money


class FundOut(BaseModel):
    fund_id: UUID
    project_id: str
    kind: FundKind
    budget_eur: Money
    committed_eur: Money
    paid_eur: Money
    available_eur: Money
    cap_per_person_eur: Money


class SupportIn(_In):
    fund_id: UUID
    beneficiary_id: UUID
    kind: SupportKind
    amount_eur: Money
    # Only the column's bound here: the limit itself (rules/funds.yaml's months of rent) is the domain's one
    # rule, `rent_advance_months`, so 0, 7 and 13 are refused alike.
    months: Int32 | None = Field(None, description="months of rent, for a rent advance only (1 to the rules' limit)")
    monthly_rent_eur: Money | None = Field(None, description="for a rent advance only")
    lease_ref: str | None = Field(None, max_length=80,
                                  description="the lease's registration reference, for a rent advance only")


class SupportOut(BaseModel):
    support_id: UUID
    fund_id: UUID
    beneficiary_id: UUID
    kind: SupportKind
    amount_eur: Money
    months: int | None
    monthly_rent_eur: Money | None
    lease_ref: str | None
    status: SupportStatus
    requested_on: date
