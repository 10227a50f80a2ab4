"""The thin slice through all four services, as a client sees it over HTTP."""

from __future__ import annotations

import os
from datetime import date

import asyncpg
import pytest

from shared.auth import Role
from shared.settings import PlatformSettings
from shared.topics import HOUSING_EVENTS, INTAKE_EVENTS
from tests.e2e.conftest import token
from tests.e2e.people import project, registration
from tests.kafka_support import read_all
from tests.personal_data import matcher
from tests.waiting import eventually

pytestmark = pytest.mark.e2e


async def wait_for(probe):
    """`probe`'s first truthy answer: the services' events arrive when they arrive (tests/waiting.py)."""
    return await eventually(probe, what=getattr(probe, "__name__", "probe"), every_s=0.2)


async def ensure_projects(http, services, org: str, codes: list[str]) -> None:
    """An admin of `org` registers each of its projects not registered yet, as registration requires."""
    url = f"{services['intake']}/api/v1/projects"
    known = {p["code"] for p in (await http.get(url, headers=token(Role.operator, org))).json()["items"]}
    for code in sorted(set(codes) - known):
        created = await http.post(url, json=project(code), headers=token(Role.admin, org))
        assert created.status_code == 201, created.text


async def people_taken_in_charge(http, services, auth: dict) -> dict:
    """This year's people taken in charge at reporting, {None: total, (dimension, category): count}."""
    body = (await http.get(f"{services['reporting']}/api/v1/indicators", headers=auth,
                           params={"indicator": "people_taken_in_charge_new"})).json()
    return {(c["dimension"], c["category"]) if c["dimension"] else None: c["value"]
            for c in body["figures"][0]["cells"] if c["organisation_id"] is None}


async def register(http, services, body: dict, personal: list[str], org: str = "coop-a", **headers) -> dict:
    personal += [body["first_name"], body["last_name"], body.get("fiscal_code") or body["first_name"]]
    await ensure_projects(http, services, org, body["project_ids"])
    response = await http.post(f"{services['intake']}/api/v1/beneficiaries", json=body,
                               headers=token(Role.operator, org) | headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_every_service_reports_healthy_kafka_and_postgres(services, http):
    for url in services.values():
        body = (await http.get(f"{url}/health")).json()
        assert body["status"] == "ok" and body["kafka"]["ok"] and body["postgres"]["ok"], body
        assert body["outbox_set_aside"] == 0, body
        assert (await http.get(f"{url}/openapi.json")).status_code == 200
        spec = (await http.get(f"{url}/asyncapi.json")).json()
        assert spec["asyncapi"].startswith("3.")
        assert spec["channels"], f"{url} documents the events it publishes or consumes"
    schemas = {s: set((await http.get(f"{u}/asyncapi.json")).json()["components"]["schemas"])
               for s, u in services.items()}
    assert {"BeneficiaryRegistered", "BeneficiaryErased"} <= schemas["intake"]  # published
    assert "BeneficiaryRegistered" in schemas["housing"] and "HousingCandidateWaiting" in schemas["housing"]
    assert {"BeneficiaryRegistered", "HousingCandidateWaiting", "EmploymentCandidateWaiting"} <= schemas["reporting"]


async def test_the_services_settings_stay_theirs_and_the_test_process_exports_nothing(services):
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in os.environ  # in-process apps never export to the collector
    assert not [s for s in services if os.environ.get(f"PERCORSI_{s.upper()}_DATABASE") == f"percorsi_{s}_e2e"]


async def test_registration_reaches_housing_employment_and_the_indicators(
    services, http, registered_personal_data
):
    people = [
        registration("Hodan", "Warsame", "F", date(1996, 5, 14)),
        registration("Abdi", "Farah", "M", date(2001, 11, 2)),
        registration("Ayan", "Hersi", "F", date(1997, 1, 30), with_code=False),
    ]
    ids = [(await register(http, services, p, registered_personal_data, org="coop-slice"))["beneficiary_id"]
           for p in people]
    auth = token(Role.operator, "coop-slice")

    async def counted():
        cells = await people_taken_in_charge(http, services, auth)
        return cells if cells.get(None) == 3 else None

    cells = await wait_for(counted)
    assert {k: v for k, v in cells.items() if k and k[0] in ("sex", "age_band")} == {
        ("sex", "F"): 2, ("sex", "M"): 1, ("age_band", "25_34"): 3}

    async def waiting(service: str, path: str, **params: str):
        items = (await http.get(f"{services[service]}/api/v1/{path}", params=params, headers=auth)).json()["items"]
        return {i["beneficiary_id"] for i in items} == set(ids)

    # known to housing (not yet on its matcher's list: no housing goal, no referral consent yet)
    await wait_for(lambda: waiting("housing", "waiting", matchable="false"))
    await wait_for(lambda: waiting("employment", "candidates"))

    async def timeline():
        body = (await http.get(f"{services['reporting']}/api/v1/beneficiaries/{ids[0]}/timeline",
                               headers=auth)).json()
        types = sorted(e["event_type"] for e in body["events"])
        return types if len(types) == 3 else None

    assert await wait_for(timeline) == [
        "employment.candidate_waiting", "housing.candidate_waiting", "intake.beneficiary_registered",
    ]

    listed = (await http.get(f"{services['intake']}/api/v1/beneficiaries", params={"purpose": "casework"},
                             headers=auth)).json()
    assert listed["total"] == 3
    assert {i["personal"]["last_name"] for i in listed["items"]} == {"Warsame", "Farah", "Hersi"}


async def test_invalid_registration_names_each_field_and_stores_nothing(services, http, real_servers):
    dsn = PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres).database_dsn("percorsi_intake_e2e")
    conn = await asyncpg.connect(dsn)
    try:
        before = await conn.fetchval("SELECT count(*) FROM beneficiaries"), await conn.fetchval(
            "SELECT count(*) FROM outbox")
        body = registration("Sahra", "Omar", "F", date(1990, 2, 3))
        body["fiscal_code"] = body["fiscal_code"][:-1] + ("A" if body["fiscal_code"][-1] != "A" else "B")
        body["consent"]["given"] = False
        body["birth_country"] = "Somalia"
        response = await http.post(f"{services['intake']}/api/v1/beneficiaries", json=body,
                                   headers=token(Role.operator))
        assert response.status_code == 422
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert set(errors) == {"fiscal_code", "consent.given", "birth_country"}
        assert "check character" in errors["fiscal_code"]
        assert "without consent no path starts" in errors["consent.given"]
        after = await conn.fetchval("SELECT count(*) FROM beneficiaries"), await conn.fetchval(
            "SELECT count(*) FROM outbox")
        assert after == before
    finally:
        await conn.close()


async def test_tokens_roles_and_organisations_are_enforced(services, http, registered_personal_data):
    url = f"{services['intake']}/api/v1/beneficiaries"
    assert (await http.get(url)).status_code == 401
    assert (await http.get(url, headers={"Authorization": "Bearer not-a-jwt"})).status_code == 401
    body = registration("Faduma", "Ali", "F", date(1988, 7, 7))
    assert (await http.post(url, json=body, headers=token(Role.funder))).status_code == 403
    await register(http, services, body, registered_personal_data, org="coop-own")
    theirs = (await http.get(url, headers=token(Role.operator, "coop-other"))).json()
    assert theirs["total"] == 0
    ours = (await http.get(url, headers=token(Role.operator, "coop-own"))).json()
    assert ours["total"] == 1
    assert (await http.get(url, params={"purpose": "matching"}, headers=token(Role.housing, "coop-own"))
            ).status_code == 403


async def test_same_fiscal_code_is_offered_for_linking_not_created_twice(services, http, registered_personal_data):
    body = registration("Nasra", "Yusuf", "F", date(1999, 9, 9))
    first = await register(http, services, body, registered_personal_data, org="coop-dup")
    again = await http.post(f"{services['intake']}/api/v1/beneficiaries", json=body,
                            headers=token(Role.operator, "coop-dup"))
    assert again.status_code == 409
    assert again.json()["matches"][0]["beneficiary_id"] == first["beneficiary_id"]
    assert "same fiscal code" in again.json()["matches"][0]["reasons"]


async def test_one_trace_follows_the_event_from_http_through_kafka_to_the_consumers(
    services, http, real_servers, registered_personal_data, collector
):
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    body = registration("Idil", "Abdullahi", "F", date(2000, 3, 3))
    created = await register(http, services, body, registered_personal_data, org="coop-trace",
                             traceparent=f"00-{trace_id}-00f067aa0ba902b7-01")

    def carried(records) -> bool:
        return any(r.key == created["beneficiary_id"].encode()
                   and dict(r.headers).get("traceparent", b"").split(b"-")[1] == trace_id.encode()
                   for r in records)

    async def intake_published():  # the relay sends it after the commit, not before the 201
        return carried(await read_all(real_servers.kafka, INTAKE_EVENTS.name))

    await wait_for(intake_published)

    async def housing_continued():  # housing's own event, caused by the registration, is in the same trace
        return carried(await read_all(real_servers.kafka, HOUSING_EVENTS.name))

    await wait_for(housing_continued)

    # And the spans, exported over OTLP, form that one trace across the services.
    wanted = {
        ("percorsi-intake", "POST /api/v1/beneficiaries"),
        ("percorsi-housing", "process intake.beneficiary_registered"),
        ("percorsi-employment", "process intake.beneficiary_registered"),
        ("percorsi-reporting", "process intake.beneficiary_registered"),
        ("percorsi-reporting", "process housing.candidate_waiting"),
    }

    async def exported():
        return wanted <= collector.spans_of(trace_id)

    await wait_for(exported)

    # A search by name and fiscal code: its server span keeps the query's keys, never its values.
    search = {"name": body["last_name"], "fiscal_code": body["fiscal_code"], "purpose": f"call {body['first_name']}"}
    found = await http.get(f"{services['intake']}/api/v1/beneficiaries", params=search,
                           headers=token(Role.operator, "coop-trace"))
    assert found.status_code == 200, found.text

    async def search_exported():
        queries = [a["url.query"] for a in collector.attributes_of("percorsi-intake", "GET /api/v1/beneficiaries")
                   if a.get("url.query", "").startswith("name=")]
        return queries if "name=REDACTED&fiscal_code=REDACTED&purpose=REDACTED" in queries else None

    # Other searches of the session (the fuzz stage's) are there too: every one keeps keys only.
    queries = await wait_for(search_exported)
    assert all(v == "REDACTED" for q in queries for _, _, v in (p.partition("=") for p in q.split("&"))), queries
    assert matcher(registered_personal_data)(collector.all_attribute_values()) == set()


async def test_metrics_are_exported_over_otlp(services, collector):
    async def exported():
        return {("percorsi-housing", "events.handled"), ("percorsi-intake", "outbox.backlog"),
                ("percorsi-housing", "consumer.lag")} <= collector.metrics

    await wait_for(exported)
