"""Commands for courses, enrolments, completions, and the erasure of a person."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from uuid import UUID

from pydantic import Field, ValidationInfo, field_validator

from intake.domain.courses import CourseRuleViolation, check_dates
from intake.domain.enums import COURSE_KINDS, InterventionKind, ItalianLevel
from intake.service_layer.commands_common import InputModel, LongText, PastDate, Text, rule_error


class CourseIn(InputModel):
    kind: InterventionKind
    title: Text
    project_id: Text
    start_date: dt.date
    end_date: dt.date
    hours: Decimal = Field(gt=0, le=5000, max_digits=7, decimal_places=2)

    @field_validator("kind")
    @classmethod
    def _a_course_kind(cls, value: InterventionKind) -> InterventionKind:
        if value not in COURSE_KINDS:
            kinds = ", ".join(sorted(COURSE_KINDS))
            raise rule_error("not_a_course_kind", f"'{value}' is not a course; use one of {kinds}")
        return value

    @field_validator("end_date")
    @classmethod
    def _not_before_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start_date")
        if start is not None:
            try:
                check_dates(start, value)
            except CourseRuleViolation as exc:
                raise rule_error(exc.rule, exc.message) from exc
        return value


class EnrolmentIn(InputModel):
    beneficiary_id: UUID
    # Today unless given: an enrolment recorded late keeps the day it happened.
    enrolled_on: PastDate | None = None


class CompletionIn(InputModel):
    beneficiary_id: UUID
    completed_on: PastDate
    level_reached: ItalianLevel | None = None


class ErasureIn(InputModel):
    """Why the person's data is destroyed (e.g. 'art. 17 request of 3 March'): kept for accountability,
    so write the reason, not the person's name."""

    reason: LongText
