"""Reading intake's people over HTTP, in-process, on the real PostgreSQL and Kafka: what a registration
answers and what a read shows, searches by name or fiscal code (a read of personal data, audited), the
list filters and what bad input answers."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID

import asyncpg
import pytest

from intake.adapters.repository import find_duplicates
from intake.domain.fiscal_code import provisional_check_digit
from intake.entrypoints import http
from intake.service_layer.commands_common import today_in_italy
from shared.auth import Role
from tests.integration.intake_support import (
    PROJECT,
    SECOND_PROJECT,
    Intake,
    errors_of,
    headers,
    registration,
    running_intake,
)

pytestmark = pytest.mark.integration

TODAY = today_in_italy()
URL = "/api/v1/beneficiaries"


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def permit(expiry: int) -> dict:
    return {"document": "electronic", "reason": "asilo", "number": "I12345678", "questura": "Roma",
            "issue_date": days(-300), "expiry_date": days(expiry)}


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "it_people") as running:
        yield running


async def listed(intake: Intake, org: str, role: Role = Role.operator, **params) -> tuple[int, set[UUID]]:
    response = await intake.client.get(URL, params=params, headers=headers(role, org=org))
    assert response.status_code == 200, response.text
    return response.json()["total"], {UUID(i["beneficiary_id"]) for i in response.json()["items"]}


async def audit(intake: Intake, org: str) -> list[tuple]:
    rows = await intake.fetch("SELECT beneficiary_id, action, purpose FROM pii_access_log WHERE organisation_id = $1 "
                              "ORDER BY id", org)
    return [tuple(r) for r in rows]


# --- what a registration answers and a read shows ----------------------------------------------

async def test_a_read_returns_what_was_registered_personal_parts_only_with_a_purpose(intake: Intake):
    org = "coop-view"
    await intake.ensure_projects(org, [PROJECT])
    code = "1234567890"
    body = registration(
        fiscal_code=code + provisional_check_digit(code), permit=permit(20),
        household={"size": 3, "children": [{"age": 4}, {"age": 11}], "single_parent": True},
        vulnerabilities=["pregnant", "victim_of_violence"],
    )
    created = await intake.client.post(URL, json=body, headers=headers(org=org))
    assert created.status_code == 201, created.text
    assert created.json()["permit_status"] == "expiring_soon"
    person = UUID(created.json()["beneficiary_id"])

    plain = (await intake.client.get(f"{URL}/{person}", headers=headers(org=org))).json()
    assert {k: plain[k] for k in ("languages", "children", "single_parent", "household_size", "permit_status")} == {
        "languages": ["so", "en"], "children": 2, "single_parent": True, "household_size": 3,
        "permit_status": "expiring_soon"}
    assert plain["consent"] == {"date": body["consent"]["date"], "scope": ["processing", "funder_reporting"]}
    assert "personal" not in plain and "vulnerabilities" not in str(plain) and "pregnant" not in str(plain)

    full = (await intake.client.get(f"{URL}/{person}", params={"purpose": "presa in carico"},
                                    headers=headers(org=org))).json()["personal"]
    assert (full["children_ages"], full["vulnerabilities"], full["fiscal_code_provisional"]) == (
        [4, 11], ["pregnant", "victim_of_violence"], True)
    assert (full["fiscal_code"], full["permit"]["expiry_date"]) == (body["fiscal_code"], days(20))
    assert (await intake.client.get(f"{URL}/{person}", params={"purpose": "abbinamento"},
                                    headers=headers(Role.housing, org=org))).status_code == 403

    expired = await intake.client.post(URL, json=registration(permit=permit(-1)), headers=headers(org=org))
    assert expired.json()["permit_status"] == "expired"
    without = await intake.client.post(URL, json=registration(), headers=headers(org=org))
    assert "permit_status" not in without.json()
    coded = await intake.client.post(URL, json=registration(with_code=True), headers=headers(org=org))
    coded_id = coded.json()["beneficiary_id"]
    shown = (await intake.client.get(f"{URL}/{coded_id}", params={"purpose": "verifica"}, headers=headers(org=org)))
    assert shown.json()["personal"]["fiscal_code_provisional"] is False


async def test_registration_dates_come_from_italy_not_the_server(intake: Intake, monkeypatch):
    org = "coop-italy"
    await intake.ensure_projects(org, [PROJECT])
    italy = TODAY - timedelta(days=1)  # e.g. 00:30 in Rome is still yesterday on a UTC server...
    monkeypatch.setattr(http, "today_in_italy", lambda: italy)
    person = await intake.register(registration(permit=permit(-1)), org=org)
    assert await intake.fetchval("SELECT registered_on FROM beneficiaries WHERE beneficiary_id = $1", person) == italy
    shown = (await intake.client.get(f"{URL}/{person}", headers=headers(org=org))).json()
    assert shown["permit_status"] == "expiring_soon"  # the server's today would call it expired
    [event] = await intake.events(person)
    assert event.payload["registered_on"] == italy.isoformat()


# --- names ------------------------------------------------------------------------------------

async def test_names_without_a_letter_are_refused_naming_the_field(intake: Intake):
    org = "coop-names"
    await intake.ensure_projects(org, [PROJECT])
    before = await intake.fetchval("SELECT count(*) FROM beneficiaries")
    for names, expected in [
        ({"first_name": "."}, {"first_name": "name_without_letters"}),
        ({"last_name": "-"}, {"last_name": "name_without_letters"}),
        ({"first_name": "12", "last_name": "'"}, {"first_name": "name_without_letters",
                                                  "last_name": "name_without_letters"}),
    ]:
        response = await intake.client.post(URL, json=registration(**names), headers=headers(org=org))
        assert errors_of(response) == expected, names
    assert await intake.fetchval("SELECT count(*) FROM beneficiaries") == before
    person = await intake.register(registration(first_name="N'Golo", last_name="Ka-Té"), org=org)
    fix = await intake.client.post(f"{URL}/{person}/corrections", json={"first_name": "--", "reason": "r"},
                                   headers=headers(org=org))
    assert errors_of(fix) == {"first_name": "name_without_letters"}
    search = await intake.client.get(URL, params={"name": ".", "purpose": "ricerca"}, headers=headers(org=org))
    assert errors_of(search) == {"query.name": "name_without_letters"}


# --- searches by name or fiscal code ----------------------------------------------------------

async def test_searching_by_name_or_fiscal_code_needs_a_purpose_and_the_role_and_is_audited(intake: Intake):
    org = "coop-search"
    body = registration(with_code=True)
    person = await intake.register(body, org=org)
    for role, params in [
        (Role.operator, {"name": body["last_name"]}),
        (Role.operator, {"fiscal_code": body["fiscal_code"]}),
        (Role.housing, {"name": body["last_name"]}),
        (Role.employment, {"fiscal_code": body["fiscal_code"], "purpose": "abbinamento"}),
    ]:
        response = await intake.client.get(URL, params=params, headers=headers(role, org=org))
        assert response.status_code == 403, (role, params)
        assert "name or fiscal code" in response.json()["detail"]
        assert response.json()["errors"][0]["rule"] == "personal_data_refused"
    assert await audit(intake, org) == []
    # Without a name or fiscal code the coarse list stays open to the matching teams, unaudited.
    assert await listed(intake, org, Role.housing) == (1, {person})

    assert await listed(intake, org, name=body["first_name"], purpose="colloquio") == (1, {person})
    assert await listed(intake, org, fiscal_code=body["fiscal_code"].lower(), purpose="verifica doppioni") == (
        1, {person})
    assert await listed(intake, org, name="Nessuno", purpose="verifica doppioni") == (0, set())
    assert await audit(intake, org) == [(person, "search", "colloquio"), (person, "search", "verifica doppioni"),
                                        (None, "search", "verifica doppioni")]


async def test_the_audit_log_is_append_only(intake: Intake):
    org = "coop-audit-only"
    person = await intake.register(org=org)
    await intake.client.get(f"{URL}/{person}", params={"purpose": "rinnovo"}, headers=headers(org=org))
    assert len(await audit(intake, org)) == 1
    async with intake.pool.acquire() as conn:
        for statement in ("UPDATE pii_access_log SET purpose = 'x' WHERE organisation_id = $1",
                          "DELETE FROM pii_access_log WHERE organisation_id = $1"):
            with pytest.raises(asyncpg.PostgresError, match="append-only"):
                await conn.execute(statement, org)
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute("TRUNCATE pii_access_log")
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("INSERT INTO pii_access_log (actor, actor_role, organisation_id, action, purpose) "
                               "VALUES ('op', 'operator', $1, 'read', 'p')", org)
    assert await audit(intake, org) == [(person, "read", "rinnovo")]


# --- list filters -----------------------------------------------------------------------------

async def test_the_deadline_filter_includes_overdue_people_with_open_paths(intake: Intake):
    org = "coop-overdue"
    expired = await intake.register(registration(permit=permit(-10)), org=org)
    left = await intake.register(registration(reception={"kind": "cas", "must_leave_by": days(-3)}), org=org)
    due = await intake.register(registration(reception={"kind": "cas", "must_leave_by": days(7)}), org=org)
    await intake.register(registration(reception={"kind": "cas", "must_leave_by": days(60)}), org=org)
    closed = await intake.register(registration(permit=permit(-5)), org=org)
    moved = await intake.client.post(f"{URL}/{closed}/transitions", headers=headers(org=org), json={
        "to": "transferred", "reason": "altro progetto", "reason_category": "transferred_to_other_service"})
    assert moved.status_code == 201, moved.text

    assert await listed(intake, org, deadline_within_days=10) == (3, {expired, left, due})
    assert await listed(intake, org, deadline_within_days=0) == (2, {expired, left})


async def test_status_project_and_name_filters_are_checked_and_applied(intake: Intake):
    org = "coop-filters"
    first = await intake.register(registration(first_name="Hodan", last_name="Warsame"), org=org)
    second = await intake.register(registration(first_name="Yonas", last_name="Tesfaye",
                                                project_ids=[PROJECT, SECOND_PROJECT]), org=org)
    moved = await intake.client.post(f"{URL}/{second}/transitions", headers=headers(org=org), json={
        "to": "interrupted", "reason": "trasferito", "reason_category": "moved_away"})
    assert moved.status_code == 201, moved.text

    assert await listed(intake, org, status="interrupted") == (1, {second})
    assert await listed(intake, org, status="taken_in_charge") == (1, {first})
    assert await listed(intake, org, project_id=SECOND_PROJECT) == (1, {second})
    assert await listed(intake, org, project_id=PROJECT) == (2, {first, second})
    assert await listed(intake, org, name="warsame", purpose="colloquio") == (1, {first})
    assert await listed(intake, org, name="Hodan Warsame", status="interrupted", purpose="colloquio") == (0, set())

    bad_status = await intake.client.get(URL, params={"status": "closed"}, headers=headers(org=org))
    assert errors_of(bad_status) == {"query.status": "enum"}
    assert "taken_in_charge" in bad_status.json()["errors"][0]["message"]
    assert "transferred" in bad_status.json()["errors"][0]["message"]
    bad_project = await intake.client.get(URL, params={"project_id": "FAMI-2024-01"}, headers=headers(org=org))
    assert errors_of(bad_project) == {"query.project_id": "unknown_project"}


# --- the duplicate search stays a lookup as an organisation grows -------------------------------

async def test_duplicate_search_looks_the_hashes_up_even_for_an_organisation_the_statistics_do_not_know(intake):
    """Statistics taken before a new organisation's first people make the planner think it has none;
    a search that let it start from the organisation would then read every one of its people on each
    registration (found by the registration benchmark: 1 ms and 4,000 buffers a search)."""
    people = """
        INSERT INTO beneficiaries (beneficiary_id, organisation_id, match_key_index, sex, age_band, legal_status,
            reception, household_size, children, single_parent, italian_level, project_ids, consent_date,
            consent_scope, registered_on, registered_by)
        SELECT gen_random_uuid(), $1, sha256(($1 || i)::bytea), 'F', '25_34', 'refugee', 'cas', 1, 0, false, 'A1',
               '{}', current_date, '{processing}', current_date, 'op'
        FROM generate_series(1, $2) AS i
    """
    org = "coop-growing"
    async with intake.pool.acquire() as conn:
        for established in ("coop-est-1", "coop-est-2", "coop-est-3"):
            await conn.execute(people, established, 2000)
        await conn.execute("ANALYZE beneficiaries")  # statistics that know every organisation but the new one
        await conn.execute(people, org, 3000)
        await conn.execute("LOAD 'auto_explain'")
        await conn.execute("SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; "
                           "SET auto_explain.log_buffers = on; SET auto_explain.log_level = notice; "
                           "SET auto_explain.log_format = json")
        plans: list[str] = []

        def note(_conn, message) -> None:
            plans.append(message.message)

        conn.add_log_listener(note)
        try:
            await search_eight_times(conn, org, plans)
        finally:
            conn.remove_log_listener(note)
            await conn.execute("RESET ALL")  # the pool hands this connection on as it is


async def search_eight_times(conn, org: str, plans: list[str]) -> None:
    """Searches past the prepared statement's custom plans, into its generic one: each a lookup."""
    for attempt in range(8):
        known = await conn.fetchval("SELECT match_key_index FROM beneficiaries WHERE organisation_id = $1 "
                                    "OFFSET $2 LIMIT 1", org, attempt)
        plans.clear()
        found = await find_duplicates(conn, organisation_id=org, fiscal_code_index=None, match_key_index=known)
        assert [r.match_key == known for r in found] == [True]
        searched = [p for p in plans if "WITH same AS MATERIALIZED" in p]
        assert searched, plans
        buffers = [int(n) for n in re.findall(r'"Shared Hit Blocks": (\d+)', searched[-1])]
        assert max(buffers) < 50, f"the search read {max(buffers)} buffers: {searched[-1][:2000]}"
