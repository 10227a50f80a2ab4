"""A project's budget as versions by recorded time. An admin's PUT does not overwrite the budget: it
records a new version, whole (its lines replace the previous version's lines, none carried over), and
the old ones are kept. A report as of a past time must set the spending recorded by then against the
budget that was in force then, not against today's; before the first PUT there was no budget at all,
which is not the same as a budget of zero."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shared.errors import RuleViolation, Violations

CENT = Decimal("0.01")


@dataclass(frozen=True)
class BudgetLine:
    work_package: str
    budget_line: str
    amount_eur: Decimal


@dataclass(frozen=True)
class BudgetVersion:
    version: int  # 1, 2, ... per project, in the order they were recorded
    recorded_at: datetime
    lines: tuple[BudgetLine, ...]  # the whole budget of this version, by work package and line

    def total(self) -> Decimal:
        return sum((line.amount_eur for line in self.lines), Decimal(0))


def budget_lines(raw: Sequence[tuple[str, str, Decimal]]) -> tuple[BudgetLine, ...]:
    """One version's lines, checked: each (work package, line) once, an amount of whole cents and not
    negative; in order of work package and line, each to the cent (as the database gives them back)."""
    errors: list[RuleViolation] = []
    seen: set[tuple[str, str]] = set()
    for index, (work_package, line, amount) in enumerate(raw):
        if (work_package, line) in seen:
            errors.append(RuleViolation(f"budget.{index}", "duplicate_budget_line",
                                        f"work package {work_package!r}, budget line {line!r} is given twice"))
        seen.add((work_package, line))
        if not amount.is_finite():
            errors.append(RuleViolation(f"budget.{index}.amount_eur", "finite_amount",
                                        "a budget line is a number of euros"))
        elif amount < 0:
            errors.append(RuleViolation(f"budget.{index}.amount_eur", "not_negative",
                                        "a budget line is an amount of euros of at least 0"))
        elif amount != amount.quantize(CENT):
            errors.append(RuleViolation(f"budget.{index}.amount_eur", "whole_cents",
                                        "a budget line is in euros and cents, at most 2 decimals"))
    Violations.raise_any(errors)
    return in_order(BudgetLine(wp, bl, amount) for wp, bl, amount in raw)


def in_order(lines: Iterable[BudgetLine]) -> tuple[BudgetLine, ...]:
    """Lines as a version keeps them: by work package and line, each amount to the cent."""
    return tuple(sorted((BudgetLine(b.work_package, b.budget_line, b.amount_eur.quantize(CENT)) for b in lines),
                        key=lambda b: (b.work_package, b.budget_line)))


def next_version(latest: BudgetVersion | None, now: datetime, lines: tuple[BudgetLine, ...]) -> BudgetVersion:
    """The version a PUT records: one more than the latest, recorded now, but never before the version
    it replaces (a clock set back must not slip a new budget behind the old one, where a report as of
    a time between them would take the old one for the newer)."""
    if latest is None:
        return BudgetVersion(1, now, lines)
    return BudgetVersion(latest.version + 1, max(now, latest.recorded_at), lines)


def in_force(versions: Iterable[BudgetVersion], as_of: datetime) -> BudgetVersion | None:
    """The version in force at `as_of`: the latest recorded at or before it. None before the first."""
    known = [v for v in versions if v.recorded_at <= as_of]
    return max(known, key=lambda v: (v.recorded_at, v.version), default=None)
