"""Regional rules for extracurricular traineeships, read from data (rules/traineeship_regions.toml).

The rules change by region and by year, so the code knows only their shape: a minimum allowance with
reduced and raised cases, and the shortest and longest durations with the longer limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from employment.domain.calendar import lasts_at_least, lasts_at_most
from employment.domain.instalments import AttendanceRule, parse_attendance
from employment.domain.levels import TraineeTarget
from shared.errors import RuleViolation


@dataclass(frozen=True)
class Reduction:
    """A lower minimum that applies when every condition named holds."""

    minimum: Decimal
    meals: bool | None = None
    max_weekly_hours: int | None = None

    def applies(self, *, meals: bool, weekly_hours: int) -> bool:
        if self.meals is not None and meals != self.meals:
            return False
        return self.max_weekly_hours is None or weekly_hours <= self.max_weekly_hours


@dataclass(frozen=True)
class Raise:
    """A higher minimum for a traineeship lasting `from_months` months or more."""

    minimum: Decimal
    from_months: int

    def applies(self, *, start: date, end: date) -> bool:
        return lasts_at_least(start, end, self.from_months)


@dataclass(frozen=True)
class RegionRule:
    region: str
    minimum: Decimal
    min_months: int
    max_months: int
    max_months_disadvantaged: int
    max_months_disabled: int
    reduced: tuple[Reduction, ...] = ()
    raised: tuple[Raise, ...] = ()
    source: str = ""
    attendance: AttendanceRule | None = None

    def minimum_for(self, *, meals: bool, weekly_hours: int, start: date, end: date) -> Decimal:
        """The monthly minimum for this traineeship: a raise for long ones, else the lowest reduction that applies."""
        for r in sorted(self.raised, key=lambda r: -r.from_months):
            if r.applies(start=start, end=end):
                return r.minimum
        reductions = [r.minimum for r in self.reduced if r.applies(meals=meals, weekly_hours=weekly_hours)]
        return min([self.minimum, *reductions])

    def longest(self, target: TraineeTarget) -> int:
        return {
            TraineeTarget.standard: self.max_months,
            TraineeTarget.disadvantaged: self.max_months_disadvantaged,
            TraineeTarget.disabled: self.max_months_disabled,
        }[target]


def _decimal(region: str, raw: Mapping[str, Any]) -> Decimal:
    value = Decimal(str(raw["minimum_allowance_eur"]))
    if value <= 0:
        raise ValueError(f"{region}: minimum_allowance_eur must be positive")
    return value


def parse_region_rules(document: Mapping[str, Any]) -> dict[str, RegionRule]:
    """The rules file's regions; a malformed entry fails loudly (at start-up, not at the first traineeship)."""
    rules: dict[str, RegionRule] = {}
    for region, raw in document["regions"].items():
        rule = RegionRule(
            region=region, minimum=_decimal(region, raw), min_months=int(raw["min_months"]),
            max_months=int(raw["max_months"]), max_months_disadvantaged=int(raw["max_months_disadvantaged"]),
            max_months_disabled=int(raw["max_months_disabled"]),
            reduced=tuple(Reduction(minimum=_decimal(region, r), meals=r.get("meals"),
                                    max_weekly_hours=r.get("max_weekly_hours")) for r in raw.get("reduced", [])),
            raised=tuple(Raise(minimum=_decimal(region, r), from_months=int(r["from_months"]))
                         for r in raw.get("raised", [])),
            source=str(raw.get("source", "")),
            attendance=parse_attendance(raw, where=f"traineeship_regions.toml: {region}"),
        )
        if not 0 < rule.min_months <= rule.max_months <= rule.max_months_disadvantaged <= rule.max_months_disabled:
            raise ValueError(f"{region}: durations must grow: min <= max <= disadvantaged <= disabled")
        rules[region] = rule
    return rules


def rule_for(rules: Mapping[str, RegionRule], region: str) -> RegionRule:
    """The region's rule, or a violation naming the region when none is on file."""
    try:
        return rules[region]
    except KeyError:
        raise RuleViolation(
            "work_site", "region_without_rules",
            f"no traineeship rules on file for the region {region}: add them to rules/traineeship_regions.toml",
        ) from None


def check_traineeship_terms(
    rule: RegionRule, *, allowance: Decimal, meals: bool, weekly_hours: int, start: date, end: date,
    target: TraineeTarget,
) -> list[RuleViolation]:
    """Every way the terms break the region's rule, each naming the field and the figure."""
    problems: list[RuleViolation] = []
    minimum = rule.minimum_for(meals=meals, weekly_hours=weekly_hours, start=start, end=end)
    if allowance < minimum:
        problems.append(RuleViolation(
            "monthly_allowance_eur", "below_regional_minimum",
            f"{rule.region} requires at least EUR {minimum} a month for this traineeship, not {allowance}",
        ))
    if not lasts_at_least(start, end, rule.min_months):
        problems.append(RuleViolation(
            "end_date", "shorter_than_regional_minimum",
            f"{rule.region} requires at least {rule.min_months} months",
        ))
    longest = rule.longest(target)
    if not lasts_at_most(start, end, longest):
        problems.append(RuleViolation(
            "end_date", "longer_than_regional_maximum",
            f"{rule.region} allows at most {longest} months for a {target.value} trainee",
        ))
    return problems
