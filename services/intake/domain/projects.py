"""Funding projects (FAMI, ESF, foundations...): a lead organisation, partners, territories,
dates and a budget by work package."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum

from shared.errors import RuleViolation


class Funder(StrEnum):
    fami = "fami"
    esf = "esf"
    foundation = "foundation"
    municipality = "municipality"
    region = "region"
    other = "other"


class WorkPackage(StrEnum):
    work = "work"
    housing = "housing"
    social = "social"
    management = "management"


class ProjectRuleViolation(RuleViolation):
    """A project rule was broken: the offending field, the rule's code, and what was expected in words."""

    def __init__(self, field: str, message: str, *, rule: str) -> None:
        super().__init__(field, rule, message)


def check_period(start: date, end: date) -> None:
    if end <= start:
        raise ProjectRuleViolation(
            "end_date", f"end date {end.isoformat()} must be after start date {start.isoformat()}",
            rule="end_before_start",
        )


def check_runs_on(code: str, start: date, end: date, on: date, field: str) -> None:
    """Funders pay only for what happens while their project runs: `on` must lie in [start, end]."""
    if not start <= on <= end:
        raise ProjectRuleViolation(
            field, f"{on.isoformat()} is outside project '{code}', which runs from {start.isoformat()} to "
                   f"{end.isoformat()}: only activities within a project's dates can be charged to it",
            rule="outside_project_period",
        )


def check_budget(lines: Iterable[tuple[WorkPackage, Decimal]]) -> Decimal:
    """The budget total; each work package appears once."""
    seen: set[WorkPackage] = set()
    total = Decimal(0)
    for index, (package, amount) in enumerate(lines):
        if package in seen:
            raise ProjectRuleViolation(f"budget.{index}.work_package", f"work package '{package}' is listed twice",
                                       rule="work_package_repeated")
        seen.add(package)
        total += amount
    return total


def check_partners(lead: str, partners: Iterable[str]) -> None:
    for index, partner in enumerate(partners):
        if partner == lead:
            raise ProjectRuleViolation(f"partners.{index}", f"'{partner}' is the lead organisation, not a partner",
                                       rule="lead_as_partner")


class AlreadyEnrolled(ValueError):
    """The person is in that project already."""


def enrolled_in(current: list[str], code: str) -> list[str]:
    """The person's projects once enrolled in `code` too, in the order they joined."""
    if code in current:
        raise AlreadyEnrolled(f"the person is already in project '{code}'")
    return [*current, code]
