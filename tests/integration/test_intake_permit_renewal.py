"""A permit whose renewal was applied for, on the real PostgreSQL and Kafka: past its expiry day it shows
permit_status 'renewal_pending', not 'expired', in the registration's answer, the person and the list,
for every role that sees the status; the flag is kept in plain (migration 0021) by registration, the
caseload import and corrections; a pending renewal keeps the permit out of the due list."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest

from intake.service_layer.commands_common import today_in_italy
from shared.auth import Role
from shared.db import drop_database, ensure_database, migrate
from shared.settings import PlatformSettings
from tests.integration.intake_support import PROJECT, Intake, headers, registration, running_intake

pytestmark = pytest.mark.integration

SERVICES = Path(__file__).resolve().parents[2] / "services"
TODAY = today_in_italy()
URL = "/api/v1/beneficiaries"
ORG = "coop-renewal"
OPERATOR = headers(org=ORG)


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def permit(expiry: int, *, renewal_pending: bool) -> dict:
    return {"document": "electronic", "reason": "asilo", "number": "I12345678", "questura": "Roma",
            "issue_date": days(-700), "expiry_date": days(expiry), "renewal_pending": renewal_pending}


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "it_renewal") as running:
        await running.ensure_projects(ORG, [PROJECT])
        yield running


async def register(intake: Intake, body: dict) -> tuple[UUID, dict]:
    created = await intake.client.post(URL, json=body, headers=OPERATOR)
    assert created.status_code == 201, created.text
    return UUID(created.json()["beneficiary_id"]), created.json()


async def shown(intake: Intake, person: UUID, role: Role = Role.operator) -> dict:
    response = await intake.client.get(f"{URL}/{person}", headers=headers(role, org=ORG))
    assert response.status_code == 200, response.text
    return response.json()


async def stored_flag(intake: Intake, person: UUID) -> bool:
    return await intake.fetchval("SELECT permit_renewal_pending FROM beneficiaries WHERE beneficiary_id = $1", person)


async def correct(intake: Intake, person: UUID, body: dict) -> None:
    response = await intake.client.post(f"{URL}/{person}/corrections", json=body | {"reason": "ricevuta"},
                                        headers=OPERATOR)
    assert response.status_code == 201, response.text


async def test_registration_answers_and_stores_the_renewal_and_each_role_sees_the_status(intake: Intake):
    lapsed, answer = await register(intake, registration(permit=permit(-10, renewal_pending=True)))
    assert answer["permit_status"] == "renewal_pending" and await stored_flag(intake, lapsed) is True
    _, expired = await register(intake, registration(permit=permit(-10, renewal_pending=False)))
    assert expired["permit_status"] == "expired"
    early, soon = await register(intake, registration(permit=permit(20, renewal_pending=True)))
    assert soon["permit_status"] == "expiring_soon" and await stored_flag(intake, early) is True
    _, plain = await register(intake, registration())
    assert "permit_status" not in plain

    operator = await shown(intake, lapsed)
    assert (operator["permit_status"], operator["permit_expiry"], operator["permit_renewal_pending"]) == (
        "renewal_pending", days(-10), True)
    for role in (Role.housing, Role.employment):
        seen = await shown(intake, lapsed, role)
        assert (seen["permit_status"], seen["permit_expiry_month"]) == ("renewal_pending", days(-10)[:7]), role
        assert "permit_expiry" not in seen and "permit_renewal_pending" not in seen, role
        assert (await shown(intake, early, role))["permit_status"] == "expiring_soon", role
        listed = await intake.client.get(URL, headers=headers(role, org=ORG))
        statuses = {i["beneficiary_id"]: i["permit_status"] for i in listed.json()["items"]}
        assert statuses[str(lapsed)] == "renewal_pending" and statuses[str(early)] == "expiring_soon", role
        assert all("permit_renewal_pending" not in i for i in listed.json()["items"]), role


async def test_a_pending_renewal_leaves_the_due_list_and_a_correction_sets_and_clears_it(intake: Intake):
    person, _ = await register(intake, registration(permit=permit(-5, renewal_pending=False)))

    async def due() -> set[str]:
        response = await intake.client.get(URL, params={"deadline_within_days": 30, "limit": 200}, headers=OPERATOR)
        assert response.status_code == 200, response.text
        return {i["beneficiary_id"] for i in response.json()["items"]}

    assert (await shown(intake, person))["permit_status"] == "expired" and str(person) in await due()

    await correct(intake, person, {"permit": permit(-5, renewal_pending=True)})
    assert await stored_flag(intake, person) is True
    assert (await shown(intake, person))["permit_status"] == "renewal_pending"
    assert (await shown(intake, person, Role.housing))["permit_status"] == "renewal_pending"
    assert str(person) not in await due()
    sealed = (await intake.client.get(f"{URL}/{person}", params={"purpose": "verifica rinnovo"},
                                      headers=OPERATOR)).json()["personal"]["permit"]
    assert sealed["renewal_pending"] is True

    await correct(intake, person, {"permit": permit(-5, renewal_pending=False)})  # the questura refused
    assert await stored_flag(intake, person) is False
    assert (await shown(intake, person, Role.employment))["permit_status"] == "expired"
    assert str(person) in await due()

    await correct(intake, person, {"permit": permit(-5, renewal_pending=True)})
    await correct(intake, person, {"permit": None})
    assert await stored_flag(intake, person) is False
    assert (await shown(intake, person))["permit_status"] is None


async def test_any_correction_writes_the_flag_the_sealed_permit_holds(intake: Intake):
    """A person registered before migration 0021 reads false whatever their sealed permit says; the next
    correction, of any field, writes the sealed value into the column."""
    person, _ = await register(intake, registration(permit=permit(-3, renewal_pending=True)))
    await intake.fetchval("UPDATE beneficiaries SET permit_renewal_pending = false WHERE beneficiary_id = $1", person)
    assert (await shown(intake, person))["permit_status"] == "expired"
    await correct(intake, person, {"italian_level": "A2"})
    assert await stored_flag(intake, person) is True
    assert (await shown(intake, person))["permit_status"] == "renewal_pending"


async def test_the_caseload_import_takes_the_renewal_column(intake: Intake):
    admin = headers(Role.admin, org=ORG, sub="admin-renewal")
    template = await intake.client.get("/api/v1/imports/templates/people", params={"format": "csv"}, headers=admin)
    assert "permit_renewal_pending" in next(csv.reader(io.StringIO(template.text)))
    header = ["reference", "first_name", "last_name", "sex", "birth_date", "birth_country", "citizenship",
              "legal_status", "permit_document", "permit_reason", "permit_number", "permit_questura",
              "permit_issue_date", "permit_expiry_date", "permit_renewal_pending", "reception", "household_size",
              "italian_level", "consent_date", "consent_scope", "project_ids"]
    common = ["F", "electronic", "asilo", "I12345678", "Roma", days(-700), days(-20)]

    def row(ref: str, last: str, birth: str, renewal: str) -> list[str]:
        sex, *perm = common
        return [ref, "Hawa", last, sex, birth, "SL", "SL", "refugee", *perm, renewal, "sai", "1", "A1",
                days(-1), "processing", PROJECT]

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow(row("REN-1", "Sesayrenew", "1990-04-02", "si"))
    writer.writerow(row("REN-2", "Sesaynorenew", "1991-05-03", ""))
    answer = await intake.client.post("/api/v1/imports/people", headers=admin,
                                      files={"file": ("people.csv", out.getvalue().encode())})
    assert answer.status_code == 201, answer.text
    assert answer.json()["invalid"] == 0, answer.text
    renewing, lapsed = (UUID(i["beneficiary_id"]) for i in answer.json()["items"])
    assert (await stored_flag(intake, renewing), await stored_flag(intake, lapsed)) == (True, False)
    assert (await shown(intake, renewing, Role.housing))["permit_status"] == "renewal_pending"
    assert (await shown(intake, lapsed, Role.housing))["permit_status"] == "expired"


def migrations_before(tmp_path: Path, first_missing: str) -> Path:
    """Intake's migrations as they were before `first_missing`, under the service's name."""
    folder = tmp_path / "intake" / "migrations"
    folder.mkdir(parents=True)
    for sql in sorted((SERVICES / "intake" / "migrations").glob("*.sql")):
        if sql.name < first_missing:
            shutil.copy(sql, folder / sql.name)
    return folder.parent


async def test_migration_0021_reads_false_for_people_stored_before_it(real_servers, tmp_path):
    name = f"it_renewal_mig_{uuid4().hex[:10]}"
    await ensure_database(real_servers.postgres, name)
    dsn = PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres).database_dsn(name)
    try:
        await migrate(dsn, migrations_before(tmp_path, "0021"))
        person = uuid4()
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("INSERT INTO beneficiaries (beneficiary_id, organisation_id, sex, age_band, "
                               "legal_status, reception, permit_expiry, household_size, children, single_parent, "
                               "italian_level, project_ids, consent_date, consent_scope, registered_on, "
                               "registered_by) VALUES ($1, 'o', 'F', '25_34', 'refugee', 'sai', $2, 1, 0, false, "
                               "'A1', '{P}', current_date, '{processing}', current_date, 'op')",
                               person, TODAY - timedelta(days=3))
        finally:
            await conn.close()
        assert "intake/0021_permit_renewal_pending.sql" in await migrate(dsn, SERVICES / "intake")
        conn = await asyncpg.connect(dsn)
        try:
            stored = await conn.fetchrow("SELECT permit_expiry, permit_renewal_pending FROM beneficiaries "
                                         "WHERE beneficiary_id = $1", person)
        finally:
            await conn.close()
        assert tuple(stored) == (TODAY - timedelta(days=3), False)
    finally:
        await drop_database(real_servers.postgres, name)
