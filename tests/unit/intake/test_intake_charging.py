"""The day rules of what is charged to a project: the project's dates, the course's end, the closed path."""

from datetime import date

import pytest

from intake.domain.courses import CourseRuleViolation, check_completion, check_enrolment
from intake.domain.enums import InterventionKind
from intake.domain.path import ClosedPath, PathStatus, check_open_on
from intake.domain.projects import ProjectRuleViolation, check_runs_on

pytestmark = pytest.mark.unit

START, END = date(2026, 1, 1), date(2027, 12, 31)


@pytest.mark.parametrize("on", [START, date(2026, 6, 1), END])
def test_a_day_within_the_project_including_its_first_and_last(on):
    check_runs_on("FAMI-1", START, END, on, "date")


@pytest.mark.parametrize("on", [date(2025, 12, 31), date(2028, 1, 1)])
def test_a_day_outside_the_project_names_the_field_the_project_and_its_dates(on):
    with pytest.raises(ProjectRuleViolation) as caught:
        check_runs_on("FAMI-1", START, END, on, "enrolled_on")
    assert caught.value.field == "enrolled_on"
    assert all(text in caught.value.message for text in ("FAMI-1", "2026-01-01", "2027-12-31", on.isoformat()))


@pytest.mark.parametrize("status", [PathStatus.autonomy_reached, PathStatus.transferred])
def test_a_closed_path_takes_activities_up_to_the_day_it_closed_only(status):
    closed = date(2026, 5, 10)
    check_open_on(status, closed, closed)
    check_open_on(status, closed, date(2026, 1, 2))
    with pytest.raises(ClosedPath, match=f"closed as '{status}' on 2026-05-10"):
        check_open_on(status, closed, date(2026, 5, 11))


@pytest.mark.parametrize("status", [s for s in PathStatus if s not in (PathStatus.autonomy_reached,
                                                                       PathStatus.transferred)])
def test_open_and_interrupted_paths_take_activities_on_any_day(status):
    check_open_on(status, date(2026, 5, 10), date(2026, 9, 1))


def test_an_enrolment_comes_before_the_course_ends_early_ones_welcome():
    check_enrolment(date(2026, 3, 1), date(2026, 3, 1))
    check_enrolment(date(2026, 3, 1), date(2025, 12, 1))
    with pytest.raises(CourseRuleViolation) as caught:
        check_enrolment(date(2026, 3, 1), date(2026, 3, 2))
    assert caught.value.field == "enrolled_on"


@pytest.mark.parametrize(("enrolled_on", "completed_on", "said"), [
    (date(2026, 2, 1), date(2026, 2, 28), "before the course started (2026-03-01)"),
    (date(2026, 3, 10), date(2026, 3, 9), "before the person was enrolled (2026-03-10)"),
])
def test_a_completion_comes_on_or_after_both_the_course_start_and_the_enrolment(enrolled_on, completed_on, said):
    start, kind = date(2026, 3, 1), InterventionKind.it_course
    check_completion(kind, start, enrolled_on, max(start, enrolled_on), None)
    with pytest.raises(CourseRuleViolation) as caught:
        check_completion(kind, start, enrolled_on, completed_on, None)
    assert caught.value.field == "completed_on" and said in caught.value.message
