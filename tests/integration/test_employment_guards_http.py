"""Employment's HTTP API on the real servers, as a job coach walks it: dates no opening, step or payment can
have, names of blanks, and a person the host did not select, whom the engine must not propose again for
the same opening."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from shared.auth import Role
from tests.employment_support import consent, registered, work_plan
from tests.integration.test_employment_http_kafka import BURSARY, publish, running_employment, until

pytestmark = pytest.mark.integration

TRAINEESHIP_9999 = {
    "kind": "traineeship", "title": "Tirocinio cucina", "municipality": "058091", "sector": "I",
    "start_date": "9999-10-01", "end_date": "9999-12-31", "weekly_hours": 36,
    "promoter": {"name": "Coop", "ateco_section": "P"}, "host": {"name": "Hotel", "ateco_section": "I"},
    "agreement_ref": "C-1", "agreement_signed_on": "9999-01-01", "promoter_tutor": "T1", "host_tutor": "T2",
    "monthly_allowance_eur": "800.00", "payer": "company"}


def broken(r) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in r.json()["errors"]}


async def arrives_and_is_proposed(emp, kafka: str) -> tuple[UUID, dict]:  # noqa: ANN001
    """A person with a work goal and the referral consent comes from intake's events; their one proposal."""
    who = uuid4()
    await publish(kafka, emp.org, [(who, p) for p in (registered(), work_plan(), consent())])

    async def proposed():
        body = (await emp.http.get("/api/v1/proposals", headers=emp.auth())).json()
        return body["items"] if body["total"] == 1 else None

    (proposal,) = await until(proposed)
    return who, proposal


async def test_dates_out_of_range_and_blank_names_are_refused_naming_the_field(real_servers, topics):
    async with running_employment(real_servers) as emp:
        # year 9999: the duration check added months past year 9999 and answered 500
        r = await emp.http.post("/api/v1/openings", headers=emp.auth(), json=TRAINEESHIP_9999)
        assert r.status_code == 422, r.text
        assert broken(r) == {("traineeship.start_date", "date_out_of_range"),
                             ("traineeship.end_date", "date_out_of_range"),
                             ("traineeship.agreement_signed_on", "date_out_of_range")}
        r = await emp.http.post("/api/v1/openings", headers=emp.auth(), json={
            **TRAINEESHIP_9999, "start_date": "1999-12-31", "end_date": "2000-03-31",
            "agreement_signed_on": "1999-12-01"})
        assert r.status_code == 422 and ("traineeship.start_date", "date_out_of_range") in broken(r), r.text
        r = await emp.http.post("/api/v1/funds", headers=emp.auth(Role.admin),
                                json={"project_id": "FAMI-1", "name": "   ", "budget_eur": "100.00"})
        assert r.status_code == 422 and broken(r) == {("name", "blank")}, r.text
        r = await emp.http.post("/api/v1/openings", headers=emp.auth(), json={
            **TRAINEESHIP_9999, "title": "  ", "start_date": "2099-02-01", "end_date": "2099-05-31",
            "agreement_signed_on": "2099-01-01"})
        assert r.status_code == 422 and broken(r) == {("traineeship.title", "blank")}, r.text
        assert (await emp.http.get("/api/v1/openings", headers=emp.auth())).json()["total"] == 0
        assert (await emp.http.get("/api/v1/funds", headers=emp.auth())).json()["total"] == 0

        fund = await emp.http.post("/api/v1/funds", headers=emp.auth(Role.admin),
                                   json={"project_id": "FAMI-1", "name": "bursaries", "budget_eur": "5000.00"})
        made = await emp.http.post("/api/v1/openings", headers=emp.auth(),
                                   json={**BURSARY, "fund_id": fund.json()["fund_id"]})
        assert made.status_code == 201, made.text
        assert made.json()["free_seats"] == made.json()["seats"], made.text  # a write answers as a read does
        for path, body, field in (
                ("/api/v1/projects/FAMI-1/priorities", {"women_priority": "yes"}, "women_priority"),
                ("/api/v1/openings", {**BURSARY, "fund_id": fund.json()["fund_id"],
                                      "requirements": {"driving_licence": "no"}},
                 "bursary.requirements.driving_licence")):
            r = await emp.http.request("PUT" if "priorities" in path else "POST", path, headers=emp.auth(), json=body)
            assert r.status_code == 422 and {f for f, _ in broken(r)} == {field}, r.text  # true or false only
        closed = await emp.http.post(f"/api/v1/openings/{made.json()['opening_id']}/close", headers=emp.auth())
        assert closed.status_code == 200 and closed.json()["free_seats"] is not None, closed.text
        made = await emp.http.post("/api/v1/openings", headers=emp.auth(),
                                   json={**BURSARY, "fund_id": fund.json()["fund_id"]})
        who, proposal = await arrives_and_is_proposed(emp, real_servers.kafka)
        steps = f"/api/v1/placements/{proposal['placement_id']}/steps"
        r = await emp.http.post(steps, headers=emp.auth(), json={"to": "interview", "on": "9999-12-01"})
        assert r.status_code == 422 and broken(r) == {("on", "date_out_of_range")}, r.text
        for body in ({"to": "interview"}, {"to": "started", "on": "2099-02-01"}):
            assert (await emp.http.post(steps, headers=emp.auth(), json=body)).status_code == 200
        pay = f"/api/v1/placements/{proposal['placement_id']}/instalments/1/payment"
        r = await emp.http.post(pay, headers=emp.auth(), json={"on": "9999-12-31"})
        assert r.status_code == 422 and broken(r) == {("on", "date_out_of_range")}, r.text
        (f,) = (await emp.http.get("/api/v1/funds", headers=emp.auth())).json()["items"]
        assert f["paid_eur"] == "0.00"

        r = await emp.http.post(f"/api/v1/people/{who}/recognitions", headers=emp.auth(),
                                json={"qualification": "   ", "country": "SO"})
        assert r.status_code == 422 and broken(r) == {("qualification", "blank")}, r.text
        assert (await emp.http.get(f"/api/v1/people/{who}", headers=emp.auth())).json()["recognitions"] == []


async def test_a_person_not_selected_at_the_interview_is_not_proposed_again_for_that_opening(real_servers, topics):
    async with running_employment(real_servers) as emp:
        fund = await emp.http.post("/api/v1/funds", headers=emp.auth(Role.admin),
                                   json={"project_id": "FAMI-1", "name": "bursaries", "budget_eur": "5000.00"})
        first = await emp.http.post("/api/v1/openings", headers=emp.auth(),
                                    json={**BURSARY, "fund_id": fund.json()["fund_id"]})
        assert first.status_code == 201, first.text
        who, proposal = await arrives_and_is_proposed(emp, real_servers.kafka)

        async def proposals(stage: str = "proposed"):
            return (await emp.http.get("/api/v1/proposals", params={"status": stage}, headers=emp.auth())).json()
        steps = f"/api/v1/placements/{proposal['placement_id']}/steps"
        assert (await emp.http.post(steps, headers=emp.auth(), json={"to": "interview"})).status_code == 200
        r = await emp.http.post(steps, headers=emp.auth(), json={"to": "interrupted", "reason": "not_selected"})
        assert r.status_code == 200, r.text
        # the step re-matches in its own transaction: the freed seat went straight back to the same person
        assert (await proposals())["total"] == 0
        person = (await emp.http.get(f"/api/v1/people/{who}", headers=emp.auth())).json()
        assert person["person"]["out_of_matching"] is None  # still matched, to other openings
        second = await emp.http.post("/api/v1/openings", headers=emp.auth(),
                                     json={**BURSARY, "title": "another kitchen", "fund_id": fund.json()["fund_id"]})
        (elsewhere,) = (await proposals())["items"]
        assert (UUID(elsewhere["beneficiary_id"]), elsewhere["opening_id"]) == (who, second.json()["opening_id"])
        by_hand = await emp.http.post(f"/api/v1/openings/{first.json()['opening_id']}/proposals",
                                      headers=emp.auth(), json={"beneficiary_id": str(who)})
        assert by_hand.status_code == 201, by_hand.text  # the team may still propose them there


async def test_a_person_who_completed_a_course_is_not_proposed_it_again(real_servers, topics):
    async with running_employment(real_servers) as emp:
        course = await emp.http.post("/api/v1/openings", headers=emp.auth(), json={
            "kind": "course", "title": "Italiano per il lavoro", "municipality": "058091", "sector": "P",
            "start_date": "2099-03-01", "end_date": "2099-05-31", "seats": 2, "weekly_hours": 10,
            "course_kind": "italian_for_work"})
        assert course.status_code == 201, course.text
        who, proposal = await arrives_and_is_proposed(emp, real_servers.kafka)
        steps = f"/api/v1/placements/{proposal['placement_id']}/steps"
        for body in ({"to": "enrolled", "on": "2099-03-01"}, {"to": "completed", "on": "2099-05-31"}):
            assert (await emp.http.post(steps, headers=emp.auth(), json=body)).status_code == 200
        # dated ahead, the course still looks bookable today: the engine proposed it to her again at once
        assert (await emp.http.get("/api/v1/proposals", headers=emp.auth())).json()["total"] == 0
