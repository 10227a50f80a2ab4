"""The work status at intake over HTTP on the real PostgreSQL (and the outbox the relay sends to Kafka):
registered, shown as a coarse attribute to the roles that see those, refused by name when unknown,
corrected like any registration field, and told to other services only as women_inactive."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from shared.auth import Role
from tests.integration.intake_support import Intake, errors_of, headers, registration, running_intake

pytestmark = pytest.mark.integration
ORG = "coop-work-status"
REGISTERED, CORRECTED = "intake.beneficiary_registered", "intake.beneficiary_corrected"


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "it_work") as running:
        yield running


async def told(intake: Intake, person: UUID, event_type: str) -> list[dict[str, Any]]:
    return [e.payload for e in await intake.events(person) if e.event_type == event_type]


async def shown(intake: Intake, person: UUID, role: Role = Role.operator) -> str | None:
    response = await intake.client.get(f"/api/v1/beneficiaries/{person}", headers=headers(role, org=ORG))
    assert response.status_code == 200, response.text
    return response.json()["work_status"]


async def correct(intake: Intake, person: UUID, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return await intake.client.post(f"/api/v1/beneficiaries/{person}/corrections", json=body | {"reason": "r"},
                                    headers=headers(org=ORG))


async def test_the_work_status_is_stored_shown_as_a_coarse_attribute_and_told_as_women_inactive(intake: Intake):
    woman = await intake.register(registration(sex="F", work_status="inactive"), org=ORG)
    man = await intake.register(registration(sex="M", work_status="inactive"), org=ORG)
    seeking = await intake.register(registration(sex="F", work_status="seeking_work"), org=ORG)
    unrecorded = await intake.register(registration(sex="F"), org=ORG)
    assert [(await told(intake, p, REGISTERED))[0]["women_inactive"] for p in (woman, man, seeking, unrecorded)] == [
        True, False, False, None]
    assert await intake.fetchval("SELECT work_status FROM beneficiaries WHERE beneficiary_id = $1", man) == "inactive"
    # a coarse attribute, as italian_level: the teams see it without a purpose, and it never leaves as a status
    for role in (Role.operator, Role.housing, Role.employment, Role.admin):
        assert await shown(intake, woman, role) == "inactive"
    assert await shown(intake, unrecorded) is None
    for p in (woman, man):
        assert all("work_status" not in e.payload for e in await intake.events(p))
    listed = await intake.client.get("/api/v1/beneficiaries", params={"limit": 50},
                                     headers=headers(Role.employment, org=ORG))
    assert {i["beneficiary_id"]: i["work_status"] for i in listed.json()["items"]}[str(seeking)] == "seeking_work"


async def test_an_unknown_work_status_is_refused_naming_the_field_and_the_rule_and_stores_nothing(intake: Intake):
    before = await intake.fetchval("SELECT count(*) FROM beneficiaries")
    body = registration(sex="F", work_status="unemployed")
    await intake.ensure_projects(ORG, body["project_ids"])
    refused = await intake.client.post("/api/v1/beneficiaries", json=body, headers=headers(org=ORG))
    assert errors_of(refused) == {"work_status": "enum"}
    (error,) = refused.json()["errors"]
    assert "employed" in error["message"] and "inactive" in error["message"] and refused.json()["detail"]
    assert await intake.fetchval("SELECT count(*) FROM beneficiaries") == before

    person = await intake.register(registration(sex="F", work_status="employed"), org=ORG)
    wrong = await correct(intake, person, {"work_status": "retired"})
    assert errors_of(wrong) == {"work_status": "enum"}
    assert await shown(intake, person) == "employed"
    assert await told(intake, person, CORRECTED) == []


async def test_a_correction_of_the_work_status_or_the_sex_tells_the_new_women_inactive(intake: Intake):
    person = await intake.register(registration(sex="F", work_status="seeking_work"), org=ORG)
    steps: list[tuple[dict[str, Any], str | None, bool | None]] = [
        ({"work_status": "inactive"}, "inactive", True),
        ({"work_status": "employed"}, "employed", False),
        ({"work_status": "seeking_work"}, "seeking_work", None),  # still not inactive: nothing to tell
        ({"work_status": "inactive"}, "inactive", True),
        ({"sex": "M"}, "inactive", False),  # the same status, but no longer a woman
        ({"sex": "F"}, "inactive", True),
        ({"work_status": None}, None, False),  # cleared: no longer counted as inactive
    ]
    for n, (body, status, inactive) in enumerate(steps, start=1):
        answer = await correct(intake, person, body)
        assert answer.status_code == 201, answer.text
        assert answer.json()["corrected_fields"] == list(body)
        assert await shown(intake, person) == status
        corrected = await told(intake, person, CORRECTED)
        assert len(corrected) == n and corrected[-1]["corrected_fields"] == list(body)
        assert corrected[-1].get("women_inactive") is inactive, (n, body)
    unchanged = await correct(intake, person, {"work_status": None})
    assert unchanged.status_code == 409 and unchanged.json()["errors"][0]["rule"] == "no_change"
    kept = await intake.fetchval("SELECT count(*) FROM registration_versions WHERE beneficiary_id = $1", person)
    assert kept == len(steps)
