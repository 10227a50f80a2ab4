"""The status of a person's path to autonomy and the moves it may make."""

from __future__ import annotations

from datetime import date

from shared.errors import Conflict
from shared.events.contracts import vocabulary as _vocabulary

# The statuses and reason categories are the wire's own (shared.events.contracts.vocabulary).
PathStatus = _vocabulary.PathStatus


# People leave before their plan starts (they move to another city, another reception centre
# takes them, or they simply stop coming), so a path can be interrupted or transferred from
# taken_in_charge and plan_agreed too, not only once it is in progress. An interrupted path resumes
# where it really can be: see resume_target.
ALLOWED_TRANSITIONS: dict[PathStatus, frozenset[PathStatus]] = {
    PathStatus.taken_in_charge: frozenset({PathStatus.plan_agreed, PathStatus.interrupted, PathStatus.transferred}),
    PathStatus.plan_agreed: frozenset({PathStatus.in_progress, PathStatus.interrupted, PathStatus.transferred}),
    PathStatus.in_progress: frozenset({PathStatus.autonomy_reached, PathStatus.interrupted, PathStatus.transferred}),
    PathStatus.interrupted: frozenset({PathStatus.in_progress, PathStatus.taken_in_charge}),
    PathStatus.autonomy_reached: frozenset(),
    PathStatus.transferred: frozenset(),
}

TERMINAL_STATES = frozenset(status for status, targets in ALLOWED_TRANSITIONS.items() if not targets)


def resume_target(*, has_plan: bool) -> PathStatus:
    """Where an interrupted path resumes. A path is in progress only on an agreed plan, so without
    one it goes back to taken_in_charge, the only status held before an interruption without a plan."""
    return PathStatus.in_progress if has_plan else PathStatus.taken_in_charge


class ForbiddenTransition(ValueError):
    """The path cannot move from its current status to the requested one; `reason` says why."""

    def __init__(self, current: PathStatus, target: PathStatus, allowed: frozenset[PathStatus], reason: str) -> None:
        allowed_text = ", ".join(sorted(allowed)) if allowed else f"none, '{current}' is final"
        super().__init__(f"path cannot move from '{current}' to '{target}' ({reason}); allowed: {allowed_text}")
        self.current = current
        self.target = target
        self.allowed = allowed
        self.reason = reason


def allowed_targets(current: PathStatus, *, has_plan: bool) -> frozenset[PathStatus]:
    """The statuses a path in the current status may move to, given whether a plan was agreed."""
    if current is PathStatus.interrupted:
        return frozenset({resume_target(has_plan=has_plan)})
    return ALLOWED_TRANSITIONS[current]


def is_terminal(status: PathStatus) -> bool:
    """True when no move leaves this status."""
    return status in TERMINAL_STATES


def transition(current: PathStatus, target: PathStatus, *, has_plan: bool) -> PathStatus:
    """The new status, or ForbiddenTransition naming the allowed targets and why."""
    allowed = allowed_targets(current, has_plan=has_plan)
    if target not in allowed:
        raise ForbiddenTransition(current, target, allowed, _why_not(current, has_plan=has_plan))
    return target


def _why_not(current: PathStatus, *, has_plan: bool) -> str:
    if is_terminal(current):
        return "a final status: nothing follows it"
    if current is PathStatus.interrupted and has_plan:
        return "an interrupted path with an agreed plan resumes to 'in_progress'"
    if current is PathStatus.interrupted:
        return ("no plan was agreed, so the path resumes to 'taken_in_charge', where it was before the "
                "interruption; it is in progress only once a plan is agreed")
    return "the path model does not allow this move"


class ClosedPath(ValueError):
    """An activity dated after the person's path was closed."""


def check_open_on(status: PathStatus, closed_on: date | None, on: date) -> None:
    """Activities (interventions, course enrolments) may be dated on or before the day a path was
    closed (autonomy_reached, transferred): operators often record last week's work after closing,
    and funders count it. After that day the person is no longer this organisation's to follow (a
    transferred person is another service's), so nothing more is charged. An interrupted path is not
    closed: it may resume (domain.md), and reaching out to the person, or helping them when they come
    back before the path is formally resumed, is work an operator records and a funder counts."""
    if is_terminal(status) and closed_on is not None and on > closed_on:
        raise ClosedPath(
            f"{on.isoformat()} is after the path was closed as '{status}' on {closed_on.isoformat()}: "
            "only activities up to that day can be recorded"
        )


# Only agreeing a plan moves a path to plan_agreed: a plan_agreed path without a plan would mislead.
REACHED_BY_PLAN = PathStatus.plan_agreed

# A plan is revised as needs emerge (reception ends: a housing goal) while it is being followed.
GOALS_ADDED_WHILE = frozenset({PathStatus.plan_agreed, PathStatus.in_progress})


def check_goals_can_be_added(status: PathStatus, *, has_plan: bool) -> None:
    """Goals are added to an agreed plan while the path follows it; otherwise a Conflict naming why."""
    if status in GOALS_ADDED_WHILE and has_plan:
        return
    if not has_plan:
        rule, why = "no_plan_agreed", "no plan was agreed yet: agree one first (POST .../plan), with these goals"
    elif is_terminal(status):
        rule, why = "path_closed", f"the path was closed as '{status}': its plan takes no more goals"
    else:
        rule, why = "path_interrupted", "the path is interrupted: resume it (to 'in_progress') before adding goals"
    raise Conflict(f"goals cannot be added while the path is '{status}': {why}", rule=rule,
                   path_status=status.value, allowed=sorted(GOALS_ADDED_WHILE))


ReasonCategory = _vocabulary.ReasonCategory
