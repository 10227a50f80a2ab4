"""Consent by purpose, the audit log, the access report and the data export, on real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from intake.service_layer.commands_common import today_in_italy
from shared.auth import Role
from tests.integration.intake_support import PROJECT, Intake, errors_of, headers, registration, running_intake

pytestmark = pytest.mark.integration
ORG = "coop-consent"
URL = "/api/v1/beneficiaries"
ADMIN = headers(Role.admin, org=ORG, sub="dpo-1")


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "intake_consent") as running:
        await running.ensure_projects(ORG, [PROJECT])
        yield running


def consent(*scope: str, **extra) -> dict:
    return {"consent": {"given": True, "date": today_in_italy().isoformat(), "scope": ["processing", *scope],
                        "notice_version": "2025-03", **extra}}


async def states(intake: Intake, person: UUID) -> dict[str, str]:
    answer = await intake.client.get(f"{URL}/{person}/consents", headers=headers(org=ORG))
    assert answer.status_code == 200, answer.text
    return {p["purpose"]: p["status"] for p in answer.json()["purposes"]}


async def test_registration_records_each_purpose_and_announces_those_another_service_acts_on(intake: Intake):
    person = await intake.register(registration(**consent("housing_referral", "communication")), org=ORG)
    assert (await states(intake, person)) == {
        "processing": "in_force", "sharing_with_partners": "never_given", "funder_reporting": "never_given",
        "housing_referral": "in_force", "employment_referral": "never_given", "communication": "in_force"}
    events = await intake.events(person)
    assert [e.event_type for e in events] == ["intake.beneficiary_registered", "intake.consent_given"]
    assert events[1].payload == {"purpose": "housing_referral", "given_on": today_in_italy().isoformat(),
                                 "legal_basis": "consent", "notice_version": "2025-03", "given_by": "person",
                                 "expires_on": None}
    assert events[1].envelope["correlation_id"] == events[0].envelope["correlation_id"]


async def test_consent_is_given_and_withdrawn_per_purpose_each_an_event(intake: Intake):
    person = await intake.register(registration(**consent()), org=ORG)
    given = await intake.client.post(f"{URL}/{person}/consents", headers=headers(org=ORG), json={
        "purpose": "employment_referral", "given_on": today_in_italy().isoformat(), "notice_version": "2025-03",
        "expires_on": (today_in_italy() + timedelta(days=365)).isoformat()})
    assert given.status_code == 201, given.text
    assert {p["purpose"]: p["status"] for p in given.json()["purposes"]}["employment_referral"] == "in_force"
    again = await intake.client.post(f"{URL}/{person}/consents", headers=headers(org=ORG), json={
        "purpose": "employment_referral", "given_on": today_in_italy().isoformat(), "notice_version": "2025-03"})
    assert again.status_code == 409 and again.json()["errors"][0]["rule"] == "consent_already_given"
    withdrawn = await intake.client.post(f"{URL}/{person}/consents/employment_referral/withdrawal",
                                         headers=headers(org=ORG))
    assert withdrawn.status_code == 201, withdrawn.text
    assert (await states(intake, person))["employment_referral"] == "withdrawn"
    assert [e.event_type for e in await intake.events(person)] == [
        "intake.beneficiary_registered", "intake.consent_given", "intake.consent_withdrawn"]
    last = (await intake.events(person))[-1].payload
    assert last == {"purpose": "employment_referral", "withdrawn_on": today_in_italy().isoformat(),
                    "cause": "withdrawn"}
    twice = await intake.client.post(f"{URL}/{person}/consents/employment_referral/withdrawal",
                                     headers=headers(org=ORG))
    assert twice.status_code == 409 and twice.json()["errors"][0]["rule"] == "consent_not_given"
    scope = await intake.fetchval("SELECT consent_scope FROM beneficiaries WHERE beneficiary_id = $1", person)
    assert scope == ["processing"]
    history = withdrawn.json()["history"]
    assert [(h["purpose"], h["action"]) for h in history] == [
        ("processing", "given"), ("employment_referral", "given"), ("employment_referral", "withdrawn")]


async def test_consent_rules_answer_422_and_store_nothing(intake: Intake):
    person = await intake.register(registration(**consent()), org=ORG)
    before = await intake.fetchval("SELECT count(*) FROM consents WHERE beneficiary_id = $1", person)
    base = {"given_on": today_in_italy().isoformat(), "notice_version": "v1"}
    unknown = await intake.client.post(f"{URL}/{person}/consents", headers=headers(org=ORG),
                                       json=base | {"purpose": "marketing"})
    assert errors_of(unknown) == {"purpose": "unknown_purpose"}
    early = await intake.client.post(f"{URL}/{person}/consents", headers=headers(org=ORG),
                                     json=base | {"purpose": "communication", "expires_on": base["given_on"]})
    assert errors_of(early) == {"expires_on": "expiry_not_after_given"}
    future = await intake.client.post(f"{URL}/{person}/consents", headers=headers(org=ORG), json=base | {
        "purpose": "communication", "given_on": (today_in_italy() + timedelta(days=2)).isoformat()})
    assert errors_of(future) == {"given_on": "date_in_future"}
    minor = registration(**consent(given_by="person"), legal_status="unaccompanied_minor",
                         birth_date=(today_in_italy() - timedelta(days=16 * 365)).isoformat())
    refused = await intake.client.post(URL, json=minor, headers=headers(org=ORG))
    assert errors_of(refused) == {"consent": "minor_consent_by_guardian"}
    assert await intake.fetchval("SELECT count(*) FROM consents WHERE beneficiary_id = $1", person) == before


async def test_an_expiring_consent_shows_in_the_deadline_list(intake: Intake):
    soon = (today_in_italy() + timedelta(days=5)).isoformat()
    person = await intake.register(registration(**consent("communication", expires_on=soon)), org=ORG)
    listed = await intake.client.get(URL, params={"deadline_within_days": 7}, headers=headers(org=ORG))
    assert person in {UUID(i["beneficiary_id"]) for i in listed.json()["items"]}
    later = await intake.client.get(URL, params={"deadline_within_days": 3}, headers=headers(org=ORG))
    assert person not in {UUID(i["beneficiary_id"]) for i in later.json()["items"]}


async def test_the_audit_log_lists_reads_by_person_user_and_period_paged(intake: Intake):
    person = await intake.register(registration(), org=ORG)
    other = await intake.register(registration(), org=ORG)
    start = datetime.now(UTC)
    for who, whom in (("op-a", person), ("op-a", other), ("op-b", person)):
        read = await intake.client.get(f"{URL}/{whom}", params={"purpose": f"casework by {who}"},
                                       headers=headers(org=ORG, sub=who))
        assert read.status_code == 200
    log = await intake.client.get("/api/v1/audit/access", params={"beneficiary_id": str(person)}, headers=ADMIN)
    assert log.status_code == 200, log.text
    assert [(i["actor"], i["purpose"]) for i in log.json()["items"]] == [("op-b", "casework by op-b"),
                                                                       ("op-a", "casework by op-a")]
    by_user = await intake.client.get("/api/v1/audit/access", params={"actor": "op-a", "limit": 1}, headers=ADMIN)
    assert (by_user.json()["total"], len(by_user.json()["items"]), by_user.json()["limit"]) == (2, 1, 1)
    future = await intake.client.get("/api/v1/audit/access", headers=ADMIN, params={
        "since": (start + timedelta(hours=1)).isoformat()})
    assert future.json()["total"] == 0
    since = await intake.client.get("/api/v1/audit/access", headers=ADMIN, params={"since": start.isoformat()})
    assert since.json()["total"] == 3
    assert (await intake.client.get("/api/v1/audit/access", headers=headers(org=ORG))).status_code == 403
    other_org = await intake.client.get("/api/v1/audit/access", headers=headers(Role.admin, org="coop-else"))
    assert other_org.json()["total"] == 0


async def test_the_access_report_says_who_read_the_data_when_and_why_and_is_itself_audited(intake: Intake):
    person = await intake.register(registration(), org=ORG)
    for who in ("op-x", "op-x", "op-y"):
        await intake.client.get(f"{URL}/{person}", params={"purpose": "housing search"},
                                headers=headers(org=ORG, sub=who))
    report = await intake.client.get(f"{URL}/{person}/access-report", params={"purpose": "art. 15 request"},
                                     headers=ADMIN)
    assert report.status_code == 200, report.text
    readers = {r["actor"]: (r["reads"], r["purposes"]) for r in report.json()["readers"]}
    assert readers["op-x"] == (2, ["housing search"]) and readers["op-y"] == (1, ["housing search"])
    assert readers["dpo-1"] == (1, ["art. 15 request"])  # drawing the report up is a read too
    assert (await intake.client.get(f"{URL}/{person}/access-report", headers=ADMIN)).status_code == 422


async def test_the_export_holds_every_record_decrypted_is_audited_and_impossible_after_erasure(intake: Intake):
    body = registration(**consent("housing_referral"))
    person = await intake.register(body, org=ORG)
    corrected = await intake.client.post(f"{URL}/{person}/corrections", headers=headers(org=ORG), json={
        "italian_level": "B1", "reason": "tested at the CPIA"})
    assert corrected.status_code == 201
    deadline = (today_in_italy() + timedelta(days=90)).isoformat()
    plan = await intake.client.post(f"{URL}/{person}/plan", headers=headers(org=ORG), json={"goals": [
        {"area": "housing", "title": "Casa a Torpignattara", "deadline": deadline, "responsible_operator": "op-1"}]})
    assert plan.status_code == 201, plan.text
    exported = await intake.client.get(f"{URL}/{person}/export", params={"purpose": "data portability request"},
                                       headers=ADMIN)
    assert exported.status_code == 200, exported.text
    data = exported.json()
    assert data["registration"]["personal"]["last_name"] == body["last_name"]
    assert data["registration"]["italian_level"] == "B1"
    assert data["registration_versions"][0]["registration"]["italian_level"] == body["italian_level"]
    assert data["corrections"][0]["reason"] == {"reason": "tested at the CPIA"}
    assert data["goals"][0]["notes"]["title"] == "Casa a Torpignattara"
    assert [c["purpose"] for c in data["consents"]] == ["processing", "housing_referral"]
    audited = await intake.fetch("SELECT action, purpose FROM pii_access_log WHERE beneficiary_id = $1", person)
    assert ("export", "data portability request") in [tuple(r) for r in audited]
    erased = await intake.client.post(f"{URL}/{person}/erasure", headers=ADMIN, json={"reason": "art. 17 request"})
    assert erased.status_code in (200, 201), erased.text
    after = await intake.client.get(f"{URL}/{person}/export", params={"purpose": "again"}, headers=ADMIN)
    assert after.status_code == 409 and after.json()["errors"][0]["rule"] == "erased"
    assert (await intake.client.get(f"{URL}/{person}/export", params={"purpose": "peek"},
                                    headers=headers(org=ORG))).status_code == 403


async def test_an_expired_consent_becomes_a_withdrawal_with_its_event(intake: Intake):
    from intake.adapters.unit_of_work import PostgresIntakeUnitOfWork
    from intake.service_layer.consent import expire_due

    def unit_of_work() -> PostgresIntakeUnitOfWork:
        return PostgresIntakeUnitOfWork(intake.pool)

    given = (today_in_italy() - timedelta(days=10)).isoformat()
    expired_on = today_in_italy() - timedelta(days=2)
    body = registration(**consent("employment_referral", expires_on=expired_on.isoformat()))
    body["consent"]["date"] = given
    person = await intake.register(body, org=ORG)
    assert (await states(intake, person))["employment_referral"] == "expired"
    assert await expire_due(unit_of_work, today=today_in_italy()) >= 2  # processing and employment_referral
    assert (await states(intake, person))["employment_referral"] == "withdrawn"
    withdrawals = [e.payload for e in await intake.events(person) if e.event_type == "intake.consent_withdrawn"]
    assert {w["purpose"]: (w["cause"], w["withdrawn_on"]) for w in withdrawals} == {
        p: ("expired", (expired_on + timedelta(days=1)).isoformat()) for p in ("processing", "employment_referral")}
    assert await expire_due(unit_of_work, today=today_in_italy()) == 0
    history = (await intake.client.get(f"{URL}/{person}/consents", headers=headers(org=ORG))).json()["history"]
    assert [h["cause"] for h in history if h["action"] == "withdrawn"] == ["expired", "expired"]


async def test_the_data_protection_officer_reads_the_audit_log_and_access_report_but_no_case_data(intake: Intake):
    person = await intake.register(registration(), org=ORG)
    await intake.client.get(f"{URL}/{person}", params={"purpose": "casework"}, headers=headers(org=ORG, sub="op-d"))
    dpo = headers(Role.dpo, org=ORG, sub="officer-1")
    log = await intake.client.get("/api/v1/audit/access", params={"beneficiary_id": str(person)}, headers=dpo)
    assert log.status_code == 200, log.text
    assert [(i["actor"], i["purpose"]) for i in log.json()["items"]] == [("op-d", "casework")]
    report = await intake.client.get(f"{URL}/{person}/access-report", params={"purpose": "complaint 7/2026"},
                                     headers=dpo)
    assert report.status_code == 200, report.text
    assert {r["actor"] for r in report.json()["readers"]} >= {"op-d"}
    audited = await intake.fetch("SELECT actor_role, action, purpose FROM pii_access_log WHERE actor = 'officer-1'")
    assert [tuple(r) for r in audited] == [("dpo", "access_report", "complaint 7/2026")]
    # No case data: not the person (with or without a purpose), not the list, not the export, no command.
    refused = [
        await intake.client.get(f"{URL}/{person}", params={"purpose": "curiosity"}, headers=dpo),
        await intake.client.get(f"{URL}/{person}", headers=dpo),
        await intake.client.get(URL, headers=dpo),
        await intake.client.get(f"{URL}/{person}/export", params={"purpose": "art. 20"}, headers=dpo),
        await intake.client.post(URL, json=registration(), headers=dpo),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    other = await intake.client.get("/api/v1/audit/access", headers=headers(Role.dpo, org="coop-else"))
    assert other.json()["total"] == 0  # the officer of another organisation sees nothing of this one


async def test_a_purpose_of_blanks_is_no_purpose_on_any_read_and_is_never_audited(intake: Intake):
    person = await intake.register(registration(), org=ORG)
    blanks = {"purpose": "     "}
    for url, who in [(f"{URL}/{person}", headers(org=ORG)), (URL, headers(org=ORG)),
                     (f"{URL}/{person}/assessments", headers(org=ORG)), (f"{URL}/{person}/plan", headers(org=ORG)),
                     (f"{URL}/{person}/access-report", ADMIN), (f"{URL}/{person}/export", ADMIN)]:
        refused = await intake.client.get(url, params=blanks, headers=who)
        assert errors_of(refused) == {"query.purpose": "string_too_short"}, url
    assert await intake.fetchval("SELECT count(*) FROM pii_access_log WHERE beneficiary_id = $1", person) == 0
    read = await intake.client.get(f"{URL}/{person}", params={"purpose": "  colloquio  "}, headers=headers(org=ORG))
    assert read.status_code == 200 and read.json()["personal"] is not None
    assert await intake.fetchval("SELECT purpose FROM pii_access_log WHERE beneficiary_id = $1", person) == "colloquio"


async def test_an_audit_period_must_end_after_it_starts(intake: Intake):
    for since, until in [("2026-06-01", "2026-01-01"), ("2026-06-01T10:00:00+02:00", "2026-06-01T08:00:00Z"),
                         ("2026-06-01", "2026-06-01T00:00:00Z")]:
        refused = await intake.client.get("/api/v1/audit/access", params={"since": since, "until": until},
                                          headers=ADMIN)
        assert errors_of(refused) == {"query.until": "until_not_after_since"}, (since, until)
    one_day = await intake.client.get("/api/v1/audit/access", headers=ADMIN,
                                      params={"since": "2026-06-01", "until": "2026-06-02T00:00:00+00:00"})
    assert one_day.status_code == 200, one_day.text


async def test_a_purpose_history_goes_forward_in_time_from_the_birth_on(intake: Intake):
    today = today_in_italy()
    born = registration(**consent())
    before_birth = born | {"consent": born["consent"] | {"date": "1990-01-01"}, "birth_date": "2001-08-08"}
    refused = await intake.client.post(URL, json=before_birth, headers=headers(org=ORG))
    assert errors_of(refused) == {"consent": "consent_before_birth"}
    assert "2001-08-08" in refused.json()["errors"][0]["message"]

    person = await intake.register(registration(**consent()), org=ORG)
    count = "SELECT count(*) FROM consents WHERE beneficiary_id = $1"
    before = await intake.fetchval(count, person)
    withdrawal = f"{URL}/{person}/consents/processing/withdrawal"
    early = await intake.client.post(withdrawal, headers=headers(org=ORG),
                                     json={"withdrawn_on": (today - timedelta(days=30)).isoformat()})
    assert errors_of(early) == {"withdrawn_on": "withdrawn_before_given"}
    unknown = await intake.client.post(f"{URL}/{person}/consents/marketing/withdrawal", headers=headers(org=ORG))
    assert errors_of(unknown) == {"purpose": "unknown_purpose"}
    assert await intake.fetchval(count, person) == before
    assert [e.event_type for e in await intake.events(person)] == ["intake.beneficiary_registered"]

    assert (await intake.client.post(withdrawal, headers=headers(org=ORG))).status_code == 201
    back_dated = await intake.client.post(f"{URL}/{person}/consents", headers=headers(org=ORG), json={
        "purpose": "processing", "given_on": (today - timedelta(days=30)).isoformat(), "notice_version": "v2"})
    assert errors_of(back_dated) == {"given_on": "before_last_change"}
    again = await intake.client.post(f"{URL}/{person}/consents", headers=headers(org=ORG), json={
        "purpose": "processing", "given_on": today.isoformat(), "notice_version": "v2"})
    assert again.status_code == 201, again.text
    assert await intake.fetchval(count, person) == before + 2
