"""Openings the employment team records: traineeships, work bursaries, courses and job offers.

Each is checked as a whole when recorded (every broken rule reported at once, nothing stored) and
reduced to the few facts the matching engine needs (`Seats`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from uuid import UUID

from employment.domain.calendar import whole_months
from employment.domain.levels import (
    ATECO_SECTIONS,
    CEFR_RANK,
    ContractType,
    CourseKind,
    OpeningKind,
    Payer,
    TraineeTarget,
)
from employment.domain.matching.model import Slot
from employment.domain.places import Gazetteer, Municipality
from employment.domain.regions import RegionRule, check_traineeship_terms, rule_for
from shared.errors import RuleViolation, Violations


@dataclass(frozen=True)
class Company:
    name: str
    ateco_section: str
    ateco_code: str | None = None


@dataclass(frozen=True)
class Requirements:
    """Hard requirements every matched person meets."""

    italian_level: str | None = None
    driving_licence: bool = False
    max_weekly_hours: int | None = None


@dataclass(frozen=True)
class Opening:
    """What all kinds share; the kind-specific terms sit in `terms`."""

    opening_id: UUID
    organisation_id: str
    kind: OpeningKind
    title: str
    municipality: str
    sector: str
    start_date: date
    end_date: date | None
    seats: int
    weekly_hours: int
    requirements: Requirements
    project_id: str | None
    terms: TraineeshipTerms | BursaryTerms | CourseTerms | JobOfferTerms
    status: str = "open"

    def project_pays_monthly(self) -> Decimal:
        """What the project's fund pays each month per person (0 when nobody is paid by the project)."""
        t = self.terms
        if isinstance(t, TraineeshipTerms):
            return t.project_share()
        if isinstance(t, BursaryTerms):
            return t.monthly_amount
        return Decimal("0")

    def instalments(self) -> int:
        t = self.terms
        if isinstance(t, BursaryTerms):
            return t.months
        if isinstance(t, TraineeshipTerms) and self.end_date is not None:
            return whole_months(self.start_date, self.end_date)
        return 0

    def fund_id(self) -> UUID | None:
        t = self.terms
        return t.fund_id if isinstance(t, TraineeshipTerms | BursaryTerms) else None


@dataclass(frozen=True)
class TraineeshipTerms:
    promoter: Company
    host: Company
    agreement_ref: str
    agreement_signed_on: date
    promoter_tutor: str
    host_tutor: str
    monthly_allowance: Decimal
    payer: Payer
    project_share_eur: Decimal | None
    fund_id: UUID | None
    meals: bool = False
    target: TraineeTarget = TraineeTarget.standard
    region: str = ""

    def project_share(self) -> Decimal:
        if self.payer is Payer.company:
            return Decimal("0")
        if self.payer is Payer.project:
            return self.monthly_allowance
        return self.project_share_eur or Decimal("0")


@dataclass(frozen=True)
class BursaryTerms:
    monthly_amount: Decimal
    months: int
    fund_id: UUID
    host: Company | None = None


@dataclass(frozen=True)
class CourseTerms:
    course_kind: CourseKind


@dataclass(frozen=True)
class JobOfferTerms:
    contract_type: ContractType
    employer: Company | None = None
    requirements_note: str = ""


@dataclass
class _Check:
    problems: list[RuleViolation] = field(default_factory=list)

    def need(self, ok: bool, field_: str, rule: str, message: str) -> None:
        if not ok:
            self.problems.append(RuleViolation(field_, rule, message))

    def done(self) -> None:
        if self.problems:
            raise Violations(self.problems)


def _company(check: _Check, company: Company, field_: str) -> None:
    check.need(company.ateco_section in ATECO_SECTIONS, f"{field_}.ateco_section", "ateco_section",
               "an ATECO section is one letter A to U")
    if company.ateco_code is not None:
        check.need(_section_of(company.ateco_code) == company.ateco_section, f"{field_}.ateco_code",
                   "ateco_code_outside_section", f"ATECO code {company.ateco_code} is not in section "
                   f"{company.ateco_section}")


# ATECO 2007 divisions (the code's first two digits) by section.
_DIVISIONS = {"A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43),
              "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68),
              "M": (69, 75), "N": (77, 82), "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93),
              "S": (94, 96), "T": (97, 98), "U": (99, 99)}


def _section_of(code: str) -> str | None:
    head = code.split(".")[0]
    if not (head.isdigit() and len(head) == 2):
        return None
    division = int(head)
    return next((s for s, (lo, hi) in _DIVISIONS.items() if lo <= division <= hi), None)


def _common(check: _Check, o: Opening, gazetteer: Gazetteer) -> Municipality | None:
    site: Municipality | None = None
    try:
        site = gazetteer.get(o.municipality, field="municipality")
    except RuleViolation as e:
        check.problems.append(e)
    check.need(o.sector in ATECO_SECTIONS, "sector", "ateco_section", "an ATECO section is one letter A to U")
    check.need(o.seats >= 1, "seats", "at_least_one", "an opening has at least one seat")
    check.need(1 <= o.weekly_hours <= 48, "weekly_hours", "weekly_hours_range", "weekly hours are 1 to 48")
    check.need(o.end_date is None or o.end_date >= o.start_date, "end_date", "end_before_start",
               "the end date is on or after the start date")
    level = o.requirements.italian_level
    check.need(level is None or level in CEFR_RANK, "requirements.italian_level", "cefr_level",
               "the Italian level is one of A0 A1 A2 B1 B2 C1 C2")
    return site


def validate_opening(o: Opening, *, gazetteer: Gazetteer, regions: Mapping[str, RegionRule]) -> Opening:
    """The opening as it may be stored (a traineeship learns its region), or every violation at once."""
    check = _Check()
    site = _common(check, o, gazetteer)
    t = o.terms
    if o.kind is OpeningKind.traineeship and isinstance(t, TraineeshipTerms):
        check.need(o.end_date is not None, "end_date", "required", "a traineeship has an end date")
        _company(check, t.promoter, "promoter")
        _company(check, t.host, "host")
        check.need(o.start_date >= t.agreement_signed_on, "start_date", "start_before_agreement",
                   f"the traineeship cannot start before its agreement {t.agreement_ref} was signed "
                   f"({t.agreement_signed_on})")
        check.need(bool(t.promoter_tutor.strip()) and bool(t.host_tutor.strip()), "tutors", "two_tutors",
                   "a traineeship has the promoter's and the host's tutor")
        check.need(t.monthly_allowance > 0, "monthly_allowance_eur", "positive", "the allowance is positive")
        if t.payer is Payer.both:
            share = t.project_share_eur
            check.need(share is not None and 0 < share < t.monthly_allowance, "project_share_eur",
                       "share_within_allowance", "when both pay, the project pays part of the allowance, "
                       "more than 0 and less than all of it")
        check.need((t.payer is Payer.company) == (t.fund_id is None), "fund_id", "fund_when_project_pays",
                   "a fund is named exactly when the project pays (payer project or both)")
        check.need(t.payer is Payer.company or o.project_id is not None, "project_id", "required",
                   "the project whose fund pays")
        if site is not None and o.end_date is not None:
            try:
                rule = rule_for(regions, site.region)
                check.problems.extend(check_traineeship_terms(
                    rule, allowance=t.monthly_allowance, meals=t.meals, weekly_hours=o.weekly_hours,
                    start=o.start_date, end=o.end_date, target=t.target))
            except RuleViolation as e:
                check.problems.append(e)
            check.done()
            return replace(o, terms=replace(t, region=site.region))
    elif o.kind is OpeningKind.bursary and isinstance(t, BursaryTerms):
        check.need(t.monthly_amount > 0, "monthly_amount_eur", "positive", "the monthly amount is positive")
        check.need(1 <= t.months <= 24, "months", "months_range", "a bursary lasts 1 to 24 months")
        check.need(o.project_id is not None, "project_id", "required", "the project whose fund pays")
    elif o.kind is OpeningKind.course and isinstance(t, CourseTerms):
        check.need(o.end_date is not None, "end_date", "required", "a course has an end date")
    elif o.kind is OpeningKind.job_offer and isinstance(t, JobOfferTerms):
        pass
    else:
        check.need(False, "kind", "terms_of_kind", f"terms do not fit an opening of kind {o.kind.value}")
    check.done()
    return o


def slot_of(o: Opening, *, free_seats: int, gazetteer: Gazetteer) -> Slot:
    """The opening as the engine matches it: proposals close when a course or placement starts; a job offer
    stays open until its end date, if any."""
    site = gazetteer.by_code[o.municipality]
    until = o.end_date if o.kind is OpeningKind.job_offer else o.start_date
    return Slot(
        opening_id=o.opening_id, sector=o.sector, latitude=site.latitude, longitude=site.longitude,
        start_date=o.start_date, seats=free_seats if o.status == "open" else 0, weekly_hours=o.weekly_hours,
        italian_level=o.requirements.italian_level, driving_licence=o.requirements.driving_licence, open_until=until,
    )
