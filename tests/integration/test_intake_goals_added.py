"""Goals added to an agreed plan at intake (POST .../plan/goals), in-process on the real PostgreSQL and
Kafka: what is stored and announced, every refusal with nothing half-stored, the titles kept sealed."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from intake.service_layer.commands_common import today_in_italy
from shared.auth import Role
from tests.integration.intake_support import (
    OTHER_ORG,
    Intake,
    assert_no_personal_data,
    errors_of,
    headers,
    running_intake,
)

pytestmark = pytest.mark.integration

TODAY = today_in_italy()
OPERATOR = headers()


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "it_goals") as running:
        yield running


WORK_PLAN = {"goals": [{"area": "work", "title": "Tirocinio da Pasticceria Bellucci", "deadline": days(120),
                        "responsible_operator": "op-1", "phases": [{"title": "Colloquio", "due": days(20)}]}]}
HOUSING_GOAL = {"area": "housing", "title": "Casa in affitto a Tor Pignattara con la cugina Ayan",
                "deadline": days(150), "responsible_operator": "op-2",
                "phases": [{"title": "Visita dall'agenzia Rossi", "due": days(30)},
                           {"title": "Firma", "due": days(150)}]}
SOCIAL_GOAL = {"area": "social", "title": "Squadra di cricket del quartiere", "deadline": days(60),
               "responsible_operator": "op-1", "phases": []}
SECRETS = ["Bellucci", "Pignattara", "Ayan", "agenzia Rossi", "cricket", "op-2"]


def url(person: UUID, tail: str = "plan/goals") -> str:
    return f"/api/v1/beneficiaries/{person}/{tail}"


async def with_work_plan(intake: Intake) -> tuple[UUID, str]:
    person = await intake.register()
    agreed = await intake.client.post(url(person, "plan"), json=WORK_PLAN, headers=OPERATOR)
    assert agreed.status_code == 201, agreed.text
    return person, agreed.json()["goal_ids"][0]


async def counts(intake: Intake, person: UUID) -> tuple[int, int, list[str]]:
    goals = await intake.fetchval("SELECT count(*) FROM goals WHERE beneficiary_id = $1", person)
    history = await intake.fetchval("SELECT count(*) FROM goal_history WHERE beneficiary_id = $1", person)
    return goals, history, await intake.event_types(person)


async def move(intake: Intake, person: UUID, to: str, category: str) -> None:
    moved = await intake.client.post(url(person, "transitions"), headers=OPERATOR,
                                     json={"to": to, "reason": "deciso al colloquio", "reason_category": category})
    assert moved.status_code == 201, moved.text


async def test_goals_added_are_stored_after_the_plan_s_read_back_and_announced_without_titles(intake: Intake):
    person, work = await with_work_plan(intake)
    response = await intake.client.post(url(person), json={"goals": [HOUSING_GOAL, SOCIAL_GOAL]}, headers=OPERATOR)
    assert response.status_code == 201, response.text
    assert response.json()["path_status"] == "plan_agreed"
    housing, social = (UUID(g) for g in response.json()["goal_ids"])

    rows = await intake.fetch("SELECT goal_id, position, area, deadline, phase_dues, status, responsible_operator, "
                              "notes FROM goals WHERE beneficiary_id = $1 ORDER BY position", person)
    assert [(r["goal_id"], r["position"], r["area"], r["status"]) for r in rows] == [
        (UUID(work), 0, "work", "open"), (housing, 1, "housing", "open"), (social, 2, "social", "open")]
    assert [d.isoformat() for d in rows[1]["phase_dues"]] == [days(30), days(150)]
    assert all(b"Pignattara" not in bytes(r["notes"]) for r in rows)  # sealed with the person's key
    history = await intake.fetch("SELECT goal_id, change, status, recorded_on, recorded_by FROM goal_history "
                                 "WHERE beneficiary_id = $1 ORDER BY seq", person)
    assert [(h["goal_id"], h["change"], h["status"], h["recorded_by"]) for h in history] == [
        (UUID(work), "agreed", "open", "op-1"), (housing, "added", "open", "op-1"), (social, "added", "open", "op-1")]
    assert await intake.fetchval("SELECT path_status FROM beneficiaries WHERE beneficiary_id = $1", person) == (
        "plan_agreed")

    events = await intake.events(person)
    assert [e.event_type for e in events] == ["intake.beneficiary_registered", "intake.plan_agreed",
                                              "intake.path_status_changed", "intake.goals_added"]
    added = events[-1].envelope
    assert (added["schema_version"], added["producer"]) == (1, "intake")
    assert added["payload"] == {"added_on": TODAY.isoformat(), "goals": [
        {"goal_id": str(housing), "area": "housing", "deadline": days(150), "phases": 2},
        {"goal_id": str(social), "area": "social", "deadline": days(60), "phases": 0}]}
    assert_no_personal_data(events[1:], SECRETS + ["Tirocinio", "Colloquio"])

    plain = (await intake.client.get(url(person, "plan"), headers=OPERATOR)).json()
    assert [(g["area"], [h["change"] for h in g["history"]]) for g in plain["goals"]] == [
        ("work", ["agreed"]), ("housing", ["added"]), ("social", ["added"])]
    assert "Pignattara" not in str(plain) and "title" not in plain["goals"][1]
    full = (await intake.client.get(url(person, "plan"), params={"purpose": "revisione del piano"},
                                    headers=OPERATOR)).json()
    assert full["goals"][1]["title"] == HOUSING_GOAL["title"]
    assert [p["title"] for p in full["goals"][1]["phases"]] == ["Visita dall'agenzia Rossi", "Firma"]
    # one more later, while the path is in progress, goes after them
    await move(intake, person, "in_progress", "plan_started")
    again = await intake.client.post(url(person), json={"goals": [SOCIAL_GOAL]}, headers=OPERATOR)
    assert again.status_code == 201 and again.json()["path_status"] == "in_progress", again.text
    (later,) = again.json()["goal_ids"]
    assert await intake.fetchval("SELECT position FROM goals WHERE goal_id = $1", UUID(later)) == 3


async def test_goals_added_open_a_deadline_that_lists_the_person_and_outcomes_apply_to_them(intake: Intake):
    person, _ = await with_work_plan(intake)
    soon = HOUSING_GOAL | {"deadline": days(5), "phases": []}
    (goal,) = (await intake.client.post(url(person), json={"goals": [soon]}, headers=OPERATOR)).json()["goal_ids"]
    listed = await intake.client.get("/api/v1/beneficiaries", params={"deadline_within_days": 7}, headers=OPERATOR)
    assert str(person) in {p["beneficiary_id"] for p in listed.json()["items"]}
    met = await intake.client.post(url(person, f"goals/{goal}/outcome"), json={"outcome": "met"}, headers=OPERATOR)
    assert met.status_code == 201, met.text
    outcome = (await intake.events(person))[-1]
    assert outcome.event_type == "intake.goal_outcome_recorded" and outcome.envelope["payload"]["area"] == "housing"


async def test_bad_goals_are_refused_naming_each_field_and_nothing_is_stored(intake: Intake):
    person, _ = await with_work_plan(intake)
    before = await counts(intake, person)
    for body, expected in [
        ({"goals": []}, {"goals": "no_goals_to_add"}),
        ({"goals": [HOUSING_GOAL | {"area": "health"}]}, {"goals.0.area": "enum"}),
        ({"goals": [SOCIAL_GOAL, HOUSING_GOAL | {"phases": [{"title": "x", "due": days(151)}]}]},
         {"goals.1.phases": "phase_after_deadline"}),
        ({"goals": [SOCIAL_GOAL, HOUSING_GOAL | {"deadline": days(-1), "phases": [{"title": "x", "due": days(-2)}]}]},
         {"goals.1.deadline": "deadline_in_past", "goals.1.phases.0.due": "phase_in_past"}),
        ({"goals": [SOCIAL_GOAL | {"title": "   "}]}, {"goals.0.title": "blank"}),
        ({"goals": [{k: v for k, v in HOUSING_GOAL.items() if k != "responsible_operator"}]},
         {"goals.0.responsible_operator": "missing"}),
    ]:
        response = await intake.client.post(url(person), json=body, headers=OPERATOR)
        assert errors_of(response) == expected, body
    assert await counts(intake, person) == before


async def test_goals_are_refused_without_a_plan_on_a_closed_or_interrupted_path_and_for_others(intake: Intake):
    body = {"goals": [HOUSING_GOAL]}
    planless = await intake.register()
    refused = await intake.client.post(url(planless), json=body, headers=OPERATOR)
    assert refused.status_code == 409, refused.text
    assert refused.json()["errors"][0]["rule"] == "no_plan_agreed" and "no plan was agreed" in refused.json()["detail"]
    assert await counts(intake, planless) == (0, 0, ["intake.beneficiary_registered"])

    closed, _ = await with_work_plan(intake)
    await move(intake, closed, "transferred", "transferred_to_other_service")
    interrupted, _ = await with_work_plan(intake)
    await move(intake, interrupted, "interrupted", "stopped_attending")
    for person, rule in ((closed, "path_closed"), (interrupted, "path_interrupted")):
        before = await counts(intake, person)
        refused = await intake.client.post(url(person), json=body, headers=OPERATOR)
        assert refused.status_code == 409, refused.text
        assert refused.json()["errors"][0]["rule"] == rule, refused.text
        assert await counts(intake, person) == before
    await move(intake, interrupted, "in_progress", "resumed")
    assert (await intake.client.post(url(interrupted), json=body, headers=OPERATOR)).status_code == 201

    person, _ = await with_work_plan(intake)
    before = await counts(intake, person)
    elsewhere = await intake.client.post(url(person), json=body, headers=headers(org=OTHER_ORG))
    assert elsewhere.status_code == 404, elsewhere.text
    for role in (Role.housing, Role.employment, Role.funder):
        assert (await intake.client.post(url(person), json=body, headers=headers(role))).status_code == 403
    assert (await intake.client.post(url(uuid4()), json=body, headers=OPERATOR)).status_code == 404
    assert await counts(intake, person) == before
    by_admin = await intake.client.post(url(person), json=body, headers=headers(Role.admin, sub="admin-1"))
    assert by_admin.status_code == 201, by_admin.text

    erased, _ = await with_work_plan(intake)
    gone = await intake.client.post(url(erased, "erasure"), json={"reason": "richiesta dell'interessata"},
                                    headers=headers(Role.admin, sub="admin-1"))
    assert gone.status_code == 200, gone.text
    refused = await intake.client.post(url(erased), json=body, headers=OPERATOR)
    assert refused.status_code == 409 and refused.json()["errors"][0]["rule"] == "erased", refused.text


async def test_the_same_idempotency_key_adds_the_goals_once(intake: Intake):
    person, _ = await with_work_plan(intake)
    key = {"Idempotency-Key": f"goals-{uuid4()}"}
    first = await intake.client.post(url(person), json={"goals": [HOUSING_GOAL]}, headers=OPERATOR | key)
    again = await intake.client.post(url(person), json={"goals": [HOUSING_GOAL]}, headers=OPERATOR | key)
    assert (first.status_code, again.status_code) == (201, 201) and first.json() == again.json()
    other = await intake.client.post(url(person), json={"goals": [SOCIAL_GOAL]}, headers=OPERATOR | key)
    assert other.status_code == 422, other.text
    goals, history, types = await counts(intake, person)
    assert (goals, history, types.count("intake.goals_added")) == (2, 2, 1)


async def test_the_event_is_in_the_asyncapi_document(intake: Intake):
    assert "intake.goals_added:publish" in (await intake.client.get("/asyncapi.json")).text
