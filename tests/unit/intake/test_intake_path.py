import itertools

import pytest

from intake.domain.path import (
    TERMINAL_STATES,
    ForbiddenTransition,
    PathStatus,
    allowed_targets,
    is_terminal,
    transition,
)

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
    ("interrupted", "in_progress"),
}
STATUSES = [
    "taken_in_charge",
    "plan_agreed",
    "in_progress",
    "autonomy_reached",
    "interrupted",
    "transferred",
]
ALL_PAIRS = list(itertools.product(STATUSES, repeat=2))


def test_the_status_values_are_exactly_the_six_of_the_domain():
    assert sorted(PathStatus) == sorted(STATUSES)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transition_returns_the_target(current, target):
    assert transition(PathStatus(current), PathStatus(target)) is PathStatus(target)


@pytest.mark.parametrize(("current", "target"), [pair for pair in ALL_PAIRS if pair not in ALLOWED])
def test_forbidden_transition_names_from_to_and_allowed(current, target):
    with pytest.raises(ForbiddenTransition) as caught:
        transition(PathStatus(current), PathStatus(target))
    message = str(caught.value)
    assert f"from '{current}' to '{target}'" in message
    expected_allowed = sorted(t for c, t in ALLOWED if c == current)
    if expected_allowed:
        assert message.endswith("allowed: " + ", ".join(expected_allowed))
    else:
        assert message.endswith(f"allowed: none, '{current}' is final")
    assert caught.value.allowed == frozenset(map(PathStatus, expected_allowed))


def test_forbidden_transition_is_a_value_error():
    with pytest.raises(ValueError):
        transition(PathStatus.autonomy_reached, PathStatus.in_progress)


@pytest.mark.parametrize("current", STATUSES)
def test_allowed_targets_match_the_matrix(current):
    assert allowed_targets(PathStatus(current)) == {PathStatus(t) for c, t in ALLOWED if c == current}


def test_terminal_states_are_autonomy_reached_and_transferred():
    assert TERMINAL_STATES == {PathStatus.autonomy_reached, PathStatus.transferred}
    assert [s for s in STATUSES if is_terminal(PathStatus(s))] == ["autonomy_reached", "transferred"]


def test_an_interrupted_path_can_resume_and_then_close():
    status = PathStatus.in_progress
    for target in ("interrupted", "in_progress", "autonomy_reached"):
        status = transition(status, PathStatus(target))
    assert status is PathStatus.autonomy_reached
