"""Assessments read back by operators (coarse part always, sealed part with an audited purpose), and
the end of skill names on the wire: v2 events, stored v1 events upcast, old rows migrated in intake's
assessments and reporting's timeline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest
from aiokafka.structs import ConsumerRecord

from intake.service_layer.commands_common import today_in_italy
from shared.auth import Role
from shared.db import create_pool, drop_database, ensure_database, migrate
from shared.settings import PlatformSettings
from tests.integration.intake_support import ORG, OTHER_ORG, Intake, headers, running_intake
from tests.integration.reporting_support import reporting_consumer, timeline_of

pytestmark = pytest.mark.integration

SERVICES = Path(__file__).resolve().parents[2] / "services"
OPERATOR = headers()
ASSESSMENT = {
    "skills": [{"name": "Lavapiatti da Pizzeria Bekele", "level": 2}, {"name": "Muratore", "level": 3}],
    "work_experience": [{"sector": "I", "years": 2}],
    "needs": {"work": ["tirocinio"], "housing": ["casa vicino a zio Tesfamariam"], "social": []},
    "vulnerabilities": ["victim_of_trafficking"],
}
SECOND = ASSESSMENT | {"skills": [{"name": "Saldatura", "level": 4}], "vulnerabilities": []}


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "it_assess") as running:
        yield running


async def assess(intake: Intake, person: UUID, body: dict, org: str = ORG) -> str:
    response = await intake.client.post(f"/api/v1/beneficiaries/{person}/assessments", json=body,
                                        headers=headers(org=org))
    assert response.status_code == 201, response.text
    return response.json()["assessment_id"]


async def audit_rows(intake: Intake, person: UUID) -> list[tuple]:
    rows = await intake.fetch("SELECT actor, action, purpose FROM pii_access_log WHERE beneficiary_id = $1 "
                              "ORDER BY id", person)
    return [tuple(r) for r in rows]


async def test_assessments_read_back_newest_first_coarse_without_purpose(intake: Intake):
    person = await intake.register()
    first, second = await assess(intake, person, ASSESSMENT), await assess(intake, person, SECOND)
    response = await intake.client.get(f"/api/v1/beneficiaries/{person}/assessments", headers=OPERATOR)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [i["assessment_id"] for i in items] == [second, first]
    assert items[1] == {
        "assessment_id": first, "assessed_on": today_in_italy().isoformat(), "recorded_by": "op-1",
        "skills_per_level": [{"level": 2, "count": 1}, {"level": 3, "count": 1}],
        "work_experience": [{"sector": "I", "years": 2.0}],
        "need_keywords": {"work": ["traineeship"], "housing": ["other"], "social": []},
        "vulnerability_count": 1,
    }
    for secret in ("Bekele", "Muratore", "Tesfamariam", "trafficking"):
        assert secret not in response.text
    assert await audit_rows(intake, person) == []


async def test_the_sealed_part_needs_a_purpose_and_is_audited(intake: Intake):
    person = await intake.register()
    await assess(intake, person, ASSESSMENT)
    url = f"/api/v1/beneficiaries/{person}/assessments"
    response = await intake.client.get(url, params={"purpose": "bilancio di verifica"}, headers=OPERATOR)
    assert response.status_code == 200, response.text
    personal = response.json()["items"][0]["personal"]
    assert personal == {"skills": ASSESSMENT["skills"], "needs": ASSESSMENT["needs"],
                        "vulnerabilities": ["victim_of_trafficking"]}
    assert await audit_rows(intake, person) == [("op-1", "read_assessments", "bilancio di verifica")]

    short = await intake.client.get(url, params={"purpose": "x"}, headers=OPERATOR)
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "query.purpose"
    assert len(await audit_rows(intake, person)) == 1


async def test_only_operators_and_admins_of_the_organisation_read_assessments(intake: Intake):
    person = await intake.register()
    await assess(intake, person, ASSESSMENT)
    url = f"/api/v1/beneficiaries/{person}/assessments"
    for role in (Role.housing, Role.employment, Role.funder):
        assert (await intake.client.get(url, headers=headers(role))).status_code == 403, role
    other = await intake.client.get(url, params={"purpose": "curiosità"}, headers=headers(org=OTHER_ORG))
    assert other.status_code == 404
    admin = await intake.client.get(url, params={"purpose": "verifica"}, headers=headers(Role.admin, sub="admin-1"))
    assert admin.status_code == 200 and admin.json()["items"][0]["personal"]["skills"] == ASSESSMENT["skills"]
    assert (await intake.client.get(f"/api/v1/beneficiaries/{uuid4()}/assessments",
                                    headers=OPERATOR)).status_code == 404
    assert await audit_rows(intake, person) == [("admin-1", "read_assessments", "verifica")]


async def test_an_erased_persons_assessments_keep_only_the_coarse_part(intake: Intake):
    org = "coop-assess-erase"
    person = await intake.register(org=org)
    await assess(intake, person, ASSESSMENT, org=org)
    erased = await intake.client.post(f"/api/v1/beneficiaries/{person}/erasure", json={"reason": "art. 17"},
                                      headers=headers(Role.admin, org=org, sub="admin-1"))
    assert erased.status_code == 200, erased.text
    items = (await intake.client.get(f"/api/v1/beneficiaries/{person}/assessments", params={"purpose": "verifica"},
                                     headers=headers(org=org))).json()["items"]
    assert items[0]["personal"] is None and items[0]["vulnerability_count"] == 1


# --- the end of skill names outside the sealed notes ------------------------------------------

V1_SKILLS = [{"name": "aiuto cuoco da mario rossi", "level": 4}, {"name": "saldatura", "level": 4},
             {"name": "pulizie", "level": 1}]
COUNTED = [{"level": 1, "count": 1}, {"level": 4, "count": 2}]


def older_migrations(tmp_path: Path, service: str, last: str) -> Path:
    """A service folder holding the service's migrations up to `last` only."""
    folder = tmp_path / service / "migrations"
    folder.mkdir(parents=True)
    for sql in sorted((SERVICES / service / "migrations").glob("*.sql")):
        if sql.name <= last:
            shutil.copy(sql, folder / sql.name)
    return folder.parent


async def fresh_database(real_servers, prefix: str) -> tuple[str, str]:
    name = f"{prefix}_{uuid4().hex[:10]}"
    await ensure_database(real_servers.postgres, name)
    return name, PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres).database_dsn(name)


async def test_intake_migration_keeps_only_counts_of_old_assessments(real_servers, tmp_path):
    name, dsn = await fresh_database(real_servers, "it_assess_mig")
    try:
        await migrate(dsn, older_migrations(tmp_path, "intake", "0005_registration_versions.sql"))
        conn = await asyncpg.connect(dsn)
        try:
            person, assessment = uuid4(), uuid4()
            await conn.execute("INSERT INTO beneficiaries (beneficiary_id, organisation_id, sex, age_band, "
                               "legal_status, reception, household_size, children, single_parent, italian_level, "
                               "project_ids, consent_date, consent_scope, registered_on, registered_by) VALUES "
                               "($1, 'o', 'F', '25_34', 'refugee', 'sai', 1, 0, false, 'A1', '{P}', current_date, "
                               "'{processing}', current_date, 'op')", person)
            await conn.execute("INSERT INTO assessments (assessment_id, beneficiary_id, organisation_id, assessed_on, "
                               "skills, work_experience, need_keywords, vulnerability_count, notes, recorded_by) "
                               "VALUES ($1, $2, 'o', current_date, $3::jsonb, '[]', '{}', 0, '\\x00', 'op')",
                               assessment, person, json.dumps(V1_SKILLS))
        finally:
            await conn.close()
        assert "intake/0006_assessment_skill_counts.sql" in await migrate(dsn, SERVICES / "intake")
        conn = await asyncpg.connect(dsn)
        try:
            row = await conn.fetchrow("SELECT to_jsonb(a) AS a FROM assessments a WHERE assessment_id = $1",
                                      assessment)
        finally:
            await conn.close()
        stored = json.loads(row["a"]) if isinstance(row["a"], str) else row["a"]
        assert "skills" not in stored and stored["skills_per_level"] == COUNTED
        assert "mario rossi" not in json.dumps(stored)
    finally:
        await drop_database(real_servers.postgres, name)


def v1_record(beneficiary_id: UUID, offset: int) -> ConsumerRecord:
    """An assessment event as intake published it before v2: skill names included."""
    envelope = {
        "event_id": str(uuid4()), "event_type": "intake.assessment_recorded", "schema_version": 1,
        "occurred_at": "2026-01-10T10:00:00Z", "beneficiary_id": str(beneficiary_id), "organisation_id": ORG,
        "correlation_id": str(uuid4()), "producer": "intake",
        "payload": {"assessment_id": str(uuid4()), "assessed_on": "2026-01-10", "skills": V1_SKILLS,
                    "work_experience": [{"sector": "I", "years": 3}],
                    "needs": {"work": ["job_search"], "housing": [], "social": []}, "vulnerability_count": 1},
    }
    value = json.dumps(envelope).encode()
    return ConsumerRecord(topic="intake.events", partition=0, offset=offset, timestamp=0, timestamp_type=0,
                          key=str(beneficiary_id).encode(), value=value, checksum=None, serialized_key_size=0,
                          serialized_value_size=len(value), headers=[])


async def test_reporting_timeline_keeps_no_skill_names_old_or_new(real_servers, tmp_path):
    name, dsn = await fresh_database(real_servers, "it_assess_rep")
    person = uuid4()
    try:
        await migrate(dsn, older_migrations(tmp_path, "reporting", "0001_people_and_timeline.sql"))
        pool = await create_pool(dsn, min_size=1, max_size=2)
        try:
            # What an older reporting stored: the v1 payload as received.
            record = v1_record(person, 0)
            envelope = json.loads(record.value)
            async with pool.acquire() as conn:
                await conn.execute(
                    "INSERT INTO timeline (event_id, beneficiary_id, organisation_id, event_type, occurred_at, "
                    "producer, payload) VALUES ($1, $2, $3, $4, now(), 'intake', $5)",
                    UUID(envelope["event_id"]), person, ORG, envelope["event_type"], envelope["payload"])
            upto_0002 = older_migrations(tmp_path / "0002", "reporting", "0002_timeline_without_skill_names.sql")
            assert "reporting/0002_timeline_without_skill_names.sql" in await migrate(dsn, upto_0002)
            async with pool.acquire() as conn:
                kept = await conn.fetchval("SELECT payload FROM timeline WHERE beneficiary_id = $1", person)
            assert "skills" not in kept and kept["skills_per_level"] == COUNTED, kept
            applied = await migrate(dsn, SERVICES / "reporting")
            # The first tables gave way to the fact generations (0003): the old timeline, names already
            # dropped by 0002, is gone with them; a rebuild fills the facts again from the topics.
            assert "reporting/0003_fact_generations.sql" in applied
            async with pool.acquire() as conn:
                assert await conn.fetchval("SELECT to_regclass('timeline')") is None
            # A v1 event still on the topic, consumed now: upcast, stored in the current shape.
            consumer = reporting_consumer(pool)
            await consumer.handle_records([v1_record(person, 1)])
            timeline = await timeline_of(pool, person)
            async with pool.acquire() as conn:
                assert await conn.fetchval("SELECT count(*) FROM outbox") == 0  # nothing dead-lettered
                stored = await conn.fetchval("SELECT string_agg(payload::text, ' ') FROM gen_1.facts")
        finally:
            await pool.close()
        assert len(timeline) == 1
        for item in timeline:
            payload = item.payload
            assert "skills" not in payload and payload["skills_per_level"] == COUNTED, payload
            assert "mario rossi" not in json.dumps(payload)
        assert "mario rossi" not in stored.lower()
    finally:
        await drop_database(real_servers.postgres, name)
