"""The closed vocabularies of intake, as listed in domain.md, and the age band of a person."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import get_args

from shared.errors import RuleViolation
from shared.events import contracts as _contracts
from shared.events.contracts import vocabulary as _vocabulary


class LegalStatus(StrEnum):
    asylum_seeker = "asylum_seeker"
    refugee = "refugee"
    subsidiary_protection = "subsidiary_protection"
    special_protection = "special_protection"
    former_humanitarian = "former_humanitarian"
    special_cases = "special_cases"
    unaccompanied_minor = "unaccompanied_minor"
    temporary_protection = "temporary_protection"
    other = "other"


class ReceptionKind(StrEnum):
    cas = "cas"
    sai = "sai"
    first_reception = "first_reception"
    out_of_reception = "out_of_reception"
    homeless = "homeless"


IN_RECEPTION = frozenset({ReceptionKind.cas, ReceptionKind.sai, ReceptionKind.first_reception})


# The wire's own vocabularies (shared.events.contracts.vocabulary): what intake decides is what travels.
ItalianLevel = _vocabulary.CefrLevel


def levels_gained(before: ItalianLevel, after: ItalianLevel) -> int:
    """CEFR levels climbed from before to after (negative if the level dropped)."""
    return after.rank - before.rank


class PermitDocument(StrEnum):
    electronic = "electronic"
    paper = "paper"
    postal_receipt = "postal_receipt"


class Sex(StrEnum):
    F = "F"
    M = "M"
    X = "X"


InterventionKind = _vocabulary.InterventionKind
COURSE_KINDS: frozenset[InterventionKind] = frozenset(get_args(_vocabulary.CourseKind))


class VulnerabilityFlag(StrEnum):
    victim_of_trafficking = "victim_of_trafficking"
    victim_of_violence = "victim_of_violence"
    health_condition = "health_condition"
    disability = "disability"
    single_parent = "single_parent"
    pregnant = "pregnant"
    minor_turning_18 = "minor_turning_18"
    homeless = "homeless"
    other = "other"


class WorkStatus(StrEnum):
    """The person's work status when taken in charge, as the labour-force survey (ISTAT/Eurostat) counts it."""

    employed = "employed"
    seeking_work = "seeking_work"  # unemployed: without work, looking for it and available
    inactive = "inactive"  # neither working nor seeking work


def women_inactive(sex: str, work_status: str | None) -> bool | None:
    """A woman neither working nor seeking work at intake (the FAMI inactivity indicator); None when
    the work status was not recorded."""
    if work_status is None:
        return None
    return sex == Sex.F and work_status == WorkStatus.inactive


class EducationLevel(StrEnum):
    none = "none"
    primary = "primary"
    lower_secondary = "lower_secondary"
    upper_secondary = "upper_secondary"
    vocational = "vocational"
    bachelor = "bachelor"
    master = "master"
    doctorate = "doctorate"


# One age-band vocabulary for the platform: the wire contract's, so a band never needs mapping.
AgeBand = _contracts.AgeBand


# Lower bound of each band, oldest first, so the first bound not above the age wins.
_BAND_FLOORS = (
    (65, AgeBand.a65_plus),
    (55, AgeBand.a55_64),
    (45, AgeBand.a45_54),
    (35, AgeBand.a35_44),
    (25, AgeBand.a25_34),
    (18, AgeBand.a18_24),
    (0, AgeBand.under_18),
)


def age_on(birth_date: date, on: date) -> int:
    """Completed years of age on a day; someone born on 29 February ages on 1 March in common years."""
    if on < birth_date:
        raise ValueError(f"date {on.isoformat()} is before birth date {birth_date.isoformat()}")
    birthday_not_yet_reached = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - birthday_not_yet_reached


def age_band(birth_date: date, on: date) -> AgeBand:
    """The age band a person born on birth_date falls in on the given day."""
    age = age_on(birth_date, on)
    return next(band for floor, band in _BAND_FLOORS if age >= floor)


ADULT_AGE = 18


class LegalStatusRuleViolation(RuleViolation):
    """The legal status does not fit the person's age."""

    def __init__(self, message: str) -> None:
        super().__init__("legal_status", "unaccompanied_minor_of_age", message)


def check_legal_status_age(legal_status: LegalStatus, birth_date: date, on: date) -> None:
    """An unaccompanied minor (MSNA) is under 18 on the day they are registered. Only the completed
    age counts: many minors are registered born on 1 January, and they are adults from that day."""
    if legal_status is not LegalStatus.unaccompanied_minor or birth_date > on:
        return
    age = age_on(birth_date, on)
    if age >= ADULT_AGE:
        raise LegalStatusRuleViolation(
            f"'{legal_status}' is for people under {ADULT_AGE} on the registration date: born on "
            f"{birth_date.isoformat()}, the person is {age} on {on.isoformat()}; correct birth_date or choose "
            "another legal_status (e.g. asylum_seeker)"
        )
