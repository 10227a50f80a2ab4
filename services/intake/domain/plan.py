"""The individual plan (piano individuale): goals per area, each with phases and a deadline."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from shared.errors import RuleViolation


class Area(StrEnum):
    work = "work"
    housing = "housing"
    social = "social"


class GoalStatus(StrEnum):
    open = "open"
    met = "met"
    missed = "missed"
    replanned = "replanned"


# A replanned goal is still being pursued, against its new deadline.
STILL_OPEN = frozenset({GoalStatus.open, GoalStatus.replanned})


class PlanRuleViolation(RuleViolation):
    """A plan rule was broken: the offending field, the rule's code, and what was expected in words."""

    def __init__(self, field: str, message: str, *, rule: str) -> None:
        super().__init__(field, rule, message)


@dataclass(frozen=True)
class Phase:
    title: str
    due: date

    def __post_init__(self) -> None:
        _require_text("title", self.title)


@dataclass(frozen=True)
class Goal:
    goal_id: str
    area: Area
    title: str
    deadline: date
    responsible_operator: str
    phases: tuple[Phase, ...] = ()
    status: GoalStatus = GoalStatus.open
    closed_on: date | None = None
    replan_reason: str | None = None

    def __post_init__(self) -> None:
        _require_text("goal_id", self.goal_id)
        _require_text("title", self.title)
        _require_text("responsible_operator", self.responsible_operator)
        check_phases(self.phases, self.deadline)


def check_phases(phases: Iterable[Phase], deadline: date) -> None:
    """Raise PlanRuleViolation unless every phase is due on or before the goal deadline."""
    for index, phase in enumerate(phases):
        if phase.due > deadline:
            raise PlanRuleViolation(
                f"phases[{index}].due",
                f"phase '{phase.title}' is due {phase.due.isoformat()}, after the goal deadline "
                f"{deadline.isoformat()}; phases must fall on or before the deadline", rule="phase_after_deadline",
            )


def not_before_agreement(goals: Sequence[tuple[date, Sequence[date]]], agreed_on: date) -> list[PlanRuleViolation]:
    """Every goal's deadline and every phase of a plan agreed on `agreed_on` (goals as (deadline, phase
    dues), in order) falls on or after that day: a plan runs from its agreement, so nothing in it is
    already due; goals added to it later run from the day they are added, so are held to the same rule on
    that day. Each one broken, named by its place in the request."""
    found = []
    for g, (deadline, dues) in enumerate(goals):
        if deadline < agreed_on:
            found.append(PlanRuleViolation(
                f"goals.{g}.deadline", f"deadline {deadline.isoformat()} is before today ({agreed_on.isoformat()})",
                rule="deadline_in_past"))
        found.extend(PlanRuleViolation(
            f"goals.{g}.phases.{p}.due", f"phase due {due.isoformat()} is before its goal is agreed "
            f"({agreed_on.isoformat()}): a phase falls from its goal's agreement to the goal's deadline",
            rule="phase_in_past") for p, due in enumerate(dues) if due < agreed_on)
    return found


def met(goal: Goal, on: date) -> Goal:
    """The goal marked as met on the given day."""
    _require_still_open(goal, "met")
    return replace(goal, status=GoalStatus.met, closed_on=on)


def missed(goal: Goal) -> Goal:
    """The goal marked as missed."""
    _require_still_open(goal, "missed")
    return replace(goal, status=GoalStatus.missed)


def replan(goal: Goal, new_deadline: date, reason: str) -> Goal:
    """The goal moved to a later deadline, with the reason recorded."""
    _require_still_open(goal, "replanned")
    if new_deadline <= goal.deadline:
        raise PlanRuleViolation(
            "new_deadline",
            f"new deadline {new_deadline.isoformat()} must be after the current deadline {goal.deadline.isoformat()}",
            rule="deadline_not_later",
        )
    _require_text("reason", reason)
    return replace(goal, status=GoalStatus.replanned, deadline=new_deadline, replan_reason=reason.strip())


def _require_still_open(goal: Goal, outcome: str) -> None:
    if goal.status not in STILL_OPEN:
        raise PlanRuleViolation(
            "status",
            f"goal is '{goal.status}'; only an open or replanned goal can be {outcome}", rule="goal_closed",
        )


def _require_text(field: str, value: str) -> None:
    if not value or not value.strip():
        raise PlanRuleViolation(field, "must not be blank", rule="blank")
