"""Bad input as an attacker or a careless client sends it: every answer a clean 4xx naming the
field and the rule, never a 500; requests bounded; the services' database roles least-privileged;
retries with an Idempotency-Key safe (issue 12)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import asyncpg
import pytest

from shared.auth import Role
from shared.settings import PlatformSettings
from tests.e2e.conftest import token
from tests.e2e.people import registration
from tests.e2e.test_thin_slice import ensure_projects
from tests.waiting import eventually

pytestmark = pytest.mark.e2e
OP = token(Role.operator, "coop-h")


@pytest.fixture
async def project(http, services) -> str:
    await ensure_projects(http, services, "coop-h", ["FAMI-HARD-1"])
    return "FAMI-HARD-1"


def person(project: str, **extra) -> dict:
    body = registration("Nur", "Hassan", "F", date(1990, 5, 1), with_code=False, **extra)
    body["project_ids"] = [project]
    return body


async def test_nul_in_a_query_parameter_is_a_422_naming_it_on_every_service(http, services):
    missing = uuid.uuid4()
    got = await http.get(f"{services['intake']}/api/v1/beneficiaries/{missing}?purpose=case%00work", headers=OP)
    assert got.status_code == 422, got.text
    assert got.json()["errors"][0] == {"field": "query.purpose", "rule": "nul_character",
                                       "message": "text must not hold a NUL character (U+0000)"}
    for url in services.values():
        got = await http.get(f"{url}/api/v1/anything?operator=a%00b", headers=OP)
        assert got.status_code == 422 and got.json()["errors"][0]["field"] == "query.operator", got.text


async def test_nul_in_body_text_is_a_422_naming_the_field(http, services, project):
    body = person(project)
    body["project_ids"] = [project, "FAMI\u0000X"]
    got = await http.post(f"{services['intake']}/api/v1/beneficiaries", json=body, headers=OP)
    assert got.status_code == 422, got.text
    assert got.json()["errors"] == [{"field": "project_ids.1", "rule": "nul_character",
                                     "message": "text must not hold a NUL character (U+0000)"}]
    admin = token(Role.admin, "coop-h")
    proj = {"funder": "fami", "code": "FAMI-NUL", "title": "Ti\u0000tle", "territories": ["RM"],
            "start_date": "2026-01-01", "end_date": "2026-12-31", "partners": ["org\u0000b"]}
    got = await http.post(f"{services['intake']}/api/v1/projects", json=proj, headers=admin)
    assert got.status_code == 422 and {e["field"] for e in got.json()["errors"]} == {"title", "partners.0"}


async def test_integers_beyond_postgres_are_refused_by_the_schema(http, services, project):
    body = person(project, household={"size": 2**31, "children": [], "single_parent": False})
    got = await http.post(f"{services['intake']}/api/v1/beneficiaries", json=body, headers=OP)
    assert got.status_code == 422, got.text
    assert got.json()["errors"][0]["field"] == "household.size"
    for url, path in [(services["intake"], "/api/v1/beneficiaries"), (services["housing"], "/api/v1/waiting"),
                      (services["employment"], "/api/v1/candidates")]:
        got = await http.get(f"{url}{path}?offset=9223372036854775808", headers=OP)
        assert got.status_code == 422, (path, got.text)
        assert got.json()["errors"][0]["field"].endswith("offset")


async def test_legal_fields_take_only_their_exact_type(http, services, project):
    body = person(project)
    body["consent"]["given"] = "yes"
    got = await http.post(f"{services['intake']}/api/v1/beneficiaries", json=body, headers=OP)
    assert got.status_code == 422, got.text
    assert got.json()["errors"][0]["field"] == "consent.given"


async def test_bodies_headers_and_lists_are_bounded(http, services, project):
    intake = services["intake"]
    # Announced too large: refused before the body is read.
    got = await http.post(f"{intake}/api/v1/beneficiaries", content=b"{" + b" " * (50 * 1024 * 1024) + b"}",
                          headers=OP | {"content-type": "application/json"})
    assert got.status_code == 413 and got.json()["errors"][0]["rule"] == "body_too_large"
    for url in services.values():
        got = await http.get(f"{url}/health", headers={"x-filler": "a" * (32 * 1024)})
        assert got.status_code == 431 and got.json()["errors"][0]["rule"] == "headers_too_large", url
    # A plan of 20,000 goals, the one whose event could never travel: refused, nothing stored.
    registered = await http.post(f"{intake}/api/v1/beneficiaries", json=person(project), headers=OP)
    assert registered.status_code == 201, registered.text
    bid = registered.json()["beneficiary_id"]
    goal = {"area": "work", "title": "Corso di italiano", "deadline": "2027-06-30", "responsible_operator": "op-1"}
    got = await http.post(f"{intake}/api/v1/beneficiaries/{bid}/plan", json={"goals": [goal] * 20_000}, headers=OP)
    assert got.status_code == 413, got.text
    got = await http.post(f"{intake}/api/v1/beneficiaries/{bid}/plan", json={"goals": [goal] * 51}, headers=OP)
    assert got.status_code == 422 and got.json()["errors"][0]["field"] == "goals", got.text
    plan = await http.get(f"{intake}/api/v1/beneficiaries/{bid}/plan", headers=OP)
    assert plan.status_code == 404, plan.text


async def test_a_token_whose_exp_is_a_string_is_refused(http, services):
    import time

    import jwt

    from shared.auth import AuthSettings

    settings = AuthSettings()
    claims = {"iss": settings.issuer, "aud": settings.audience, "sub": "op-1", settings.role_claim: "operator",
              settings.org_claim: "coop-h", "exp": str(int(time.time()) + 600)}
    bad = jwt.encode(claims, settings.local_secret.get_secret_value(), algorithm="HS256")
    got = await http.get(f"{services['intake']}/api/v1/beneficiaries", headers={"Authorization": f"Bearer {bad}"})
    assert got.status_code == 401 and "exp" in got.json()["detail"]


async def test_the_service_role_cannot_touch_the_audit_log_nor_another_database(http, services):
    server = PlatformSettings().postgres_dsn
    admin = await asyncpg.connect(PlatformSettings().database_dsn("percorsi_intake_e2e"))
    try:
        users = {r["usename"] for r in await admin.fetch(
            "SELECT usename FROM pg_stat_activity WHERE datname = 'percorsi_intake_e2e' AND pid <> pg_backend_pid()")}
        assert users == {"percorsi_intake"}, users
        owner = await admin.fetchval("SELECT tableowner FROM pg_tables WHERE tablename = 'pii_access_log'")
        assert owner == "percorsi_owner"
    finally:
        await admin.close()
    role_dsn = PlatformSettings(PERCORSI_POSTGRES_DSN=server.replace("postgres@", "percorsi_intake@", 1))
    conn = await asyncpg.connect(role_dsn.database_dsn("percorsi_intake_e2e"))
    try:
        for statement in ["ALTER TABLE pii_access_log DISABLE TRIGGER ALL", "TRUNCATE pii_access_log",
                          "DELETE FROM pii_access_log", "UPDATE pii_access_log SET purpose = 'x'",
                          "DROP TABLE pii_access_log", "CREATE TABLE sneaky (x int)",
                          "INSERT INTO schema_migrations (name) VALUES ('x')"]:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(statement)
        assert await conn.fetchval("SELECT count(*) >= 0 FROM pii_access_log")
    finally:
        await conn.close()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await asyncpg.connect(role_dsn.database_dsn("percorsi_housing_e2e"))


async def _answered(key: str) -> bool:
    """Whether the intake database holds the answer to the request with `key` (an admin read: a test's
    inspection, not the service's)."""
    conn = await asyncpg.connect(PlatformSettings().database_dsn("percorsi_intake_e2e"))
    try:
        return bool(await conn.fetchval("SELECT status IS NOT NULL FROM idempotency_keys WHERE key = $1", key))
    finally:
        await conn.close()


async def test_a_retry_with_the_same_key_gets_the_first_answer_and_acts_once(http, services, project):
    intake = services["intake"]
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = person(project, first_name="Idem")
    # The client drops the connection before reading its answer (the answer is lost on the way).
    host, port = intake.removeprefix("http://").split(":")
    _reader, writer = await asyncio.open_connection(host, int(port))
    request = http.build_request("POST", f"{intake}/api/v1/beneficiaries", json=body, headers=OP | key)
    head = f"POST {request.url.raw_path.decode()} HTTP/1.1\r\n" + "".join(
        f"{k.decode()}: {v.decode()}\r\n" for k, v in request.headers.raw) + "\r\n"
    writer.write(head.encode() + request.content)
    await writer.drain()
    writer.close()
    # The server goes on with the request without its client: wait until its answer is committed
    # (with the key's claim), not for a second that a loaded machine may not keep.
    await eventually(lambda: _answered(key["Idempotency-Key"]), what="the dropped request's answer committed")
    first = await http.post(f"{intake}/api/v1/beneficiaries", json=body, headers=OP | key)
    again = await http.post(f"{intake}/api/v1/beneficiaries", json=body, headers=OP | key)
    assert first.status_code == again.status_code == 201, first.text
    assert first.json() == again.json()
    assert first.headers["idempotent-replayed"] == again.headers["idempotent-replayed"] == "true"
    listed = await http.get(f"{intake}/api/v1/beneficiaries?limit=500", headers=OP)
    ids = [p["beneficiary_id"] for p in listed.json()["items"]]
    assert ids.count(first.json()["beneficiary_id"]) == 1
    other = await http.post(f"{intake}/api/v1/beneficiaries", json=person(project, first_name="Altra"),
                            headers=OP | key)
    assert other.status_code == 422 and other.json()["errors"][0]["rule"] == "idempotency_key_reused", other.text


async def test_housing_and_employment_see_the_permits_month_not_its_day(http, services, project):
    intake = services["intake"]
    permit = {"document": "postal_receipt", "reason": "asylum", "number": "09123abcde",
              "registered_mail_number": "051234567890", "questura": "Roma", "issue_date": "2026-09-01",
              "expiry_date": "2027-03-15", "renewal_pending": False}
    body = person(project, first_name="Permesso", permit=permit)
    registered = await http.post(f"{intake}/api/v1/beneficiaries", json=body, headers=OP)
    assert registered.status_code == 201, registered.text
    bid = registered.json()["beneficiary_id"]
    operator = (await http.get(f"{intake}/api/v1/beneficiaries/{bid}", headers=OP)).json()
    assert operator["permit_expiry"] == "2027-03-15"
    for role in (Role.housing, Role.employment):
        seen = (await http.get(f"{intake}/api/v1/beneficiaries/{bid}", headers=token(role, "coop-h"))).json()
        assert "permit_expiry" not in seen, role
        assert seen["permit_expiry_month"] == "2027-03" and seen["permit_status"] in {"valid", "expiring_soon"}
        listed = (await http.get(f"{intake}/api/v1/beneficiaries", headers=token(role, "coop-h"))).json()
        assert all("permit_expiry" not in item for item in listed["items"]), role
