"""The closed vocabularies employment decides on: CEFR levels, ATECO sections, contract types."""

from __future__ import annotations

from enum import StrEnum

CEFR = ("A0", "A1", "A2", "B1", "B2", "C1", "C2")
CEFR_RANK = {level: i for i, level in enumerate(CEFR)}


def cefr_rank(level: str | None) -> int:
    """A0 is 0 ... C2 is 6; an unknown level counts as A0 (nothing may be assumed)."""
    return CEFR_RANK.get(level or "A0", 0)


ATECO_SECTIONS = frozenset("ABCDEFGHIJKLMNOPQRSTU")


class ContractType(StrEnum):
    """Contract types of shared/domain.md."""

    fixed_term = "fixed_term"
    permanent = "permanent"
    apprenticeship = "apprenticeship"
    self_employed = "self_employed"
    seasonal = "seasonal"
    other = "other"


class OpeningKind(StrEnum):
    traineeship = "traineeship"
    bursary = "bursary"
    course = "course"
    job_offer = "job_offer"


class CourseKind(StrEnum):
    italian_for_work = "italian_for_work"
    it_basics = "it_basics"
    vocational = "vocational"


class Payer(StrEnum):
    """Who pays a traineeship's monthly allowance."""

    company = "company"
    project = "project"
    both = "both"


class TraineeTarget(StrEnum):
    """Whom a traineeship is for: the longer limits of the region's rules follow from it."""

    standard = "standard"
    disadvantaged = "disadvantaged"
    disabled = "disabled"
