"""Employment in-process on the real servers: intake's events arrive on Kafka, the consumer re-matches,
the team works through the HTTP API (the shared error and page shapes), and employment's events reach
Kafka through the outbox. A consent withdrawal takes the person out of matching at once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from uuid import UUID, uuid4

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from employment.bootstrap import build_app
from employment.settings import EmploymentSettings
from shared.auth import AuthSettings, Role, issue_token
from shared.events.codec import encode, envelope_for, key_of
from shared.topics import EMPLOYMENT_EVENTS, INTAKE_EVENTS
from tests.databases import service_database
from tests.employment_support import consent, registered, withdrawal, work_plan
from tests.kafka_support import read_all
from tests.keys import add_idempotency_key
from tests.waiting import PATIENCE_S

pytestmark = pytest.mark.integration


@dataclass
class Running:
    http: httpx.AsyncClient
    org: str

    def auth(self, role: Role = Role.employment) -> dict[str, str]:
        t = issue_token(AuthSettings(), subject="emp-1", role=role, organisation_id=self.org)
        return {"Authorization": f"Bearer {t}"}


@asynccontextmanager
async def running_employment(real_servers) -> AsyncIterator[Running]:
    db = await service_database(real_servers.postgres, "employment", "empi")
    dsn = db.dsn  # the code under test connects as the service role
    # a service name of its own: its consumer group reads intake's topic beside the e2e processes' group
    config = EmploymentSettings.for_service(f"employment-it-{uuid4().hex[:6]}", http_port=0, database_url=dsn,
                                            KAFKA_BOOTSTRAP_SERVERS=real_servers.kafka)
    app = build_app(config)
    try:
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://employment",
                                         event_hooks={"request": [add_idempotency_key]}) as c:
                yield Running(c, f"coop-{uuid4().hex[:8]}")
    finally:
        await db.drop()


async def publish(kafka: str, org: str, events: list[tuple[UUID, object]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for who, payload in events:
            env = envelope_for(payload, beneficiary_id=who, organisation_id=org, producer="intake")  # type: ignore[arg-type]
            await producer.send_and_wait(INTAKE_EVENTS.name, encode(env), key=key_of(env))
    finally:
        await producer.stop()


async def until(check, timeout_s: float = PATIENCE_S):  # a guard against a hang, not a bound
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        got = await check()
        if got:
            return got
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.2)


BURSARY = {"kind": "bursary", "title": "kitchen bursary", "municipality": "058118", "sector": "I",
           "start_date": "2099-02-01", "end_date": "2099-05-31", "seats": 1, "weekly_hours": 30,
           "requirements": {"italian_level": "A2"}, "project_id": "FAMI-1", "monthly_amount_eur": "450.00",
           "months": 4}


async def test_events_in_proposals_out_and_a_withdrawal_takes_the_person_out(real_servers, topics):
    async with running_employment(real_servers) as emp:
        fund = await emp.http.post("/api/v1/funds", headers=emp.auth(Role.admin),
                                   json={"project_id": "FAMI-1", "name": "bursaries", "budget_eur": "5000.00"})
        assert fund.status_code == 201, fund.text
        made = await emp.http.post("/api/v1/openings", headers=emp.auth(),
                                   json={**BURSARY, "fund_id": fund.json()["fund_id"]})
        assert made.status_code == 201, made.text
        a, b = uuid4(), uuid4()
        await publish(real_servers.kafka, emp.org, [(w, p) for w in (a, b)
                                                    for p in (registered(), work_plan(), consent())])

        async def proposed():
            body = (await emp.http.get("/api/v1/proposals", headers=emp.auth())).json()
            return body if body["total"] == 1 else None

        first = (await until(proposed))["items"][0]
        assert set(first["score_parts"]["parts"]) == {"skills_sector", "distance", "language", "waiting",
                                                      "women_inactivity"}
        holder = UUID(first["beneficiary_id"])
        other = b if holder == a else a
        await publish(real_servers.kafka, emp.org, [(holder, withdrawal())])

        async def moved():
            body = (await emp.http.get("/api/v1/proposals", headers=emp.auth())).json()
            return body if body["total"] == 1 and body["items"][0]["beneficiary_id"] == str(other) else None

        await until(moved)
        titles = f"/api/v1/people/{other}/recognitions"
        for country, status, rule in (("XX", 422, "unknown_country"), ("ng", 422, "string_pattern_mismatch"),
                                      ("NG", 201, None)):
            r = await emp.http.post(titles, headers=emp.auth(), json={"qualification": "nursing diploma",
                                                                      "country": country})
            assert r.status_code == status, r.text
            assert rule is None or [(e["field"], e["rule"]) for e in r.json()["errors"]] == [("country", rule)]
        assert [t["country"] for t in (await emp.http.get(f"/api/v1/people/{other}", headers=emp.auth())).json()[
            "recognitions"]] == ["NG"]  # the refused ones left nothing
        person = (await emp.http.get(f"/api/v1/people/{holder}", headers=emp.auth())).json()
        assert person["person"]["out_of_matching"] == "no_consent_to_employment_referral"
        by_hand = await emp.http.post(f"/api/v1/openings/{made.json()['opening_id']}/proposals", headers=emp.auth(),
                                      json={"beneficiary_id": str(holder)})
        assert by_hand.status_code == 409, by_hand.text
        assert by_hand.json()["errors"][0]["rule"] == "no_consent_to_employment_referral"

        # the team moves the new proposal on over HTTP: the fund is committed, a month is paid once
        second = (await emp.http.get("/api/v1/proposals", headers=emp.auth())).json()["items"][0]
        steps = f"/api/v1/placements/{second['placement_id']}/steps"
        for body in ({"to": "interview"}, {"to": "started", "on": "2099-02-01"}):
            r = await emp.http.post(steps, headers=emp.auth(), json=body)
            assert r.status_code == 200, r.text
        r = await emp.http.post(steps, headers=emp.auth(), json={"to": "proposed"})
        assert r.status_code == 409 and r.json()["allowed"] == ["completed", "hired", "interrupted"]
        (f,) = (await emp.http.get("/api/v1/funds", headers=emp.auth())).json()["items"]
        assert (f["committed_eur"], f["paid_eur"], f["uncommitted_eur"]) == ("1800.00", "0.00", "3200.00")
        due = (await emp.http.get("/api/v1/payments/due", params={"month": "2099-02"}, headers=emp.auth())).json()
        assert [(d["month_no"], d["amount_eur"]) for d in due["items"]] == [(1, "450.00")]
        assert (due["total"], due["limit"], due["offset"]) == (1, 50, 0)
        pay = f"/api/v1/placements/{second['placement_id']}/instalments/1/payment"
        r = await emp.http.post(pay, headers=emp.auth(), json={"on": "2099-03-01"})
        assert r.status_code == 201 and r.json()["amount_eur"] == "450.00", r.text
        r = await emp.http.post(pay, headers=emp.auth(), json={"on": "2099-03-01"})
        assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "instalment_paid"
        stages = (await emp.http.get("/api/v1/stages", headers=emp.auth())).json()["stages"]
        assert (stages["started"], stages["declined"]) == (1, 1)
        (funnel,) = (await emp.http.get("/api/v1/pipeline", headers=emp.auth())).json()["items"]
        stalling = (await emp.http.get("/api/v1/pipeline", params={"stalled": "true"}, headers=emp.auth())).json()
        assert (stalling["total"], stalling["items"]) == (0, [])  # steps dated 2099: none untouched for a week
        assert funnel["reached"] == {"proposed": 2, "interview": 1, "started": 1, "completed": 0}

        async def on_kafka():
            records = await read_all(real_servers.kafka, EMPLOYMENT_EVENTS.name)
            mine = [json.loads(r.value) for r in records if r.key in (str(a).encode(), str(b).encode())]
            types = [(m["beneficiary_id"], m["event_type"], m["payload"].get("reason")) for m in mine]
            return types if ("employment.stage_changed" in {t[1] for t in types}
                             and sum(t[1] == "employment.proposal_made" for t in types) == 2) else None

        types = await until(on_kafka)
        assert (str(holder), "employment.stage_changed", "consent_withdrawn") in types

        async def paid_on_kafka():
            records = await read_all(real_servers.kafka, EMPLOYMENT_EVENTS.name)
            return [json.loads(r.value)["payload"] for r in records if r.key == str(other).encode()
                    and json.loads(r.value)["event_type"] == "employment.payment_made"]

        (paid,) = await until(paid_on_kafka)
        assert (paid["amount_eur"], paid["month"], paid["kind"]) == ("450.00", "2099-02", "bursary")


async def test_the_api_answers_in_the_shared_shapes(real_servers, topics):
    async with running_employment(real_servers) as emp:
        low = {**BURSARY, "kind": "traineeship", "municipality": "058091", "start_date": "2099-02-01",
               "end_date": "2099-05-31", "promoter": {"name": "Coop", "ateco_section": "P"},
               "host": {"name": "Hotel", "ateco_section": "I", "ateco_code": "55.10"}, "agreement_ref": "C-1",
               "agreement_signed_on": "2099-02-02", "promoter_tutor": "T1", "host_tutor": "T2",
               "monthly_allowance_eur": "500.00", "payer": "company"}
        for key in ("monthly_amount_eur", "months"):
            low.pop(key)
        r = await emp.http.post("/api/v1/openings", headers=emp.auth(), json=low)
        assert r.status_code == 422, r.text
        assert {(e["field"], e["rule"]) for e in r.json()["errors"]} == {
            ("monthly_allowance_eur", "below_regional_minimum"), ("start_date", "start_before_agreement")}
        assert (await emp.http.get("/api/v1/openings", headers=emp.auth())).json() == {
            "items": [], "total": 0, "limit": 50, "offset": 0}
        r = await emp.http.post("/api/v1/openings", headers=emp.auth(), json={**BURSARY, "months": 0,
                                                                               "fund_id": str(uuid4())})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "bursary.months"  # the kind, then the field
        r = await emp.http.get(f"/api/v1/openings/{uuid4()}", headers=emp.auth())
        assert r.status_code == 404 and r.json()["errors"] == [
            {"field": "path.opening_id", "rule": "not_found", "message": "no such opening"}]
        r = await emp.http.get("/api/v1/funds", headers=emp.auth(Role.funder))
        assert r.status_code == 403
        r = await emp.http.post("/api/v1/funds", headers=emp.auth(Role.operator),
                                json={"project_id": "P", "name": "x", "budget_eur": "1"})
        assert r.status_code == 403
        r = await emp.http.post("/api/v1/funds", headers=emp.auth(Role.admin),
                                json={"project_id": "P", "name": "x", "budget_eur": 10.5})
        assert r.status_code == 422  # a float is not money
        spec = (await emp.http.get("/openapi.json")).json()
        for path, methods in spec["paths"].items():
            for method, op in methods.items():
                if path.startswith("/api/v1"):
                    assert "200" in op["responses"] or "201" in op["responses"], (path, method)
                    assert "422" in op["responses"], (path, method)
