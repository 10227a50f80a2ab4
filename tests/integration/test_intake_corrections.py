"""Corrections over HTTP, in-process, on the real PostgreSQL and Kafka: a registration's fields are
corrected by merging, re-validating, resealing and logging, never by editing history; an
intervention is corrected by a new record that supersedes the old one. What leaves intake is field
names and coarse values only, and reporting applies it to the counts and the timeline."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from aiokafka.structs import ConsumerRecord

from intake.adapters.vault import VaultError
from intake.service_layer.commands_common import today_in_italy
from reporting.service_layer.projection import consumed_contracts
from shared.auth import Role
from shared.db import create_pool, drop_database, ensure_database, migrate
from shared.events.contracts import BeneficiaryCorrected, InterventionCorrected
from shared.settings import PlatformSettings
from tests.integration.intake_support import (
    PROJECT,
    SECOND_PROJECT,
    Intake,
    OutboxEvent,
    assert_no_personal_data,
    errors_of,
    fiscal_code,
    headers,
    registration,
    running_intake,
)
from tests.integration.reporting_support import counted_people, reporting_consumer, timeline_of
from tests.waiting import eventually

pytestmark = pytest.mark.integration

SERVICES = Path(__file__).resolve().parents[2] / "services"
TODAY = today_in_italy()
CORRECTED = "intake.beneficiary_corrected"


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "it_corr") as running:
        yield running


def born(years_ago: int) -> str:
    return date(TODAY.year - years_ago, 6, 15).isoformat()


async def correct(intake: Intake, person: UUID, body: dict, *, org: str, role: Role = Role.operator,
                  **params: Any) -> httpx.Response:
    return await intake.client.post(f"/api/v1/beneficiaries/{person}/corrections", json=body, params=params,
                                    headers=headers(role, org=org))


async def personal(intake: Intake, person: UUID, org: str) -> dict:
    response = await intake.client.get(f"/api/v1/beneficiaries/{person}", params={"purpose": "verifica correzione"},
                                       headers=headers(org=org))
    assert response.status_code == 200, response.text
    return response.json()["personal"]


async def search(intake: Intake, org: str, **params: str) -> set[UUID]:
    response = await intake.client.get("/api/v1/beneficiaries", params=params | {"purpose": "ricerca"},
                                       headers=headers(org=org))
    assert response.status_code == 200, response.text
    return {UUID(i["beneficiary_id"]) for i in response.json()["items"]}


async def state(intake: Intake, person: UUID) -> tuple:
    """Everything a refused correction must leave as it was."""
    row = await intake.fetchrow("SELECT * FROM beneficiaries WHERE beneficiary_id = $1", person)
    logged = await intake.fetchval("SELECT count(*) FROM corrections WHERE beneficiary_id = $1", person)
    versions = await intake.fetchval("SELECT count(*) FROM registration_versions WHERE beneficiary_id = $1", person)
    return dict(row), logged, versions, await intake.event_types(person)


async def corrected_events(intake: Intake, person: UUID) -> list[OutboxEvent]:
    return [e for e in await intake.events(person) if e.event_type == CORRECTED]


def unseal(intake: Intake, person: UUID, key: bytes, sealed: bytes) -> dict:
    return intake.app.state.vault.open(person, key, sealed)


# --- registration corrections -----------------------------------------------------------------

async def test_a_misspelled_name_is_corrected_sealed_searchable_and_logged(intake: Intake):
    org = "coop-corr-name"
    body = registration(first_name="Abdirahmann", last_name="Farah")
    person = await intake.register(body, org=org)
    before = await personal(intake, person, org)
    row_before = await intake.fetchrow("SELECT * FROM beneficiaries WHERE beneficiary_id = $1", person)

    response = await correct(intake, person, {"first_name": "Abdirahman", "reason": "errore di battitura, Hodan"},
                             org=org)
    assert response.status_code == 201, response.text
    assert response.json() == {"beneficiary_id": str(person), "corrected_fields": ["first_name"]}

    assert await personal(intake, person, org) == before | {"first_name": "Abdirahman"}
    assert await search(intake, org, name="Abdirahman") == {person}
    assert await search(intake, org, name="Abdirahmann") == set()
    assert await search(intake, org, name="Farah") == {person}
    row = await intake.fetchrow("SELECT * FROM beneficiaries WHERE beneficiary_id = $1", person)
    assert b"Abdirahman" not in bytes(row["personal"])
    assert row["match_key_index"] != row_before["match_key_index"]
    unchanged = ("sex", "age_band", "legal_status", "reception", "household_size", "italian_level", "languages",
                 "vulnerabilities", "registered_by", "project_ids")
    assert {k: row[k] for k in unchanged} == {k: row_before[k] for k in unchanged}
    key = await intake.fetchval("SELECT wrapped_key FROM person_keys WHERE beneficiary_id = $1", person)
    assert key is not None  # resealed with the person's existing key, which still opens the blob
    assert unseal(intake, person, key, bytes(row["personal"]))["first_name"] == "Abdirahman"

    log = await intake.fetch("SELECT * FROM corrections WHERE beneficiary_id = $1", person)
    assert [(r["target"], r["fields"], r["organisation_id"], r["corrected_by"], r["corrected_on"],
             r["intervention_id"]) for r in log] == [("registration", ["first_name"], org, "op-1", TODAY, None)]
    assert b"Hodan" not in bytes(log[0]["reason"])
    assert unseal(intake, person, key, bytes(log[0]["reason"])) == {"reason": "errore di battitura, Hodan"}
    async with intake.pool.acquire() as conn:
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute("UPDATE corrections SET fields = '{x}' WHERE beneficiary_id = $1", person)
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute("DELETE FROM corrections WHERE beneficiary_id = $1", person)

    events = await intake.events(person)
    assert [e.event_type for e in events] == ["intake.beneficiary_registered", CORRECTED]
    assert events[1].payload == {"corrected_on": TODAY.isoformat(), "corrected_fields": ["first_name"]}
    assert events[1].envelope["project_id"] == PROJECT
    assert_no_personal_data(events[1:], ["Abdirahman", "Farah", "Hodan", "battitura", "Aurora", "example.org"])


async def test_each_superseded_registration_is_kept_sealed_append_only_until_erasure(intake: Intake):
    org = "coop-corr-versions"
    body = registration(first_name="Abdirahmann", last_name="Farah", legal_status="special_protection")
    person = await intake.register(body, org=org)
    first = await correct(intake, person, {"first_name": "Abdirahman", "reason": "battitura"}, org=org)
    second = await correct(intake, person, {"legal_status": "refugee", "reason": "decisione commissione"}, org=org)
    assert (first.status_code, second.status_code) == (201, 201)

    key = await intake.fetchval("SELECT wrapped_key FROM person_keys WHERE beneficiary_id = $1", person)
    versions = await intake.fetch(
        "SELECT v.registration, c.fields FROM registration_versions v JOIN corrections c ON c.seq = v.correction_seq "
        "WHERE v.beneficiary_id = $1 ORDER BY v.seq", person)
    assert [v["fields"] for v in versions] == [["first_name"], ["legal_status"]]
    assert all(b"Abdirahman" not in bytes(v["registration"]) for v in versions)
    opened = [unseal(intake, person, key, bytes(v["registration"])) for v in versions]
    assert [(o["first_name"], o["legal_status"]) for o in opened] == [
        ("Abdirahmann", "special_protection"), ("Abdirahman", "special_protection")]
    assert opened[0]["contacts"] == body["contacts"] | {"address": None}
    assert opened[0]["household"] == body["household"]
    rewrite = "UPDATE registration_versions SET registration = '' WHERE beneficiary_id = $1"
    async with intake.pool.acquire() as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):  # the service role may not even try
            await conn.execute(rewrite, person)
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute("DELETE FROM registration_versions WHERE beneficiary_id = $1", person)
    admin = await asyncpg.connect(intake.admin_dsn)  # past the privileges, the trigger still refuses
    try:
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await admin.execute(rewrite, person)
    finally:
        await admin.close()

    erased = await intake.client.post(f"/api/v1/beneficiaries/{person}/erasure", json={"reason": "art. 17"},
                                      headers=headers(Role.admin, org=org))
    assert erased.status_code == 200, erased.text
    assert await intake.fetchval("SELECT wrapped_key FROM person_keys WHERE beneficiary_id = $1", person) is None
    with pytest.raises(VaultError):  # the versions stay, but nothing opens them once the key is destroyed
        unseal(intake, person, None, bytes(versions[0]["registration"]))


async def test_a_birth_date_correction_moves_the_age_band_in_the_row_and_the_event(intake: Intake):
    org = "coop-corr-age"
    person = await intake.register(registration(birth_date=born(30)), org=org)
    assert (await intake.events(person))[0].payload["age_band"] == "25_34"

    response = await correct(intake, person, {"birth_date": born(50), "reason": "data dal passaporto"}, org=org)
    assert response.status_code == 201, response.text
    assert (await personal(intake, person, org))["birth_date"] == born(50)
    assert await intake.fetchval("SELECT age_band FROM beneficiaries WHERE beneficiary_id = $1", person) == "45_54"
    [event] = await corrected_events(intake, person)
    assert event.payload == {"corrected_on": TODAY.isoformat(), "corrected_fields": ["birth_date"],
                             "age_band": "45_54"}
    assert_no_personal_data([event], [born(50), born(30), "passaporto"])

    # Same band: the birth date changed, the band did not, so no band travels.
    response = await correct(intake, person, {"birth_date": born(51), "reason": "giorno sbagliato"}, org=org)
    assert response.status_code == 201, response.text
    assert (await corrected_events(intake, person))[-1].payload == {
        "corrected_on": TODAY.isoformat(), "corrected_fields": ["birth_date"]}


async def test_coarse_values_travel_only_when_they_change_and_sensitive_ones_never(intake: Intake):
    org = "coop-corr-coarse"
    person = await intake.register(org=org)
    same = await correct(intake, person, {"legal_status": "refugee", "languages": ["so", "en"], "reason": "r"},
                         org=org)
    assert same.status_code == 409 and same.json()["errors"][0]["rule"] == "no_change"

    household = {"size": 3, "children": [{"age": 4}, {"age": 7}], "single_parent": True}
    response = await correct(intake, person, {
        "legal_status": "subsidiary_protection", "household": household, "languages": ["so", "en", "it"],
        "italian_level": "A1", "vulnerabilities": ["victim_of_violence"], "reason": "colloquio con la questura",
    }, org=org)
    assert response.status_code == 201, response.text
    assert response.json()["corrected_fields"] == [
        "legal_status", "household", "languages", "vulnerabilities"]  # italian_level was A1 already
    row = await intake.fetchrow("SELECT * FROM beneficiaries WHERE beneficiary_id = $1", person)
    assert (row["legal_status"], row["household_size"], row["children"], row["single_parent"], row["languages"],
            row["vulnerabilities"]) == ("subsidiary_protection", 3, 2, True, ["so", "en", "it"],
                                        ["victim_of_violence"])
    [event] = await corrected_events(intake, person)
    assert event.payload == {
        "corrected_on": TODAY.isoformat(), "corrected_fields": ["legal_status", "household", "languages",
                                                                "vulnerabilities"],
        "legal_status": "subsidiary_protection", "household_size": 3, "children": 2, "single_parent": True,
        "languages": ["so", "en", "it"]}
    assert_no_personal_data([event], ["victim_of_violence", "questura"])

    # The children's ages are kept, sealed: other ages are a correction of the household that changes
    # no coarse value, so only the field name travels; a later correction keeps them.
    assert (await personal(intake, person, org))["children_ages"] == [4, 7]
    other_ages = household | {"children": [{"age": 5}, {"age": 9}]}
    aged = await correct(intake, person, {"household": other_ages, "reason": "r"}, org=org)
    assert aged.status_code == 201, aged.text
    assert (await corrected_events(intake, person))[-1].payload == {
        "corrected_on": TODAY.isoformat(), "corrected_fields": ["household"]}
    again = await correct(intake, person, {"household": other_ages, "reason": "r"}, org=org)
    assert again.status_code == 409 and again.json()["errors"][0]["rule"] == "no_change"
    # An optional field sent as null is cleared.
    cleared = await correct(intake, person, {"contacts": None, "reason": "numero non più attivo"}, org=org)
    assert cleared.status_code == 201, cleared.text
    assert (await personal(intake, person, org))["contacts"] is None
    assert (await personal(intake, person, org))["children_ages"] == [5, 9]
    assert (await corrected_events(intake, person))[-1].payload["corrected_fields"] == ["contacts"]


async def test_a_correction_breaking_the_fiscal_code_is_refused_and_changes_nothing(intake: Intake):
    org = "coop-corr-code"
    body = registration(with_code=True)
    person = await intake.register(body, org=org)
    birth = date.fromisoformat(body["birth_date"])
    before = await state(intake, person)
    other_sex = "M" if body["sex"] == "F" else "F"
    for change, errors in [
        ({"birth_date": (birth + timedelta(days=1)).isoformat()}, {"fiscal_code": "fiscal_code_mismatch"}),
        ({"sex": other_sex}, {"fiscal_code": "fiscal_code_mismatch"}),
        ({"fiscal_code": "RSSMRA80A01H501X"}, {"fiscal_code": "fiscal_code_invalid"}),
        ({"first_name": None}, {"first_name": "string_type"}),
        ({"household": {"size": 1, "children": [{"age": 3}]}}, {"household.size": "household_too_small"}),
        ({"birth_country": "somalia"}, {"birth_country": "country_code"}),
        ({"consent": {"given": False}}, {"consent": "extra_forbidden"}),
        ({}, {"body": "correction_empty"}),
    ]:
        response = await correct(intake, person, change | {"reason": "verifica documenti"}, org=org)
        assert errors_of(response) == errors, change
    assert await state(intake, person) == before

    new_birth = birth + timedelta(days=1)
    new_code = fiscal_code(body["last_name"], body["first_name"], new_birth, body["sex"])
    response = await correct(intake, person, {"birth_date": new_birth.isoformat(), "fiscal_code": new_code,
                                              "reason": "codice rilasciato dall'Agenzia delle Entrate"}, org=org)
    assert response.status_code == 201, response.text
    assert response.json()["corrected_fields"] == ["birth_date", "fiscal_code"]
    assert await search(intake, org, fiscal_code=new_code) == {person}
    assert await search(intake, org, fiscal_code=body["fiscal_code"]) == set()
    assert_no_personal_data(await corrected_events(intake, person), [new_code, body["fiscal_code"], "Agenzia"])


async def test_a_correction_that_duplicates_another_person_answers_409(intake: Intake):
    org = "coop-corr-dup"
    first = registration(with_code=True)
    existing = await intake.register(first, org=org)
    coded = await intake.register(registration(with_code=True), org=org)
    uncoded = await intake.register(org=org)
    identity = {k: first[k] for k in ("first_name", "last_name", "birth_date", "birth_country")}

    before = await state(intake, coded)
    same_code = identity | {"sex": first["sex"], "fiscal_code": first["fiscal_code"], "reason": "r"}
    for params in ({}, {"confirm_distinct": "true"}):
        response = await correct(intake, coded, same_code, org=org, **params)
        assert response.status_code == 409, response.text
        assert response.json()["matches"] == [
            {"beneficiary_id": str(existing), "reasons": ["same fiscal code", "same name, birth date and country"],
             "link": f"/api/v1/beneficiaries/{existing}/projects"}]
        assert response.json()["can_confirm_distinct"] is False
        assert response.json()["errors"][0]["rule"] == "possible_duplicate"
    assert await state(intake, coded) == before

    before = await state(intake, uncoded)
    response = await correct(intake, uncoded, identity | {"reason": "r"}, org=org)
    assert response.status_code == 409, response.text
    assert response.json()["matches"] == [
        {"beneficiary_id": str(existing), "reasons": ["same name, birth date and country"],
         "link": f"/api/v1/beneficiaries/{existing}/projects"}]
    assert response.json()["can_confirm_distinct"] is True
    assert await state(intake, uncoded) == before

    confirmed = await correct(intake, uncoded, identity | {"reason": "omonimo, verificato"}, org=org,
                              confirm_distinct="true")
    assert confirmed.status_code == 201, confirmed.text
    # The identity did not change since it was confirmed distinct, so it is not checked again.
    later = await correct(intake, uncoded, {"italian_level": "B1", "reason": "test di livello"}, org=org)
    assert later.status_code == 201, later.text
    # Another organisation's people are never duplicates.
    elsewhere = await intake.register(org="coop-corr-dup-2")
    moved = await correct(intake, elsewhere, identity | {"reason": "r"}, org="coop-corr-dup-2")
    assert moved.status_code == 201, moved.text


async def test_erased_people_other_organisations_and_other_roles_are_refused(intake: Intake):
    org = "coop-corr-access"
    person = await intake.register(registration(project_ids=[PROJECT]), org=org)
    recorded = await intake.client.post(f"/api/v1/beneficiaries/{person}/interventions", json=intervention(),
                                        headers=headers(org=org))
    assert recorded.status_code == 201, recorded.text
    intervention_url = (f"/api/v1/beneficiaries/{person}/interventions/{recorded.json()['intervention_id']}"
                        "/corrections")
    fix = {"last_name": "Nur", "reason": "r"}
    before = await state(intake, person)

    assert (await correct(intake, person, fix, org="coop-corr-other")).status_code == 404
    other_org = await intake.client.post(intervention_url, json=intervention(duration_minutes=30, reason="r"),
                                         headers=headers(org="coop-corr-other"))
    assert other_org.status_code == 404
    nobody = await correct(intake, uuid4(), fix, org=org)
    assert nobody.status_code == 404 and [(e["field"], e["rule"]) for e in nobody.json()["errors"]] == [
        ("path.beneficiary_id", "not_found")], nobody.text
    for role in (Role.housing, Role.employment, Role.funder):
        assert (await correct(intake, person, fix, org=org, role=role)).status_code == 403
        response = await intake.client.post(intervention_url, json=intervention(duration_minutes=30, reason="r"),
                                            headers=headers(role, org=org))
        assert response.status_code == 403
    assert (await intake.client.post(f"/api/v1/beneficiaries/{person}/corrections", json=fix)).status_code == 401
    assert await state(intake, person) == before
    assert await intake.fetchval("SELECT count(*) FROM interventions WHERE beneficiary_id = $1", person) == 1

    by_admin = await correct(intake, person, fix, org=org, role=Role.admin)
    assert by_admin.status_code == 201, by_admin.text
    erased = await intake.client.post(f"/api/v1/beneficiaries/{person}/erasure", json={"reason": "art. 17"},
                                      headers=headers(Role.admin, org=org))
    assert erased.status_code == 200, erased.text
    after_erasure = await state(intake, person)
    refused = await correct(intake, person, {"last_name": "Nuur", "reason": "r"}, org=org)
    assert refused.status_code == 409 and refused.json()["errors"][0]["rule"] == "erased"
    refused = await intake.client.post(intervention_url, json=intervention(duration_minutes=30, reason="r"),
                                       headers=headers(org=org))
    assert refused.status_code == 409 and refused.json()["errors"][0]["rule"] == "erased"
    assert await state(intake, person) == after_erasure


# --- intervention corrections -----------------------------------------------------------------

def intervention(**extra: Any) -> dict:
    return {"kind": "intercultural_mediation", "date": TODAY.isoformat(), "duration_minutes": 90,
            "operator_id": "op-7", "project_id": PROJECT, "cost_eur": "45.5", "hours": "1.5"} | extra


async def test_an_intervention_is_corrected_by_a_new_record_and_the_old_one_stays(intake: Intake):
    org = "coop-corr-int"
    person = await intake.register(registration(project_ids=[PROJECT, SECOND_PROJECT]), org=org)
    op = headers(org=org)
    base = f"/api/v1/beneficiaries/{person}/interventions"
    first = UUID((await intake.client.post(base, json=intervention(), headers=op)).json()["intervention_id"])
    original = dict(await intake.fetchrow("SELECT * FROM interventions WHERE intervention_id = $1", first))

    async def correct_intervention(target: UUID, body: dict) -> httpx.Response:
        return await intake.client.post(f"{base}/{target}/corrections", json=body, headers=op)

    assert errors_of(await correct_intervention(first, intervention(project_id="OTHER-1", reason="r"))) == {
        "project_id": "project_not_enrolled"}
    assert errors_of(await correct_intervention(first, intervention(duration_minutes=60))) == {"reason": "missing"}
    unknown = await correct_intervention(uuid4(), intervention(reason="r"))
    assert unknown.status_code == 404 and [(e["field"], e["rule"]) for e in unknown.json()["errors"]] == [
        ("path.intervention_id", "not_found")], unknown.text
    unchanged = await correct_intervention(first, intervention(hours="1.50", reason="r"))
    assert unchanged.status_code == 409 and unchanged.json()["errors"][0]["rule"] == "no_change"

    response = await correct_intervention(first, intervention(duration_minutes=60, hours="1",
                                                              reason="durata sbagliata, mediatrice Samira"))
    assert response.status_code == 201, response.text
    second = UUID(response.json()["intervention_id"])
    assert response.json()["corrects"] == str(first)
    assert dict(await intake.fetchrow("SELECT * FROM interventions WHERE intervention_id = $1", first)) == original
    new_row = await intake.fetchrow("SELECT * FROM interventions WHERE intervention_id = $1", second)
    assert (new_row["corrects"], new_row["duration_minutes"], str(new_row["hours"]), new_row["recorded_by"]) == (
        first, 60, "1.00", "op-1")

    listed = (await intake.client.get(base, headers=op)).json()
    assert (listed["total"], [(i["intervention_id"], i["corrects"], i["superseded_by"]) for i in listed["items"]]) \
        == (1, [(str(second), str(first), None)])
    everything = (await intake.client.get(base, params={"include_superseded": "true"}, headers=op)).json()
    assert everything["total"] == 2
    assert {i["intervention_id"]: (i["corrects"], i["superseded_by"], i["hours"]) for i in everything["items"]} == {
        str(first): (None, str(second), "1.50"), str(second): (str(first), None, "1.00")}

    log = await intake.fetch("SELECT * FROM corrections WHERE beneficiary_id = $1", person)
    assert [(r["target"], r["intervention_id"], r["corrected_intervention_id"], r["fields"]) for r in log] == [
        ("intervention", second, first, ["duration_minutes", "hours"])]
    assert b"Samira" not in bytes(log[0]["reason"])

    [event] = [e for e in await intake.events(person) if e.event_type == "intake.intervention_corrected"]
    assert event.payload == {
        "intervention_id": str(second), "corrected_intervention_id": str(first), "kind": "intercultural_mediation",
        "date": TODAY.isoformat(), "duration_minutes": 60, "hours": "1.00", "project_id": PROJECT,
        "cost_eur": "45.50", "course_id": None}
    assert_no_personal_data([event], ["Samira", "durata", "op-7"])

    superseded = await correct_intervention(first, intervention(duration_minutes=45, reason="r"))
    assert superseded.status_code == 409
    body = superseded.json()
    assert (body["errors"][0]["rule"], body["current_intervention_id"]) == ("superseded", str(second))
    assert str(second) in superseded.json()["detail"]

    third = await correct_intervention(second, intervention(kind="job_orientation", hours=None, cost_eur=None,
                                                            project_id=SECOND_PROJECT, reason="altro progetto"))
    assert third.status_code == 201, third.text
    third_id = third.json()["intervention_id"]
    for old, direct in ((first, second), (second, UUID(third_id))):
        refused = await correct_intervention(old, intervention(duration_minutes=45, reason="r"))
        assert refused.status_code == 409
        assert (refused.json()["current_intervention_id"], refused.json()["superseded_by"]) == (third_id, str(direct))
    listed = (await intake.client.get(base, headers=op)).json()
    assert (listed["total"], [i["intervention_id"] for i in listed["items"]]) == (1, [third_id])
    everything = (await intake.client.get(base, params={"include_superseded": "true"}, headers=op)).json()
    assert everything["total"] == 3
    assert await intake.fetchval("SELECT count(*) FROM interventions WHERE beneficiary_id = $1", person) == 3
    events = [e for e in await intake.events(person) if e.event_type == "intake.intervention_corrected"]
    assert events[-1].envelope["project_id"] == SECOND_PROJECT

    async with intake.pool.acquire() as conn:
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute("UPDATE interventions SET duration_minutes = 1 WHERE intervention_id = $1", first)


# --- reporting and wiring ---------------------------------------------------------------------

@pytest.fixture(scope="module")
async def reporting_pool(real_servers):
    name = f"it_corr_rep_{uuid4().hex[:10]}"
    await ensure_database(real_servers.postgres, name)
    dsn = PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres).database_dsn(name)
    await migrate(dsn, SERVICES / "reporting")
    pool = await create_pool(dsn, min_size=1, max_size=4)
    try:
        yield pool
    finally:
        await pool.close()
        await drop_database(real_servers.postgres, name)


def as_record(event: OutboxEvent, offset: int) -> ConsumerRecord:
    return ConsumerRecord(topic="intake.events", partition=0, offset=offset, timestamp=0, timestamp_type=0,
                          key=event.envelope["beneficiary_id"].encode(), value=event.raw, checksum=None,
                          serialized_key_size=0, serialized_value_size=len(event.raw), headers=[])


async def test_reporting_applies_corrections_to_counts_and_timeline(intake: Intake, reporting_pool):
    assert BeneficiaryCorrected in consumed_contracts() and InterventionCorrected in consumed_contracts()
    org = "coop-corr-report"
    person = await intake.register(registration(birth_date=born(30), sex="F", legal_status="refugee"), org=org)
    untouched = await intake.register(registration(birth_date=born(30), sex="F"), org=org)
    corrected = await correct(intake, person, {"sex": "M", "birth_date": born(50), "legal_status": "special_cases",
                                               "first_name": "Yusuf", "reason": "r"}, org=org)
    assert corrected.status_code == 201, corrected.text
    name_only = await correct(intake, untouched, {"first_name": "Hawa", "reason": "r"}, org=org)
    assert name_only.status_code == 201, name_only.text
    recorded = await intake.client.post(f"/api/v1/beneficiaries/{person}/interventions", json=intervention(),
                                        headers=headers(org=org))
    fixed = await intake.client.post(
        f"/api/v1/beneficiaries/{person}/interventions/{recorded.json()['intervention_id']}/corrections",
        json=intervention(duration_minutes=30, reason="r"), headers=headers(org=org))
    assert fixed.status_code == 201, fixed.text

    events = await intake.events(person) + await intake.events(untouched)
    consumer = reporting_consumer(reporting_pool)
    await consumer.handle_records([as_record(e, n) for n, e in enumerate(events)])

    # The person's counted attributes are the corrected ones; the other's, untouched, stay.
    assert await counted_people(reporting_pool, org) == {
        ("M", "45_54", "special_cases"): 1, ("F", "25_34", "refugee"): 1}
    timeline = await timeline_of(reporting_pool, person)
    assert [t.fact.event_type for t in timeline] == [
        "intake.beneficiary_registered", CORRECTED, "intake.intervention_recorded",
        "intake.intervention_corrected"]
    async with reporting_pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0  # nothing dead-lettered


async def test_corrections_are_in_the_asyncapi_document_and_reach_kafka(intake: Intake):
    document = (await intake.client.get("/asyncapi.json")).text
    for event_type in ("intake.beneficiary_corrected", "intake.intervention_corrected"):
        assert f"{event_type}:publish" in document
    org = "coop-corr-kafka"
    person = await intake.register(org=org)
    assert (await correct(intake, person, {"italian_level": "A2", "reason": "r"}, org=org)).status_code == 201
    query = ("SELECT count(*) FROM outbox WHERE key = $1 AND headers->>'event_type' = $2 "
             "AND seq <= (SELECT published_seq FROM outbox_relay)")
    async def published() -> bool:
        return await intake.fetchval(query, str(person).encode(), CORRECTED) == 1

    await eventually(published, what="the correction published", every_s=0.2)
