"""What may be charged to a project, over HTTP on the real PostgreSQL: interventions, courses,
enrolments and completions only within the project's dates, and nothing dated after the person's path
was closed."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from intake.service_layer.commands_common import today_in_italy
from shared.auth import Role
from tests.integration.intake_support import ORG, PROJECT, Intake, errors_of, headers, registration, running_intake

pytestmark = pytest.mark.integration

TODAY = today_in_italy()
OPERATOR = headers()
ENDED = "ESF-ENDED-1"  # ran from 400 days ago to 10 days ago
LATER = "FOUND-LATER-1"  # starts in 10 days


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def intervention(**extra) -> dict:
    return {"kind": "job_orientation", "date": days(0), "duration_minutes": 60, "operator_id": "op-7",
            "project_id": PROJECT} | extra


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "it_charge") as running:
        await running.ensure_projects(ORG, [PROJECT])
        admin = headers(Role.admin, sub="admin-1")
        for code, start, end in ((ENDED, -400, -10), (LATER, 10, 400)):
            body = {"funder": "esf", "code": code, "title": "Linea", "territories": ["RM"], "start_date": days(start),
                    "end_date": days(end), "budget": [{"work_package": "work", "amount_eur": "1000"}]}
            assert (await running.client.post("/api/v1/projects", json=body, headers=admin)).status_code == 201
        yield running


async def person_in(intake: Intake, *projects: str) -> UUID:
    return await intake.register(registration(project_ids=list(projects)))


async def post_intervention(intake: Intake, person: UUID, body: dict):
    return await intake.client.post(f"/api/v1/beneficiaries/{person}/interventions", json=body, headers=OPERATOR)


async def stored(intake: Intake, person: UUID) -> tuple[int, int]:
    return (await intake.fetchval("SELECT count(*) FROM interventions WHERE beneficiary_id = $1", person),
            len(await intake.events(person)))


async def test_an_intervention_outside_its_projects_dates_is_refused_naming_date(intake: Intake):
    person = await person_in(intake, PROJECT, ENDED, LATER)
    before = await stored(intake, person)
    for body in (intervention(date=days(-101)),  # PROJECT started 100 days ago
                 intervention(project_id=ENDED, date=days(-9)), intervention(project_id=ENDED, date=days(-401)),
                 intervention(project_id=LATER)):
        response = await post_intervention(intake, person, body)
        assert errors_of(response) == {"date": "outside_project_period"}, body
        assert body["project_id"] in response.json()["errors"][0]["message"]
    assert await stored(intake, person) == before
    for body in (intervention(date=days(-100)), intervention(project_id=ENDED, date=days(-10)),
                 intervention(project_id=ENDED, date=days(-400))):
        assert (await post_intervention(intake, person, body)).status_code == 201, body


async def test_a_correction_is_held_to_the_projects_dates_too(intake: Intake):
    person = await person_in(intake, PROJECT)
    recorded = await post_intervention(intake, person, intervention(date=days(-5)))
    url = f"/api/v1/beneficiaries/{person}/interventions/{recorded.json()['intervention_id']}/corrections"
    response = await intake.client.post(url, json=intervention(date=days(-150), reason="data sbagliata"),
                                        headers=OPERATOR)
    assert errors_of(response) == {"date": "outside_project_period"}
    assert await intake.fetchval("SELECT count(*) FROM interventions WHERE beneficiary_id = $1", person) == 1


async def close_path(intake: Intake, person: UUID, status: str, on: date) -> None:
    """The path moved to `status` on a past day: a transition dated today cannot be followed by a past
    activity, so the day is written directly, as a move made days ago would have left it."""
    async with intake.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO path_transitions (beneficiary_id, from_status, to_status, reason_category, notes, "
            "changed_on, changed_by) VALUES ($1, 'taken_in_charge', $2, 'other', '\\x00', $3, 'op-1')",
            person, status, on)
        await conn.execute("UPDATE beneficiaries SET path_status = $2 WHERE beneficiary_id = $1", person, status)


@pytest.mark.parametrize("status", ["transferred", "autonomy_reached"])
async def test_nothing_is_charged_after_the_path_was_closed_but_late_entries_are(intake: Intake, status: str):
    person = await person_in(intake, PROJECT)
    await close_path(intake, person, status, TODAY - timedelta(days=5))
    before = await stored(intake, person)
    response = await post_intervention(intake, person, intervention(date=days(-4)))
    assert errors_of(response) == {"date": "path_closed"}
    assert status in response.json()["errors"][0]["message"]
    assert await stored(intake, person) == before
    # Work done up to the day of closing is recorded late, as operators do.
    assert (await post_intervention(intake, person, intervention(date=days(-5)))).status_code == 201
    assert (await post_intervention(intake, person, intervention(date=days(-20)))).status_code == 201


async def test_a_path_closed_today_by_a_transition_still_takes_todays_work(intake: Intake):
    person = await person_in(intake, PROJECT)
    moved = await intake.client.post(f"/api/v1/beneficiaries/{person}/transitions",
                                     json={"to": "transferred", "reason": "trasferita a Bari",
                                           "reason_category": "transferred_to_other_service"}, headers=OPERATOR)
    assert moved.status_code == 201, moved.text
    assert (await post_intervention(intake, person, intervention())).status_code == 201


async def test_an_interrupted_path_is_not_closed_and_takes_later_interventions(intake: Intake):
    person = await person_in(intake, PROJECT)
    await close_path(intake, person, "interrupted", TODAY - timedelta(days=10))
    assert (await post_intervention(intake, person, intervention(date=days(-3)))).status_code == 201


COURSE = {"kind": "it_course", "title": "Informatica di base", "project_id": PROJECT, "start_date": days(-30),
          "end_date": days(-2), "hours": "40"}


async def test_a_course_is_held_within_its_projects_dates(intake: Intake):
    before = await intake.fetchval("SELECT count(*) FROM courses")
    for body, field in ((COURSE | {"start_date": days(-101)}, "start_date"),
                        (COURSE | {"project_id": ENDED, "end_date": days(-9)}, "end_date"),
                        (COURSE | {"start_date": days(900), "end_date": days(901)}, "end_date")):
        response = await intake.client.post("/api/v1/courses", json=body, headers=OPERATOR)
        assert errors_of(response) == {field: "outside_project_period"}, body
    assert await intake.fetchval("SELECT count(*) FROM courses") == before


async def test_enrolments_are_dated_within_the_project_and_course_and_the_open_path(intake: Intake):
    created = await intake.client.post("/api/v1/courses", json=COURSE, headers=OPERATOR)
    assert created.status_code == 201, created.text
    url = f"/api/v1/courses/{created.json()['course_id']}/enrolments"
    person = await person_in(intake, PROJECT)
    for enrolled_on, kind in ((days(-1), "enrolled_after_course"), (days(-101), "outside_project_period"),
                              (days(1), "date_in_future")):
        body = {"beneficiary_id": str(person), "enrolled_on": enrolled_on}
        assert errors_of(await intake.client.post(url, json=body, headers=OPERATOR)) == {"enrolled_on": kind}
    assert (await intake.client.post(url, json={"beneficiary_id": str(person)}, headers=OPERATOR)).status_code == 422
    late = await intake.client.post(url, json={"beneficiary_id": str(person), "enrolled_on": days(-40)},
                                    headers=OPERATOR)
    assert late.status_code == 201, late.text
    event = [e for e in await intake.events(person) if e.event_type == "intake.course_enrolled"][0]
    assert event.payload["enrolled_on"] == days(-40)

    closed = await person_in(intake, PROJECT)
    await close_path(intake, closed, "transferred", TODAY - timedelta(days=20))
    body = {"beneficiary_id": str(closed), "enrolled_on": days(-10)}
    assert errors_of(await intake.client.post(url, json=body, headers=OPERATOR)) == {"enrolled_on": "path_closed"}
    assert await intake.fetchval("SELECT count(*) FROM course_enrolments WHERE beneficiary_id = $1", closed) == 0


async def completions_of(intake: Intake, person: UUID) -> tuple[int, list[str]]:
    count = await intake.fetchval("SELECT count(*) FROM course_completions WHERE beneficiary_id = $1", person)
    return count, [t for t in await intake.event_types(person) if t == "intake.course_completed"]


async def test_completions_are_dated_within_the_project_after_the_enrolment_and_by_the_open_path(intake: Intake):
    ended = await intake.client.post("/api/v1/courses", headers=OPERATOR, json=COURSE | {
        "project_id": ENDED, "start_date": days(-60), "end_date": days(-12)})
    assert ended.status_code == 201, ended.text
    ended_url = f"/api/v1/courses/{ended.json()['course_id']}"
    person = await person_in(intake, ENDED)
    enrolled = await intake.client.post(f"{ended_url}/enrolments", headers=OPERATOR,
                                        json={"beneficiary_id": str(person), "enrolled_on": days(-40)})
    assert enrolled.status_code == 201, enrolled.text
    for completed_on, kind in ((days(-9), "outside_project_period"), (days(-41), "completion_rule")):
        response = await intake.client.post(f"{ended_url}/completions", headers=OPERATOR,
                                            json={"beneficiary_id": str(person), "completed_on": completed_on})
        assert errors_of(response) == {"completed_on": kind}, completed_on
    assert "was enrolled" in response.json()["errors"][0]["message"]
    assert await completions_of(intake, person) == (0, [])
    done = await intake.client.post(f"{ended_url}/completions", headers=OPERATOR,
                                    json={"beneficiary_id": str(person), "completed_on": days(-10)})
    assert done.status_code == 201, done.text

    course = await intake.client.post("/api/v1/courses", json=COURSE, headers=OPERATOR)
    url = f"/api/v1/courses/{course.json()['course_id']}"
    closed = await person_in(intake, PROJECT)
    enrolled = await intake.client.post(f"{url}/enrolments", headers=OPERATOR,
                                        json={"beneficiary_id": str(closed), "enrolled_on": days(-30)})
    assert enrolled.status_code == 201, enrolled.text
    await close_path(intake, closed, "autonomy_reached", TODAY - timedelta(days=20))
    response = await intake.client.post(f"{url}/completions", headers=OPERATOR,
                                        json={"beneficiary_id": str(closed), "completed_on": days(-19)})
    assert errors_of(response) == {"completed_on": "path_closed"}
    assert await completions_of(intake, closed) == (0, [])
    on_closing = await intake.client.post(f"{url}/completions", headers=OPERATOR,
                                          json={"beneficiary_id": str(closed), "completed_on": days(-20)})
    assert on_closing.status_code == 201, on_closing.text
    assert await completions_of(intake, closed) == (1, ["intake.course_completed"])


async def test_a_cost_is_a_plain_decimal_string_and_every_amount_is_answered_to_the_cent(intake: Intake):
    """As in every other service (shared/types.py's Euros): "1e2" was stored as 100.00 and " 12" as 12.00."""
    person = await person_in(intake, PROJECT)
    before = await stored(intake, person)
    for cost in ("1e2", " 12", "1_000", 12.5, "-3"):
        refused = await post_intervention(intake, person, intervention(cost_eur=cost))
        assert errors_of(refused) == {"cost_eur": "money_format" if cost != "-3" else "greater_than_equal"}, cost
    assert await stored(intake, person) == before
    accepted = await post_intervention(intake, person, intervention(cost_eur="12.5"))
    assert accepted.status_code == 201, accepted.text
    listed = await intake.client.get(f"/api/v1/beneficiaries/{person}/interventions", headers=OPERATOR)
    assert [i["cost_eur"] for i in listed.json()["items"]] == ["12.50"]
    admin = headers(Role.admin, sub="admin-1")
    body = {"funder": "esf", "code": "ESF-CENTS-1", "title": "Linea", "territories": ["RM"], "start_date": days(-5),
            "end_date": days(300), "budget": [{"work_package": "work", "amount_eur": "1000"},
                                               {"work_package": "housing", "amount_eur": "250.5"}]}
    refused = await intake.client.post("/api/v1/projects", json=body | {"budget": [
        {"work_package": "work", "amount_eur": 1000.0}]}, headers=admin)
    assert errors_of(refused) == {"budget.0.amount_eur": "money_format"}
    created = await intake.client.post("/api/v1/projects", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["budget_total_eur"] == "1250.50"
