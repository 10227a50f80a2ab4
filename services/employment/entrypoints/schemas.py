"""Employment's request and response bodies, and their translation to and from the service layer's
types. Money is a decimal string in JSON (never a float)."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool
from pydantic_core import PydanticCustomError

from employment.domain.levels import ContractType, CourseKind, OpeningKind, Payer, TraineeTarget
from employment.domain.openings import (
    BursaryTerms,
    Company,
    CourseTerms,
    JobOfferTerms,
    Opening,
    Requirements,
    TraineeshipTerms,
)
from shared.types import Euros, two_decimals

Euro = Euros  # shared.types: exact euros, a decimal string in JSON
Section = Annotated[str, Field(pattern="^[A-U]$", description="ATECO section")]
Istat = Annotated[str, Field(pattern=r"^\d{6}$", description="ISTAT municipality code")]
Level = Literal["A0", "A1", "A2", "B1", "B2", "C1", "C2"]
# Openings, steps and payments are dated within these years whatever today is: a date outside is a typo, and
# year 9999 broke the month arithmetic of durations and instalments (a 500); /payments/due reads from 2000 on.
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2199, 12, 31)


def within_years(value: date) -> date:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise PydanticCustomError("date_out_of_range", f"a date from {EARLIEST_DAY} to {LATEST_DAY}")
    return value


Day = Annotated[date, AfterValidator(within_years), Field(description=f"from {EARLIEST_DAY} to {LATEST_DAY}")]


def not_blank(value: str) -> str:
    """A name of blanks names nothing (it was stored and answered as '   ')."""
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")
    return value


# Names and references: not only blanks, up to their length.
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(not_blank)]
FundName = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(not_blank)]
Ref = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(not_blank)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompanyIn(_In):
    name: Name
    ateco_section: Section
    ateco_code: str | None = Field(None, pattern=r"^\d{2}(\.\d{1,2}){0,2}$")

    def domain(self) -> Company:
        return Company(self.name, self.ateco_section, self.ateco_code)


class RequirementsIn(_In):
    italian_level: Level | None = None
    driving_licence: StrictBool = False  # a hard requirement: true or false, not "yes"


class _OpeningIn(_In):
    title: Name
    municipality: Istat
    sector: Section
    start_date: Day
    end_date: Day | None = None
    seats: int = Field(1, ge=1, le=1000)
    weekly_hours: int = Field(ge=1, le=48)
    requirements: RequirementsIn = Field(default_factory=RequirementsIn)
    project_id: Ref | None = None

    def _common(self, organisation_id: str, opening_id: UUID | None, kind: OpeningKind, terms: Any) -> Opening:
        return Opening(
            opening_id=opening_id or uuid4(), organisation_id=organisation_id, kind=kind, title=self.title,
            municipality=self.municipality, sector=self.sector, start_date=self.start_date, end_date=self.end_date,
            seats=self.seats, weekly_hours=self.weekly_hours,
            requirements=Requirements(self.requirements.italian_level, self.requirements.driving_licence),
            project_id=self.project_id, terms=terms,
        )


class TraineeshipIn(_OpeningIn):
    kind: Literal["traineeship"]
    promoter: CompanyIn
    host: CompanyIn
    agreement_ref: Ref
    agreement_signed_on: Day
    promoter_tutor: str = Field(min_length=1, max_length=120)
    host_tutor: str = Field(min_length=1, max_length=120)
    monthly_allowance_eur: Euro
    payer: Payer
    project_share_eur: Euro | None = None
    fund_id: UUID | None = None
    meals: StrictBool = False  # lowers the regional minimum in some regions: true or false, not "yes"
    target: TraineeTarget = TraineeTarget.standard

    def domain(self, organisation_id: str, opening_id: UUID | None = None) -> Opening:
        return self._common(organisation_id, opening_id, OpeningKind.traineeship, TraineeshipTerms(
            promoter=self.promoter.domain(), host=self.host.domain(), agreement_ref=self.agreement_ref,
            agreement_signed_on=self.agreement_signed_on, promoter_tutor=self.promoter_tutor,
            host_tutor=self.host_tutor, monthly_allowance=self.monthly_allowance_eur, payer=self.payer,
            project_share_eur=self.project_share_eur, fund_id=self.fund_id, meals=self.meals, target=self.target))


class BursaryIn(_OpeningIn):
    kind: Literal["bursary"]
    monthly_amount_eur: Euro
    months: int = Field(ge=1, le=24)
    fund_id: UUID
    host: CompanyIn | None = None

    def domain(self, organisation_id: str, opening_id: UUID | None = None) -> Opening:
        host = self.host.domain() if self.host else None
        return self._common(organisation_id, opening_id, OpeningKind.bursary,
                            BursaryTerms(self.monthly_amount_eur, self.months, self.fund_id, host))


class CourseIn(_OpeningIn):
    kind: Literal["course"]
    course_kind: CourseKind

    def domain(self, organisation_id: str, opening_id: UUID | None = None) -> Opening:
        return self._common(organisation_id, opening_id, OpeningKind.course, CourseTerms(self.course_kind))


class JobOfferIn(_OpeningIn):
    kind: Literal["job_offer"]
    contract_type: ContractType
    employer: CompanyIn | None = None
    requirements_note: str = Field("", max_length=500, description="what else the employer asks (no personal data)")

    def domain(self, organisation_id: str, opening_id: UUID | None = None) -> Opening:
        employer = self.employer.domain() if self.employer else None
        return self._common(organisation_id, opening_id, OpeningKind.job_offer,
                            JobOfferTerms(self.contract_type, employer, self.requirements_note))


OpeningIn = Annotated[TraineeshipIn | BursaryIn | CourseIn | JobOfferIn, Field(discriminator="kind")]


class OpeningOut(BaseModel):
    opening_id: UUID
    kind: OpeningKind
    title: str
    municipality: str
    sector: str
    start_date: date
    end_date: date | None
    seats: int
    free_seats: int | None = None
    weekly_hours: int
    requirements: dict[str, Any]
    project_id: str | None
    status: str
    terms: dict[str, Any]


def plain(value: Any) -> Any:
    """A domain value as JSON: decimals as strings, enums as their values, nested dataclasses as objects."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return two_decimals(value)  # the terms' decimals are euros: "800.00", as every amount is answered
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def opening_out(o: Opening, free: int | None = None) -> OpeningOut:
    return OpeningOut(opening_id=o.opening_id, kind=o.kind, title=o.title, municipality=o.municipality,
                      sector=o.sector, start_date=o.start_date, end_date=o.end_date, seats=o.seats, free_seats=free,
                      weekly_hours=o.weekly_hours,
                      requirements={"italian_level": o.requirements.italian_level,
                                    "driving_licence": o.requirements.driving_licence},
                      project_id=o.project_id, status=o.status, terms=plain(o.terms))
