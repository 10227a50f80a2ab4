"""Courses people attend (Italian, IT basics, vocational training) and what completing one means."""

from __future__ import annotations

from datetime import date

from intake.domain.enums import InterventionKind, ItalianLevel, levels_gained
from shared.errors import RuleViolation

# Only Italian courses end with a CEFR level.
LEVELLED = frozenset({InterventionKind.italian_course, InterventionKind.italian_for_work_course})


class CourseRuleViolation(RuleViolation):
    """A course rule was broken: the offending field, the rule's code, and what was expected in words."""

    def __init__(self, field: str, message: str, *, rule: str) -> None:
        super().__init__(field, rule, message)


def check_dates(start: date, end: date) -> None:
    if end < start:
        raise CourseRuleViolation("end_date", f"end date {end.isoformat()} is before start date {start.isoformat()}",
                                  rule="end_before_start")


def check_enrolment(course_end: date, enrolled_on: date) -> None:
    """A person joins a course before it ends (early enrolment, before it starts, is common)."""
    if enrolled_on > course_end:
        raise CourseRuleViolation(
            "enrolled_on", f"{enrolled_on.isoformat()} is after the course ended ({course_end.isoformat()})",
            rule="enrolled_after_course",
        )


def check_completion(
    kind: InterventionKind, start: date, enrolled_on: date, completed_on: date, level: ItalianLevel | None
) -> None:
    """A course is completed on or after both its start and the person's enrolment (which may come
    before the start, or after it), and only Italian courses give a level."""
    for began, what in ((start, "the course started"), (enrolled_on, "the person was enrolled")):
        if completed_on < began:
            raise CourseRuleViolation(
                "completed_on", f"{completed_on.isoformat()} is before {what} ({began.isoformat()})",
                rule="completion_rule",
            )
    if level is not None and kind not in LEVELLED:
        raise CourseRuleViolation(
            "level_reached", f"a '{kind}' course gives no CEFR level; only {', '.join(sorted(LEVELLED))} do",
            rule="completion_rule",
        )


def level_after(before: ItalianLevel, reached: ItalianLevel | None) -> ItalianLevel:
    """The person's Italian level once a course is completed: never lowered by a course."""
    if reached is None or levels_gained(before, reached) <= 0:
        return before
    return reached
