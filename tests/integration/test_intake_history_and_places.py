"""Registrations dated in the past (taken_in_charge_on) and where people live, on real PostgreSQL:
each rule answers 422 naming the field and stores nothing; events carry the day and the place; a
move is a correction; a fiscal code's place part must be the birth country's."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from intake.service_layer.commands_common import today_in_italy
from tests.integration.intake_support import (
    PROJECT,
    Intake,
    errors_of,
    fiscal_code,
    headers,
    registration,
    running_intake,
)

pytestmark = pytest.mark.integration
ORG = "coop-history"
URL = "/api/v1/beneficiaries"


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "intake_history") as running:
        await running.ensure_projects(ORG, [PROJECT])  # started 100 days ago
        yield running


async def register(intake: Intake, body: dict):
    return await intake.client.post(URL, json=body, headers=headers(org=ORG))


def ago(days: int) -> str:
    return (today_in_italy() - timedelta(days=days)).isoformat()


async def count(intake: Intake) -> tuple[int, int]:
    return (await intake.fetchval("SELECT count(*) FROM beneficiaries WHERE organisation_id = $1", ORG),
            await intake.fetchval("SELECT count(*) FROM outbox"))


async def test_a_registration_dated_in_the_past_is_stored_and_announced_with_its_day(intake: Intake):
    answer = await register(intake, registration(taken_in_charge_on=ago(60)))
    assert answer.status_code == 201, answer.text
    person = UUID(answer.json()["beneficiary_id"])
    (event,) = await intake.events(person)
    assert (event.payload["taken_in_charge_on"], event.payload["registered_on"]) == (
        ago(60), today_in_italy().isoformat())
    read = await intake.client.get(f"{URL}/{person}", headers=headers(org=ORG))
    assert read.json()["taken_in_charge_on"] == ago(60)
    today = await register(intake, registration())
    (event,) = await intake.events(UUID(today.json()["beneficiary_id"]))
    assert event.payload["taken_in_charge_on"] == today_in_italy().isoformat()


async def test_taken_in_charge_on_is_never_in_the_future_nor_before_birth_nor_before_its_project(intake: Intake):
    before = await count(intake)
    future = await register(intake, registration(taken_in_charge_on=(today_in_italy() + timedelta(days=1)).isoformat()))
    assert errors_of(future) == {"taken_in_charge_on": "date_in_future"}
    body = registration()
    unborn = await register(intake, body | {"taken_in_charge_on": (date.fromisoformat(body["birth_date"])
                                                                   - timedelta(days=1)).isoformat()})
    assert errors_of(unborn) == {"taken_in_charge_on": "taken_in_charge_before_birth"}
    early = await register(intake, registration(taken_in_charge_on=ago(101)))
    assert errors_of(early) == {"project_ids.0": "taken_in_charge_before_project"}
    assert "before project FAMI-2024-001 started" in early.json()["errors"][0]["message"]
    assert await count(intake) == before


async def test_residence_and_accepted_areas_are_checked_against_the_municipality_list(intake: Intake):
    before = await count(intake)
    for residence, expected in [
        ({"municipality": "999999"}, "unknown_municipality"),
        ({"province": "ZZ"}, "unknown_province"),
        ({"province": "MI", "municipality": "058091"}, "municipality_not_in_province"),  # Roma is in RM
        ({}, "residence_empty"),
    ]:
        refused = await register(intake, registration(residence=residence))
        assert errors_of(refused) == {"residence": expected}, residence
    refused = await register(intake, registration(accepted_areas=["RM", "XX"]))
    assert errors_of(refused) == {"accepted_areas": "unknown_province"}
    assert await count(intake) == before

    answer = await register(intake, registration(residence={"municipality": "058091"}, accepted_areas=["RM", "LT"]))
    assert answer.status_code == 201, answer.text
    person = UUID(answer.json()["beneficiary_id"])
    (event,) = await intake.events(person)
    assert (event.payload["area"], event.payload["municipality"], event.payload["accepted_areas"]) == (
        "RM", "058091", ["RM", "LT"])
    row = await intake.fetchrow("SELECT area, municipality, accepted_areas FROM beneficiaries "
                                "WHERE beneficiary_id = $1", person)
    assert tuple(row) == ("RM", "058091", ["RM", "LT"])


async def test_a_move_is_a_correction_of_the_residence_announced_with_the_new_place(intake: Intake):
    person = await intake.register(registration(residence={"province": "RM", "municipality": "058091"}), org=ORG)
    moved = await intake.client.post(f"{URL}/{person}/corrections", headers=headers(org=ORG), json={
        "residence": {"municipality": "059011"}, "accepted_areas": ["LT"], "reason": "moved to Latina"})
    assert moved.status_code == 201, moved.text
    assert moved.json()["corrected_fields"] == ["residence", "accepted_areas"]
    corrected = (await intake.events(person))[-1]
    assert corrected.event_type == "intake.beneficiary_corrected"
    assert (corrected.payload["area"], corrected.payload["municipality"], corrected.payload["accepted_areas"]) == (
        "LT", "059011", ["LT"])
    row = await intake.fetchrow("SELECT area, municipality FROM beneficiaries WHERE beneficiary_id = $1", person)
    assert tuple(row) == ("LT", "059011")
    wrong = await intake.client.post(f"{URL}/{person}/corrections", headers=headers(org=ORG), json={
        "residence": {"municipality": "123456"}, "reason": "typo"})
    assert errors_of(wrong) == {"residence": "unknown_municipality"}


async def test_a_fiscal_code_place_must_be_the_birth_country_or_a_real_municipality(intake: Intake):
    body = registration()
    first, last, sex = body["first_name"], body["last_name"], body["sex"]
    birth = date.fromisoformat(body["birth_date"])
    before = await count(intake)
    for place, country, says in [("Z336", "SO", "another country's: born in SO gives Z345"),
                                 ("Z999", "SO", "no country's"),
                                 ("H501", "SO", "an Italian municipality's, but the birth country is SO"),
                                 ("Z345", "IT", "a foreign country's")]:
        refused = await register(intake, body | {"birth_country": country,
                                                 "fiscal_code": fiscal_code(last, first, birth, sex, place=place)})
        assert errors_of(refused) == {"fiscal_code": "fiscal_code_place"}, place
        assert says in refused.json()["errors"][0]["message"]
    assert await count(intake) == before
    accepted = await register(intake, body | {"fiscal_code": fiscal_code(last, first, birth, sex, place="Z345")})
    assert accepted.status_code == 201, accepted.text


async def test_path_moves_can_be_dated_in_the_past_in_order_and_not_before_the_path_began(intake: Intake):
    person = await intake.register(registration(taken_in_charge_on=ago(50)), org=ORG)
    url = f"{URL}/{person}/transitions"

    async def move(to: str, on: str | None):
        body = {"to": to, "reason": "history", "reason_category": "other"} | ({"changed_on": on} if on else {})
        return await intake.client.post(url, json=body, headers=headers(org=ORG))

    assert errors_of(await move("interrupted", ago(51))) == {"changed_on": "before_taken_in_charge"}
    moved = await move("interrupted", ago(40))
    assert moved.status_code == 201, moved.text
    assert errors_of(await move("taken_in_charge", ago(45))) == {"changed_on": "before_last_move"}
    resumed = await move("taken_in_charge", ago(30))
    assert resumed.status_code == 201, resumed.text
    events = [e for e in await intake.events(person) if e.event_type == "intake.path_status_changed"]
    assert [e.payload["changed_on"] for e in events] == [ago(40), ago(30)]
    future = await move("interrupted", (today_in_italy() + timedelta(days=1)).isoformat())
    assert errors_of(future) == {"changed_on": "date_in_future"}


async def test_a_birth_country_or_citizenship_must_be_a_country_on_iso_3166s_list(intake: Intake):
    before = await count(intake)
    refused = await register(intake, registration(birth_country="ZZ", citizenship="QQ"))
    assert errors_of(refused) == {"birth_country": "unknown_country", "citizenship": "unknown_country"}
    assert "'ZZ' is not a country" in refused.json()["errors"][0]["message"]
    assert await count(intake) == before
    person = await intake.register(registration(), org=ORG)
    wrong = await intake.client.post(f"{URL}/{person}/corrections", headers=headers(org=ORG),
                                     json={"citizenship": "XX", "reason": "typo"})
    assert errors_of(wrong) == {"citizenship": "unknown_country"}
    # Italy, Kosovo (a code ISO leaves to users, the Agenzia delle Entrate has one), Western Sahara and Hong
    # Kong (no Z code of their own) are places people come from; a stateless person has no citizenship
    for country, citizenship in (("IT", "IT"), ("XK", "XK"), ("EH", "stateless"), ("HK", "CN")):
        accepted = await register(intake, registration(birth_country=country, citizenship=citizenship))
        assert accepted.status_code == 201, (country, accepted.text)
