import itertools

import pytest

from intake.domain.path import (
    TERMINAL_STATES,
    ForbiddenTransition,
    PathStatus,
    allowed_targets,
    check_goals_can_be_added,
    is_terminal,
    resume_target,
    transition,
)
from shared.errors import Conflict

pytestmark = pytest.mark.unit

# Written out by hand from the brief, independently of the module's table.
ALLOWED = {
    ("taken_in_charge", "plan_agreed"),
    ("taken_in_charge", "interrupted"),
    ("taken_in_charge", "transferred"),
    ("plan_agreed", "in_progress"),
    ("plan_agreed", "interrupted"),
    ("plan_agreed", "transferred"),
    ("in_progress", "autonomy_reached"),
    ("in_progress", "interrupted"),
    ("in_progress", "transferred"),
}
# An interrupted path resumes where it can really be: in progress on an agreed plan, else back to intake.
RESUME = {True: "in_progress", False: "taken_in_charge"}


def allowed_pairs(has_plan: bool) -> set[tuple[str, str]]:
    return ALLOWED | {("interrupted", RESUME[has_plan])}
STATUSES = [
    "taken_in_charge",
    "plan_agreed",
    "in_progress",
    "autonomy_reached",
    "interrupted",
    "transferred",
]
ALL_PAIRS = list(itertools.product(STATUSES, repeat=2))
PLAN = [True, False]


def test_the_status_values_are_exactly_the_six_of_the_domain():
    assert sorted(PathStatus) == sorted(STATUSES)


@pytest.mark.parametrize("has_plan", PLAN)
@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transition_returns_the_target(current, target, has_plan):
    assert transition(PathStatus(current), PathStatus(target), has_plan=has_plan) is PathStatus(target)


@pytest.mark.parametrize(("has_plan", "current", "target"),
                         [(p, c, t) for p in PLAN for c, t in ALL_PAIRS if (c, t) not in allowed_pairs(p)])
def test_forbidden_transition_names_from_to_allowed_and_why(current, target, has_plan):
    allowed = allowed_pairs(has_plan)
    with pytest.raises(ForbiddenTransition) as caught:
        transition(PathStatus(current), PathStatus(target), has_plan=has_plan)
    message = str(caught.value)
    assert f"from '{current}' to '{target}'" in message
    expected_allowed = sorted(t for c, t in allowed if c == current)
    if expected_allowed:
        assert message.endswith("allowed: " + ", ".join(expected_allowed))
    else:
        assert message.endswith(f"allowed: none, '{current}' is final")
        assert "final" in caught.value.reason
    assert caught.value.allowed == frozenset(map(PathStatus, expected_allowed))
    assert caught.value.reason in message


def test_forbidden_transition_is_a_value_error():
    with pytest.raises(ValueError):
        transition(PathStatus.autonomy_reached, PathStatus.in_progress, has_plan=True)


@pytest.mark.parametrize("has_plan", PLAN)
@pytest.mark.parametrize("current", STATUSES)
def test_allowed_targets_match_the_matrix(current, has_plan):
    expected = {PathStatus(t) for c, t in allowed_pairs(has_plan) if c == current}
    assert allowed_targets(PathStatus(current), has_plan=has_plan) == expected


def test_terminal_states_are_autonomy_reached_and_transferred():
    assert TERMINAL_STATES == {PathStatus.autonomy_reached, PathStatus.transferred}
    assert [s for s in STATUSES if is_terminal(PathStatus(s))] == ["autonomy_reached", "transferred"]


def test_an_interrupted_path_with_a_plan_can_resume_and_then_close():
    status = PathStatus.in_progress
    for target in ("interrupted", "in_progress", "autonomy_reached"):
        status = transition(status, PathStatus(target), has_plan=True)
    assert status is PathStatus.autonomy_reached


def test_an_interrupted_path_without_a_plan_never_reaches_in_progress():
    status = transition(PathStatus.taken_in_charge, PathStatus.interrupted, has_plan=False)
    with pytest.raises(ForbiddenTransition) as caught:
        transition(status, PathStatus.in_progress, has_plan=False)
    assert caught.value.allowed == {PathStatus.taken_in_charge}
    assert "no plan was agreed" in caught.value.reason
    assert transition(status, PathStatus.taken_in_charge, has_plan=False) is PathStatus.taken_in_charge
    assert resume_target(has_plan=False) is PathStatus.taken_in_charge
    assert resume_target(has_plan=True) is PathStatus.in_progress


def test_an_interrupted_path_with_a_plan_does_not_go_back_to_intake():
    with pytest.raises(ForbiddenTransition) as caught:
        transition(PathStatus.interrupted, PathStatus.taken_in_charge, has_plan=True)
    assert caught.value.allowed == {PathStatus.in_progress}
    assert "agreed plan" in caught.value.reason


@pytest.mark.parametrize(("status", "has_plan", "rule"), [
    ("plan_agreed", True, None), ("in_progress", True, None),
    ("taken_in_charge", False, "no_plan_agreed"), ("interrupted", False, "no_plan_agreed"),
    ("interrupted", True, "path_interrupted"),
    ("autonomy_reached", True, "path_closed"), ("transferred", True, "path_closed"),
    ("transferred", False, "no_plan_agreed"),
])
def test_goals_are_added_only_to_an_agreed_plan_being_followed(status, has_plan, rule):
    if rule is None:
        check_goals_can_be_added(PathStatus(status), has_plan=has_plan)
        return
    with pytest.raises(Conflict) as refused:
        check_goals_can_be_added(PathStatus(status), has_plan=has_plan)
    assert refused.value.rule == rule
    assert refused.value.extra == {"path_status": status, "allowed": ["in_progress", "plan_agreed"]}
    assert status in refused.value.detail
