"""Courses people attend (Italian, IT basics, vocational training) and what completing one means."""

from __future__ import annotations

from datetime import date

from intake.domain.enums import InterventionKind, ItalianLevel, levels_gained

# Only Italian courses end with a CEFR level.
LEVELLED = frozenset({InterventionKind.italian_course, InterventionKind.italian_for_work_course})


class CourseRuleViolation(ValueError):
    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


def check_dates(start: date, end: date) -> None:
    if end < start:
        raise CourseRuleViolation("end_date", f"end date {end.isoformat()} is before start date {start.isoformat()}")


def check_enrolment(course_end: date, enrolled_on: date) -> None:
    """A person joins a course before it ends (early enrolment, before it starts, is common)."""
    if enrolled_on > course_end:
        raise CourseRuleViolation(
            "enrolled_on", f"{enrolled_on.isoformat()} is after the course ended ({course_end.isoformat()})"
        )


def check_completion(
    kind: InterventionKind, start: date, enrolled_on: date, completed_on: date, level: ItalianLevel | None
) -> None:
    """A course is completed on or after both its start and the person's enrolment (which may come
    before the start, or after it), and only Italian courses give a level."""
    for began, what in ((start, "the course started"), (enrolled_on, "the person was enrolled")):
        if completed_on < began:
            raise CourseRuleViolation(
                "completed_on", f"{completed_on.isoformat()} is before {what} ({began.isoformat()})"
            )
    if level is not None and kind not in LEVELLED:
        raise CourseRuleViolation(
            "level_reached", f"a '{kind}' course gives no CEFR level; only {', '.join(sorted(LEVELLED))} do"
        )


def level_after(before: ItalianLevel, reached: ItalianLevel | None) -> ItalianLevel:
    """The person's Italian level once a course is completed: never lowered by a course."""
    if reached is None or levels_gained(before, reached) <= 0:
        return before
    return reached
