from datetime import date

import pytest

from intake.domain.plan import (
    Area,
    Goal,
    GoalStatus,
    Phase,
    PlanRuleViolation,
    check_phases,
    met,
    missed,
    not_before_agreement,
    replan,
)

pytestmark = pytest.mark.unit

DEADLINE = date(2025, 6, 30)


def goal(status: GoalStatus = GoalStatus.open, **changes) -> Goal:
    fields = dict(
        goal_id="g-1",
        area=Area.work,
        title="Find a traineeship in hospitality",
        deadline=DEADLINE,
        responsible_operator="op-7",
        phases=(Phase("CV writing", date(2025, 3, 1)), Phase("Interviews", DEADLINE)),
        status=status,
    )
    return Goal(**(fields | changes))


def violation(call) -> PlanRuleViolation:
    with pytest.raises(PlanRuleViolation) as caught:
        call()
    return caught.value


def test_values_of_the_enumerations():
    assert [a.value for a in Area] == ["work", "housing", "social"]
    assert [s.value for s in GoalStatus] == ["open", "met", "missed", "replanned"]


def test_phase_on_the_deadline_is_accepted():
    assert goal().phases[-1].due == DEADLINE


def test_phase_after_the_deadline_is_rejected_naming_the_phase():
    late = (Phase("CV", date(2025, 3, 1)), Phase("Interviews", date(2025, 7, 1)))
    error = violation(lambda: goal(phases=late))
    assert error.field == "phases[1].due"
    assert "after the goal deadline 2025-06-30" in error.message
    assert str(error).startswith("phases[1].due: phase 'Interviews' is due 2025-07-01")


def test_check_phases_accepts_no_phases():
    check_phases((), DEADLINE)  # no exception is the assertion


@pytest.mark.parametrize("field", ["goal_id", "title", "responsible_operator"])
def test_blank_text_fields_are_rejected(field):
    error = violation(lambda: goal(**{field: "  "}))
    assert (error.field, error.message) == (field, "must not be blank")


def test_blank_phase_title_is_rejected():
    assert violation(lambda: Phase(" ", DEADLINE)).field == "title"


@pytest.mark.parametrize("status", [GoalStatus.open, GoalStatus.replanned])
def test_open_or_replanned_goal_can_be_met(status):
    done = met(goal(status), date(2025, 5, 2))
    assert (done.status, done.closed_on) == (GoalStatus.met, date(2025, 5, 2))


@pytest.mark.parametrize("status", [GoalStatus.open, GoalStatus.replanned])
def test_open_or_replanned_goal_can_be_missed(status):
    assert missed(goal(status)).status is GoalStatus.missed


@pytest.mark.parametrize("status", [GoalStatus.met, GoalStatus.missed])
@pytest.mark.parametrize("outcome", ["met", "missed", "replanned"])
def test_closed_goal_cannot_change_outcome(status, outcome):
    calls = {
        "met": lambda g: met(g, date(2025, 5, 2)),
        "missed": missed,
        "replanned": lambda g: replan(g, date(2025, 12, 31), "new course"),
    }
    error = violation(lambda: calls[outcome](goal(status)))
    assert error.field == "status"
    assert error.message == f"goal is '{status}'; only an open or replanned goal can be {outcome}"
    assert error.rule == "goal_closed"


@pytest.mark.parametrize("status", [GoalStatus.open, GoalStatus.replanned])
def test_replan_moves_the_deadline_and_keeps_the_reason(status):
    moved = replan(goal(status), date(2025, 9, 30), "  course starts later ")
    assert (moved.status, moved.deadline, moved.replan_reason) == (
        GoalStatus.replanned,
        date(2025, 9, 30),
        "course starts later",
    )
    assert moved.goal_id == "g-1"


@pytest.mark.parametrize("new_deadline", [DEADLINE, date(2025, 6, 29), date(2024, 1, 1)])
def test_replan_needs_a_later_deadline(new_deadline):
    error = violation(lambda: replan(goal(), new_deadline, "reason"))
    assert error.field == "new_deadline"
    assert error.message == (f"new deadline {new_deadline.isoformat()} must be after the current deadline 2025-06-30")


def test_replan_one_day_later_is_enough():
    assert replan(goal(), date(2025, 7, 1), "reason").deadline == date(2025, 7, 1)


def test_replan_needs_a_reason():
    error = violation(lambda: replan(goal(), date(2025, 9, 30), " "))
    assert (error.field, error.message) == ("reason", "must not be blank")


def test_the_original_goal_is_not_changed():
    original = goal()
    met(original, date(2025, 5, 2))
    assert original.status is GoalStatus.open


def test_a_plan_runs_from_its_agreement_so_nothing_in_it_is_due_before():
    agreed = date(2025, 3, 1)
    goals = [(DEADLINE, [date(2025, 3, 1), date(2025, 2, 28)]), (date(2025, 2, 1), []), (agreed, [agreed])]
    found = [(v.field, v.rule) for v in not_before_agreement(goals, agreed)]
    assert found == [("goals.0.phases.1.due", "phase_in_past"), ("goals.1.deadline", "deadline_in_past")]
    assert not_before_agreement([(DEADLINE, [date(2025, 3, 2)])], agreed) == []
