"""Courses (Italian, IT basics, vocational training): created per organisation and project,
people enrolled and their completions recorded, each with its event."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from intake.adapters import repository_activities
from intake.domain.courses import check_completion, check_enrolment, level_after
from intake.domain.enums import InterventionKind, ItalianLevel, levels_gained
from intake.service_layer import projects
from intake.service_layer.chargeable import check_chargeable, check_project_runs
from intake.service_layer.commands_courses import CompletionIn, CourseIn, EnrolmentIn
from intake.service_layer.errors import Conflict, NotFound, RuleViolation
from intake.service_layer.interventions import amount
from intake.service_layer.person import emit, locked_person
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.events.contracts import CourseCompleted, CourseEnrolled
from shared.repository import Row


async def create(uow: IntakeUnitOfWork, principal: Principal, data: CourseIn) -> UUID:
    """A course charged to a project the caller's organisation leads or is a partner in, held within
    the project's dates."""
    course_id = uuid4()
    async with uow:
        await projects.refuse_unknown(uow, principal, {"project_id": data.project_id})
        await check_project_runs(uow, principal, data.project_id,
                                 {"start_date": data.start_date, "end_date": data.end_date})
        await uow.activities.insert_course(repository_activities.NewCourse(
            course_id=course_id, organisation_id=principal.organisation_id, kind=data.kind.value, title=data.title,
            project_id=data.project_id, start_date=data.start_date, end_date=data.end_date, hours=data.hours,
            created_by=principal.subject,
        ))
    return course_id


async def enrol(
    uow: IntakeUnitOfWork, principal: Principal, course_id: UUID, data: EnrolmentIn, *, today: date
) -> CourseEnrolled:
    """Enrol the person on `enrolled_on` (today unless given): a day the course's project runs, not after
    the course ended, and not after the person's path was closed."""
    enrolled_on = data.enrolled_on or today
    async with uow:
        course = await _course(uow, principal, course_id)
        person = await locked_person(uow, principal, data.beneficiary_id)
        if course["project_id"] not in person["project_ids"]:
            raise RuleViolation("beneficiary_id", "project_not_enrolled",
                             f"the person is not in project '{course['project_id']}', which this course is charged to")
        check_enrolment(course["end_date"], enrolled_on)  # raises the domain's RuleViolation
        await check_chargeable(uow, principal, person, course["project_id"], enrolled_on, field="enrolled_on")
        if not await uow.activities.enrol(course_id=course_id, beneficiary_id=data.beneficiary_id,
                                                 enrolled_on=enrolled_on, enrolled_by=principal.subject):
            raise Conflict(f"beneficiary {data.beneficiary_id} is enrolled in course {course_id} already",
                           rule="already_enrolled")
        event = CourseEnrolled(
            course_id=course_id, kind=course["kind"], project_id=course["project_id"], enrolled_on=enrolled_on,
            start_date=course["start_date"], end_date=course["end_date"], hours=amount(course["hours"]),
        )
        emit(uow, principal, person, event, project_id=course["project_id"])
    return event


async def complete(
    uow: IntakeUnitOfWork, principal: Principal, course_id: UUID, data: CompletionIn
) -> CourseCompleted:
    """Record a completion dated on or after the course's start and the person's enrolment, on a day the
    course's project runs and not after the person's path was closed; an Italian course's level raises
    the person's level, never lowers it."""
    async with uow:
        course = await _course(uow, principal, course_id)
        person = await locked_person(uow, principal, data.beneficiary_id)
        enrolled_on = await uow.activities.enrolled_on(course_id=course_id, beneficiary_id=data.beneficiary_id)
        if enrolled_on is None:
            raise Conflict(f"beneficiary {data.beneficiary_id} is not enrolled in course {course_id}",
                           rule="not_enrolled")
        kind = InterventionKind(course["kind"])
        check_completion(kind, course["start_date"], enrolled_on, data.completed_on, data.level_reached)
        await check_chargeable(uow, principal, person, course["project_id"], data.completed_on, field="completed_on")
        before = ItalianLevel(person["italian_level"])
        reached = data.level_reached
        if not await uow.activities.complete(
            course_id=course_id, beneficiary_id=data.beneficiary_id, completed_on=data.completed_on,
            level_before=before.value if reached else None, level_reached=reached.value if reached else None,
            recorded_by=principal.subject,
        ):
            raise Conflict(f"beneficiary {data.beneficiary_id} completed course {course_id} already",
                           rule="already_completed")
        after = level_after(before, reached)
        if after != before:
            await uow.people.set_italian_level(beneficiary_id=data.beneficiary_id, level=after.value)
        event = CourseCompleted(
            course_id=course_id, kind=kind.value, project_id=course["project_id"], completed_on=data.completed_on,
            hours=amount(course["hours"]), level_before=before.value if reached else None,
            level_reached=reached.value if reached else None,
            levels_gained=levels_gained(before, reached) if reached else None,
        )
        emit(uow, principal, person, event, project_id=course["project_id"])
    return event


async def _course(uow: IntakeUnitOfWork, principal: Principal, course_id: UUID) -> Row:
    course = await uow.activities.course(organisation_id=principal.organisation_id, course_id=course_id)
    if course is None:
        raise NotFound(f"no course {course_id} in your organisation", field="course_id")
    return course
