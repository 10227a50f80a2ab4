"""Intake's unit of work on PostgreSQL: one connection and its transaction, intake's repositories on
it, and the events of the work written to intake's outbox topic at commit.

Each repository lists the SQL functions of its adapter module (which take the connection first) as
methods bound to the unit of work's connection, so the SQL stays in one place and the service layer
never sees a connection."""

from __future__ import annotations

import asyncpg

from intake.adapters import (
    repository,
    repository_activities,
    repository_audit,
    repository_caseload,
    repository_consent,
    repository_corrections,
    repository_path,
    repository_projects,
)
from shared import outbox
from shared.repository import Repository, bound
from shared.topics import INTAKE_EVENTS
from shared.uow import PostgresUnitOfWork

PRODUCER = "intake"


class People(Repository):
    """Beneficiaries, their keys, the audit log of reads, erasures."""

    lock_identity = bound(repository.lock_identity)
    lock_identity_and_find_unknown_projects = bound(repository.lock_identity_and_find_unknown_projects)
    find_duplicates = bound(repository.find_duplicates)
    insert = bound(repository.insert)
    list_page = bound(repository.list_page)
    get = bound(repository.get)
    lock = bound(repository.lock)
    log_access = bound(repository.log_access)
    set_path_status = bound(repository.set_path_status)
    set_projects = bound(repository.set_projects)
    set_italian_level = bound(repository.set_italian_level)
    erase = bound(repository.erase)
    log_erasure = bound(repository.log_erasure)
    update_registration = bound(repository_corrections.update_registration)


class Projects(Repository):
    insert = bound(repository_projects.insert)
    visible_to = bound(repository_projects.visible_to)
    not_visible = bound(repository_projects.not_visible)
    period_of = bound(repository_projects.period_of)


class Path(Repository):
    """Assessments, the plan and its goals with their history, status moves."""

    insert_assessment = bound(repository_path.insert_assessment)
    assessments_of = bound(repository_path.assessments_of)
    insert_plan = bound(repository_path.insert_plan)
    insert_goals = bound(repository_path.insert_goals)
    goal_for_update = bound(repository_path.goal_for_update)
    update_goal = bound(repository_path.update_goal)
    append_goal_history = bound(repository_path.append_goal_history)
    plan_of = bound(repository_path.plan_of)
    has_plan = bound(repository_path.has_plan)
    append_transition = bound(repository_path.append_transition)
    goal_history_of = bound(repository_path.goal_history_of)
    entered_status_on = bound(repository_path.entered_status_on)


class Activities(Repository):
    """Interventions (and their chains of corrections), courses, enrolments, completions."""

    insert_intervention = bound(repository_activities.insert_intervention)
    interventions_of = bound(repository_activities.interventions_of)
    intervention = bound(repository_activities.intervention)
    current_of = bound(repository_activities.current_of)
    insert_course = bound(repository_activities.insert_course)
    course = bound(repository_activities.course)
    enrol = bound(repository_activities.enrol)
    enrolled_on = bound(repository_activities.enrolled_on)
    complete = bound(repository_activities.complete)


class Corrections(Repository):
    """The append-only log of corrections and the registrations they superseded."""

    append = bound(repository_corrections.append)
    keep_superseded = bound(repository_corrections.keep_superseded)


class Caseload(Repository):
    """A caseload's import: many rows looked up per statement, people stored by COPY, the organisation's
    references for people, interventions and courses; `events` writes an import's events in bulk."""

    lock_for_import = bound(repository_caseload.lock_for_import)
    project_starts = bound(repository_caseload.project_starts)
    known_references = bound(repository_caseload.known_references)
    duplicates_of_many = bound(repository_caseload.duplicates_of_many)
    copy_people = bound(repository_caseload.copy_people)
    last_move_on = bound(repository_caseload.last_move_on)
    people_by_reference = bound(repository_caseload.people_by_reference)
    known_intervention_references = bound(repository_caseload.known_intervention_references)
    insert_imported_intervention = bound(repository_caseload.insert_imported_intervention)
    course_by_reference = bound(repository_caseload.course_by_reference)
    set_course_reference = bound(repository_caseload.set_course_reference)
    events = bound(outbox.add)


class Consents(Repository):
    """Consent by purpose: the append-only rows, what is in force, expiries, the person's scope column."""

    append = bound(repository_consent.append)
    current = bound(repository_consent.current)
    history = bound(repository_consent.history)
    expired = bound(repository_consent.expired)
    refresh_scope = bound(repository_consent.refresh_scope)


class Audit(Repository):
    """The audit log read back, and everything held about one person (the data export)."""

    access_page = bound(repository_audit.access_page)
    accesses_of = bound(repository_audit.accesses_of)
    records_of = bound(repository_audit.records_of)


class PostgresIntakeUnitOfWork(PostgresUnitOfWork):
    people: People
    projects: Projects
    path: Path
    activities: Activities
    corrections: Corrections
    caseload: Caseload
    consents: Consents
    audit: Audit

    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__(pool, topic=INTAKE_EVENTS.name, producer=PRODUCER)
