"""Importing a caseload's courses and enrolments: one row per enrolment, each repeating its course's
columns (a course without enrolments is a row without a person). A course is created at its first
row, charged to a project of the organisation and within its dates; later rows of the same course
must agree with it. Each enrolment (and completion) meets the rules a new one does, for a person
imported before. All stored together with their events, or none; the course's reference, and one
enrolment per person and course, make a second import record nothing twice."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import uuid4

from intake.adapters import repository_activities
from intake.adapters.vault import Vault
from intake.domain.courses import check_completion, check_enrolment, level_after
from intake.domain.enums import InterventionKind, ItalianLevel, levels_gained
from intake.domain.importing import CellError
from intake.service_layer.chargeable import check_chargeable, check_project_runs
from intake.service_layer.errors import RuleViolation
from intake.service_layer.importing import ImportReport, all_or_none
from intake.service_layer.interventions import amount
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared import outbox
from shared.auth import Principal
from shared.events.codec import envelope_for
from shared.events.contracts import CourseCompleted, CourseEnrolled
from shared.events.envelope import EventPayload
from shared.telemetry import current_carrier
from shared.topics import INTAKE_EVENTS

COURSE_FIELDS = ("kind", "title", "project_id", "start_date", "end_date", "hours")


@dataclass(frozen=True)
class CourseRow:
    row: int
    reference: str | None
    person_reference: str | None
    course: Any | None  # CourseIn
    enrolment: Any | None  # enrolled_on, completed_on, level_reached
    errors: list[CellError] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, error: CellError) -> None:
        self.error = error


async def import_courses(uow: IntakeUnitOfWork, vault: Vault, principal: Principal,
                         rows: Iterable[CourseRow], *,
                         dry_run: bool, today: date) -> ImportReport:
    report = ImportReport("courses", dry_run)
    courses: dict[bytes, tuple[int, dict[str, Any], Any]] = {}  # reference -> (first row, fields, course row)
    carrier = current_carrier()
    async with all_or_none(uow, report):
        for r in rows:
            outcome = report.add(r.row, r.reference, r.errors)
            if r.course is None or r.reference is None or outcome.errors:
                continue
            try:
                course, created = await _course(uow, vault, principal, r, courses)
                events = await _enrolment(uow, vault, principal, r, course, today)
            except (_Refused, RuleViolation) as exc:
                outcome.errors.append(exc.error if isinstance(exc, _Refused)
                                      else CellError(exc.field, exc.field, exc.rule, exc.message))
                continue
            outcome.outcome = "new" if created or events else "already_imported"
            if events:
                outcome.beneficiary_id = events[0][0]
            if not dry_run and report.valid:
                await uow.caseload.events([outbox.record_for(envelope_for(
                    e, beneficiary_id=person, organisation_id=principal.organisation_id, producer="intake",
                    project_id=course["project_id"]), INTAKE_EVENTS.name, carrier) for person, e in events])
    return report


async def _course(uow: IntakeUnitOfWork, vault: Vault, principal: Principal, r: CourseRow,
                  courses: dict[bytes, tuple[int, dict[str, Any], Any]]) -> tuple[Any, bool]:
    """(the row's course, whether this row creates it). The course is created (inside the import's
    transaction, also for a dry run, which rolls back) at its first row."""
    data = r.course
    assert data is not None
    fields = {f: getattr(data, f) for f in COURSE_FIELDS}
    index = vault.blind_index("course_reference", r.reference or "")
    if index in courses:
        first, known, course = courses[index]
        differing = [f for f in COURSE_FIELDS if fields[f] != known[f]]
        if differing:
            raise _Refused(CellError(differing[0], f"course.{differing[0]}", "course_differs",
                                     f"the course's {', '.join(differing)} differ from row {first}"))
        return course, False
    org = principal.organisation_id
    course = await uow.caseload.course_by_reference(organisation_id=org, index=index)
    created = course is None
    if created:
        if await uow.projects.not_visible(organisation_id=org, codes=[data.project_id]):
            raise _Refused(CellError("project_id", "course.project_id", "unknown_project",
                                     f"no project '{data.project_id}' led by or partnered with your organisation"))
        await check_project_runs(uow, principal, data.project_id,
                                 {"start_date": data.start_date, "end_date": data.end_date})
        course_id = uuid4()
        await uow.activities.insert_course(repository_activities.NewCourse(
            course_id=course_id, organisation_id=org, kind=data.kind.value, title=data.title,
            project_id=data.project_id, start_date=data.start_date, end_date=data.end_date, hours=data.hours,
            created_by=principal.subject))
        await uow.caseload.set_course_reference(course_id=course_id, index=index)
        course = await uow.activities.course(organisation_id=org, course_id=course_id)
    courses[index] = (r.row, fields, course)
    return course, created


async def _enrolment(uow: IntakeUnitOfWork, vault: Vault, principal: Principal, r: CourseRow, course: Any,
                     today: date) -> list[tuple[Any, EventPayload]]:
    """The row's enrolment (and completion) with their events; none when the row has no person or the
    person was enrolled already."""
    if r.person_reference is None:
        return []
    index = vault.blind_index("reference", r.person_reference)
    person = (await uow.caseload.people_by_reference(
        organisation_id=principal.organisation_id, indexes=[index])).get(index)
    if person is None or person["erased_at"] is not None:
        raise _Refused(CellError("person_reference", "person_reference", "unknown_person",
                                 f"no person with reference '{r.person_reference}' in your organisation"))
    if course["project_id"] not in person["project_ids"]:
        raise _Refused(CellError("person_reference", "person_reference", "project_not_enrolled",
                                 f"the person is not in project '{course['project_id']}'"))
    e = r.enrolment
    enrolled_on = (e.enrolled_on if e else None) or course["start_date"]
    check_enrolment(course["end_date"], enrolled_on)
    await check_chargeable(uow, principal, person, course["project_id"], enrolled_on, field="enrolled_on")
    beneficiary_id = person["beneficiary_id"]
    if not await uow.activities.enrol(course_id=course["course_id"], beneficiary_id=beneficiary_id,
                                             enrolled_on=enrolled_on, enrolled_by=principal.subject):
        return []  # enrolled by an earlier import of this file
    hours = amount(course["hours"])
    events: list[tuple[Any, EventPayload]] = [(beneficiary_id, CourseEnrolled(
        course_id=course["course_id"], kind=course["kind"], project_id=course["project_id"], enrolled_on=enrolled_on,
        start_date=course["start_date"], end_date=course["end_date"], hours=hours))]
    if e is None or e.completed_on is None:
        return events
    kind, reached = InterventionKind(course["kind"]), e.level_reached
    check_completion(kind, course["start_date"], enrolled_on, e.completed_on, reached)
    await check_chargeable(uow, principal, person, course["project_id"], e.completed_on, field="completed_on")
    before = ItalianLevel(person["italian_level"])
    await uow.activities.complete(
        course_id=course["course_id"], beneficiary_id=beneficiary_id, completed_on=e.completed_on,
        level_before=before.value if reached else None, level_reached=reached.value if reached else None,
        recorded_by=principal.subject)
    after = level_after(before, reached)
    if after != before:
        await uow.people.set_italian_level(beneficiary_id=beneficiary_id, level=after.value)
    events.append((beneficiary_id, CourseCompleted(
        course_id=course["course_id"], kind=kind.value, project_id=course["project_id"], completed_on=e.completed_on,
        hours=hours, level_before=before.value if reached else None,
        level_reached=reached.value if reached else None,
        levels_gained=levels_gained(before, reached) if reached else None)))
    return events
