"""Intake's service layer through the in-memory unit of work: no server. What commits, what is
announced, what is refused (and that a refusal leaves nothing behind)."""

from __future__ import annotations

import os
from datetime import date, timedelta
from uuid import uuid4

import pytest

from intake.adapters.memory import InMemoryIntakeUnitOfWork
from intake.adapters.vault import Vault
from intake.domain.access import PersonalDataRefused
from intake.domain.duplicates import DuplicatesFound, MatchReason
from intake.domain.path import PathStatus
from intake.service_layer import courses, erasure, interventions, people, plan, projects, registration, transitions
from intake.service_layer.commands import (
    BeneficiaryIn,
    GoalsIn,
    InterventionCorrectionIn,
    InterventionIn,
    PathTransitionIn,
    PlanIn,
)
from intake.service_layer.commands_courses import CompletionIn, CourseIn, EnrolmentIn
from intake.service_layer.commands_projects import ProjectEnrolmentIn, ProjectIn
from intake.service_layer.errors import Conflict, NotFound, RuleViolation, Violations
from intake.service_layer.transitions import TransitionRefused
from shared.auth import Principal, Role
from shared.events.contracts import (
    BeneficiaryEnrolledInProject,
    BeneficiaryErased,
    BeneficiaryRegistered,
    CourseCompleted,
    GoalsAdded,
    InterventionRecorded,
    PathStatusChanged,
    PlanAgreed,
)

pytestmark = pytest.mark.unit

TODAY = date(2026, 11, 20)
ORG = "coop-a"
OPERATOR = Principal(subject="op-1", role=Role.operator, organisation_id=ORG)
ADMIN = Principal(subject="admin-1", role=Role.admin, organisation_id=ORG)
HOUSING = Principal(subject="h-1", role=Role.housing, organisation_id=ORG)
PROJECT, SECOND = "FAMI-2024-001", "ESF-77"


def project(code: str) -> ProjectIn:
    return ProjectIn.model_validate({
        "funder": "fami", "code": code, "title": "Rifugiato Cittadino", "territories": ["RM"],
        "start_date": (TODAY - timedelta(days=300)).isoformat(), "end_date": (TODAY + timedelta(days=400)).isoformat(),
        "budget": [{"work_package": "work", "amount_eur": "1000.50"}],
    })


def person(**extra: object) -> BeneficiaryIn:
    body = {
        "first_name": "Amina", "last_name": "Warsame", "sex": "F", "birth_date": "1995-03-10",
        "birth_country": "SO", "citizenship": "SO", "legal_status": "refugee",
        "reception": {"kind": "sai", "centre": "Casa Aurora"},
        "household": {"size": 1, "children": [], "single_parent": False}, "italian_level": "A1",
        "languages": ["so"], "consent": {"given": True, "date": "2026-11-01", "scope": ["processing"]},
        "project_ids": [PROJECT],
    }
    return BeneficiaryIn.model_validate(body | extra, context={"registered_on": TODAY})


@pytest.fixture
def uow() -> InMemoryIntakeUnitOfWork:
    return InMemoryIntakeUnitOfWork()


@pytest.fixture
def vault() -> Vault:
    return Vault(os.urandom(32), os.urandom(32))


@pytest.fixture
async def with_project(uow: InMemoryIntakeUnitOfWork) -> InMemoryIntakeUnitOfWork:
    await projects.create(uow, ADMIN, project(PROJECT))
    return uow


async def test_registration_stores_the_person_sealed_and_announces_it_once(with_project, vault):
    uow = with_project
    done = await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    stored = uow.tables.beneficiaries[done.beneficiary_id]
    assert (stored["organisation_id"], stored["path_status"], stored["project_ids"]) == (ORG, "taken_in_charge",
                                                                                       [PROJECT])
    assert b"Amina" not in stored["personal"]  # sealed with the person's own key
    opened = vault.open(done.beneficiary_id, uow.tables.person_keys[done.beneficiary_id], stored["personal"])
    assert (opened["first_name"], opened["last_name"]) == ("Amina", "Warsame")
    (announced,) = uow.committed_of(BeneficiaryRegistered)
    assert (announced.beneficiary_id, announced.organisation_id, announced.project_id) == (done.beneficiary_id, ORG,
                                                                                        PROJECT)
    assert announced.payload["age_band"] == stored["age_band"]
    assert "first_name" not in announced.payload


async def test_a_project_the_organisation_is_not_in_refuses_the_whole_registration(with_project, vault):
    uow = with_project
    before = uow.commits
    with pytest.raises(Violations) as refused:
        await registration.register(uow, vault, OPERATOR, person(project_ids=[PROJECT, "NOPE-1"]), today=TODAY)
    assert [(v.field, v.rule) for v in refused.value.violations] == [("project_ids.1", "unknown_project")]
    assert uow.tables.beneficiaries == {} and uow.committed_of(BeneficiaryRegistered) == []
    assert uow.commits == before


async def test_the_same_fiscal_code_is_never_registered_twice(with_project, vault):
    uow = with_project
    code = "WRSMNA95C50Z345N"
    first = await registration.register(uow, vault, OPERATOR, person(fiscal_code=code), today=TODAY)
    with pytest.raises(DuplicatesFound) as refused:
        await registration.register(uow, vault, OPERATOR, person(fiscal_code=code, first_name="Aminah"),
                                    today=TODAY, confirm_distinct=True)
    (match,) = refused.value.matches
    assert (match.beneficiary_id, match.reasons) == (first.beneficiary_id, (MatchReason.same_fiscal_code,))
    assert refused.value.overridable is False
    assert len(uow.tables.beneficiaries) == 1


async def test_a_namesake_is_registered_once_confirmed_distinct(with_project, vault):
    uow = with_project
    await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    with pytest.raises(DuplicatesFound) as refused:
        await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    assert refused.value.overridable is True
    assert refused.value.matches[0].reasons == (MatchReason.same_name_birth,)
    await registration.register(uow, vault, OPERATOR, person(), today=TODAY, confirm_distinct=True)
    assert len(uow.tables.beneficiaries) == 2 and len(uow.committed_of(BeneficiaryRegistered)) == 2


async def test_personal_data_is_read_only_with_a_purpose_and_each_read_is_audited(with_project, vault):
    uow = with_project
    done = await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    page = await people.list_people(uow, vault, OPERATOR, people.Filters(), limit=10, offset=0, purpose=None,
                                    today=TODAY)
    assert page["total"] == 1 and "personal" not in page["items"][0]
    assert uow.tables.pii_access_log == []
    found = await people.list_people(uow, vault, OPERATOR, people.Filters(name="warsame"), limit=10, offset=0,
                                     purpose="casework", today=TODAY)
    assert [i["beneficiary_id"] for i in found["items"]] == [done.beneficiary_id]
    assert found["items"][0]["personal"]["first_name"] == "Amina"
    assert [(r["action"], r["beneficiary_id"], r["purpose"]) for r in uow.tables.pii_access_log] == [
        ("search", done.beneficiary_id, "casework")]
    with pytest.raises(PersonalDataRefused):
        await people.list_people(uow, vault, OPERATOR, people.Filters(name="warsame"), limit=10, offset=0,
                                 purpose=None, today=TODAY)
    with pytest.raises(PersonalDataRefused):
        await people.get_person(uow, vault, HOUSING, done.beneficiary_id, purpose="curious", today=TODAY)
    coarse = await people.get_person(uow, vault, HOUSING, done.beneficiary_id, purpose=None, today=TODAY)
    assert coarse is not None and "personal" not in coarse and len(uow.tables.pii_access_log) == 1


async def test_a_project_code_is_taken_once_per_lead_and_enrolment_is_announced(with_project, vault):
    uow = with_project
    with pytest.raises(Conflict) as taken:
        await projects.create(uow, ADMIN, project(PROJECT))
    assert (taken.value.rule, taken.value.field) == ("code_taken", "code")
    await projects.create(uow, ADMIN, project(SECOND))
    done = await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    assert await projects.enrol(uow, OPERATOR, done.beneficiary_id, ProjectEnrolmentIn(project_id=SECOND),
                                today=TODAY) == [PROJECT, SECOND]
    (enrolled,) = uow.committed_of(BeneficiaryEnrolledInProject)
    assert (enrolled.project_id, enrolled.payload["project_id"]) == (SECOND, SECOND)
    with pytest.raises(Conflict) as again:
        await projects.enrol(uow, OPERATOR, done.beneficiary_id, ProjectEnrolmentIn(project_id=SECOND), today=TODAY)
    assert again.value.rule == "already_enrolled"
    with pytest.raises(NotFound):
        await projects.enrol(uow, OPERATOR, uuid4(), ProjectEnrolmentIn(project_id=SECOND), today=TODAY)


async def test_a_plan_moves_the_path_and_a_forbidden_move_changes_nothing(with_project, vault):
    uow = with_project
    done = await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    body = PlanIn.model_validate({"goals": [{
        "area": "work", "title": "Tirocinio in cucina", "deadline": (TODAY + timedelta(days=90)).isoformat(),
        "responsible_operator": "op-1",
        "phases": [{"title": "colloquio", "due": (TODAY + timedelta(days=10)).isoformat()}],
    }]})
    goal_ids = await plan.agree(uow, vault, OPERATOR, done.beneficiary_id, body, today=TODAY)
    assert uow.tables.beneficiaries[done.beneficiary_id]["path_status"] == PathStatus.plan_agreed
    (agreed,) = uow.committed_of(PlanAgreed)
    assert [g["goal_id"] for g in agreed.payload["goals"]] == [str(g) for g in goal_ids]
    assert uow.committed_of(PathStatusChanged)[0].correlation_id == agreed.correlation_id  # one act
    transitions_before = list(uow.tables.path_transitions)
    with pytest.raises(TransitionRefused) as refused:
        await transitions.change_status(uow, vault, OPERATOR, done.beneficiary_id, PathTransitionIn.model_validate(
            {"to": "taken_in_charge", "reason_category": "other", "reason": "indietro"}), today=TODAY)
    assert refused.value.rule == "forbidden_transition" and refused.value.extra["from"] == "plan_agreed"
    assert uow.tables.path_transitions == transitions_before
    assert uow.tables.beneficiaries[done.beneficiary_id]["path_status"] == PathStatus.plan_agreed


def goals_in(*goals: dict) -> GoalsIn:
    return GoalsIn.model_validate({"goals": list(goals)})


HOUSING_GOAL = {"area": "housing", "title": "Casa in affitto a Centocelle",
                "deadline": (TODAY + timedelta(days=60)).isoformat(), "responsible_operator": "op-2",
                "phases": [{"title": "ricerca", "due": (TODAY + timedelta(days=20)).isoformat()}]}


async def test_goals_are_added_to_an_agreed_plan_after_its_own_and_announced_without_titles(with_project, vault):
    uow = with_project
    done = await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    refused_before = goals_in(HOUSING_GOAL)
    with pytest.raises(Conflict) as no_plan:
        await plan.add_goals(uow, vault, OPERATOR, done.beneficiary_id, refused_before, today=TODAY)
    assert no_plan.value.rule == "no_plan_agreed" and not uow.tables.goals
    agreed = await plan.agree(uow, vault, OPERATOR, done.beneficiary_id, PlanIn.model_validate({"goals": [
        HOUSING_GOAL | {"area": "work", "title": "Tirocinio", "phases": []}]}), today=TODAY)
    later = TODAY + timedelta(days=90)
    with pytest.raises(Violations) as past:  # the plan's own date rules, as if agreed the day they are added
        await plan.add_goals(uow, vault, OPERATOR, done.beneficiary_id, goals_in(HOUSING_GOAL), today=later)
    assert {v.field: v.rule for v in past.value.violations} == {
        "goals.0.deadline": "deadline_in_past", "goals.0.phases.0.due": "phase_in_past"}
    added, status = await plan.add_goals(uow, vault, OPERATOR, done.beneficiary_id,
                                         goals_in(HOUSING_GOAL, HOUSING_GOAL | {"area": "social"}), today=TODAY)
    assert status == "plan_agreed" and len(added) == 2
    assert [uow.tables.goals[g]["position"] for g in [*agreed, *added]] == [0, 1, 2]
    assert [(h["goal_id"], h["change"]) for h in uow.tables.goal_history] == [
        (agreed[0], "agreed"), (added[0], "added"), (added[1], "added")]
    (event,) = uow.committed_of(GoalsAdded)
    assert event.payload == {"added_on": TODAY.isoformat(), "goals": [
        {"goal_id": str(added[0]), "area": "housing", "deadline": HOUSING_GOAL["deadline"], "phases": 1},
        {"goal_id": str(added[1]), "area": "social", "deadline": HOUSING_GOAL["deadline"], "phases": 1}]}
    assert "Centocelle" not in str(event.payload) and "op-2" not in str(event.payload)
    assert uow.tables.beneficiaries[done.beneficiary_id]["path_status"] == PathStatus.plan_agreed


async def test_erasure_destroys_the_key_announces_it_and_refuses_what_follows(with_project, vault):
    uow = with_project
    done = await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    await erasure.erase(uow, ADMIN, done.beneficiary_id, reason="richiesta dell'interessata", today=TODAY)
    assert done.beneficiary_id not in uow.tables.person_keys
    assert uow.tables.beneficiaries[done.beneficiary_id]["personal"] is None
    assert [e.beneficiary_id for e in uow.committed_of(BeneficiaryErased)] == [done.beneficiary_id]
    with pytest.raises(Conflict) as refused:
        await erasure.erase(uow, ADMIN, done.beneficiary_id, reason="again", today=TODAY)
    assert refused.value.rule == "erased"


async def test_an_intervention_is_charged_to_a_project_of_the_person_and_corrected_by_a_new_record(with_project,
                                                                                                    vault):
    uow = with_project
    done = await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    body = {"kind": "intercultural_mediation", "date": (TODAY - timedelta(days=2)).isoformat(),
            "duration_minutes": 90, "hours": "1.50", "operator_id": "med-7", "project_id": PROJECT}
    recorded = await interventions.record(uow, OPERATOR, done.beneficiary_id, InterventionIn.model_validate(body))
    (announced,) = uow.committed_of(InterventionRecorded)
    assert (announced.payload["hours"], announced.project_id) == ("1.50", PROJECT)
    with pytest.raises(RuleViolation) as refused:
        await interventions.record(uow, OPERATOR, done.beneficiary_id,
                                   InterventionIn.model_validate(body | {"project_id": "ESF-77"}))
    assert (refused.value.field, refused.value.rule) == ("project_id", "project_not_enrolled")
    corrected = await interventions.correct(
        uow, vault, OPERATOR, done.beneficiary_id, recorded.intervention_id,
        InterventionCorrectionIn.model_validate(body | {"duration_minutes": 60, "hours": "1", "reason": "durata"}),
        today=TODAY)
    assert corrected.corrected_intervention_id == recorded.intervention_id
    page = await interventions.list_for(uow, OPERATOR, done.beneficiary_id, limit=10, offset=0)
    assert (page["total"], page["items"][0]["hours"], page["items"][0]["corrects"]) == (
        1, "1.00", recorded.intervention_id)
    with pytest.raises(Conflict) as again:
        await interventions.correct(
            uow, vault, OPERATOR, done.beneficiary_id, recorded.intervention_id,
            InterventionCorrectionIn.model_validate(body | {"reason": "r"}), today=TODAY)
    assert (again.value.rule, again.value.extra["current_intervention_id"]) == (
        "superseded", str(corrected.intervention_id))


async def test_a_completed_italian_course_raises_the_level_once(with_project, vault):
    uow = with_project
    done = await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    course_id = await courses.create(uow, OPERATOR, CourseIn.model_validate({
        "kind": "italian_course", "title": "A2 serale", "project_id": PROJECT,
        "start_date": (TODAY - timedelta(days=60)).isoformat(), "end_date": (TODAY - timedelta(days=5)).isoformat(),
        "hours": "40"}))
    await courses.enrol(uow, OPERATOR, course_id, EnrolmentIn.model_validate(
        {"beneficiary_id": str(done.beneficiary_id), "enrolled_on": (TODAY - timedelta(days=59)).isoformat()}),
        today=TODAY)
    completion = CompletionIn.model_validate({"beneficiary_id": str(done.beneficiary_id),
                                              "completed_on": (TODAY - timedelta(days=5)).isoformat(),
                                              "level_reached": "A2"})
    event = await courses.complete(uow, OPERATOR, course_id, completion)
    assert (event.level_before, event.level_reached, event.levels_gained) == ("A1", "A2", 1)
    assert uow.tables.beneficiaries[done.beneficiary_id]["italian_level"] == "A2"
    assert [e.payload["course_id"] for e in uow.committed_of(CourseCompleted)] == [str(course_id)]
    with pytest.raises(Conflict) as twice:
        await courses.complete(uow, OPERATOR, course_id, completion)
    assert twice.value.rule == "already_completed"
