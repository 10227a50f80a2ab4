"""Employment on the real servers, through intake's HTTP API: a person registered with consent to the
employment referral and given a plan with a work goal becomes matchable at employment, and the engine
proposes them for a bursary the team records over employment's API (score parts shown); a person without
that consent is never proposed and cannot be proposed by hand; when intake records the withdrawal of the
consent, the proposal is declined for that reason, the person leaves matching and the seat is free again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.auth import Role
from tests.e2e.conftest import token
from tests.e2e.people import registration
from tests.e2e.test_thin_slice import register, wait_for

pytestmark = pytest.mark.e2e
ORG = "coop-employment-e2e"
ROMA = "058091"


def plan_with_work_goal() -> dict:
    due = (date.today() + timedelta(days=120)).isoformat()
    return {"goals": [{"area": "work", "title": "Lavoro in cucina", "deadline": due, "responsible_operator": "op-1",
                       "phases": []}]}


async def person_at_intake(http, services, personal, first: str, last: str, scope: list[str]) -> str:
    body = registration(first, last, "F", date(1994, 3, 8), residence={"municipality": ROMA})
    body["consent"]["scope"] = scope
    who = (await register(http, services, body, personal, org=ORG))["beneficiary_id"]
    plan = await http.post(f"{services['intake']}/api/v1/beneficiaries/{who}/plan", json=plan_with_work_goal(),
                           headers=token(Role.operator, ORG))
    assert plan.status_code == 201, plan.text
    return who


async def test_consent_and_a_work_goal_at_intake_make_a_proposal_and_the_withdrawal_takes_it_back(
        services, http, registered_personal_data):
    intake, employment = services["intake"], services["employment"]
    team, admin = token(Role.employment, ORG), token(Role.admin, ORG)
    consenting = await person_at_intake(http, services, registered_personal_data, "Sahra", "Osman",
                                        ["processing", "employment_referral"])
    other = await person_at_intake(http, services, registered_personal_data, "Ifrah", "Jama", ["processing"])

    async def person(who: str) -> dict | None:
        r = await http.get(f"{employment}/api/v1/people/{who}", headers=team)
        return r.json() if r.status_code == 200 else None

    async def matchable():
        body = await person(consenting)
        return body if body and body["person"]["out_of_matching"] is None else None

    await wait_for(matchable)
    assert (await wait_for(lambda: person(other)))["person"]["out_of_matching"] == "no_consent_to_employment_referral"

    fund = await http.post(f"{employment}/api/v1/funds", headers=admin,
                           json={"project_id": "FAMI-2024-001", "name": "borse lavoro", "budget_eur": "2700.00"})
    assert fund.status_code == 201, fund.text
    start = date.today() + timedelta(days=10)
    opening = await http.post(f"{employment}/api/v1/openings", headers=team, json={
        "kind": "bursary", "title": "Borsa lavoro aiuto cuoca", "municipality": ROMA, "sector": "I",
        "start_date": start.isoformat(), "seats": 1, "weekly_hours": 25, "requirements": {"italian_level": "A1"},
        "project_id": "FAMI-2024-001", "monthly_amount_eur": "450.00", "months": 6,
        "fund_id": fund.json()["fund_id"]})
    assert opening.status_code == 201, opening.text
    opening_id = opening.json()["opening_id"]

    async def proposed():
        body = (await http.get(f"{employment}/api/v1/proposals", params={"opening_id": opening_id},
                               headers=team)).json()
        return body if body["total"] else None

    listed = await wait_for(proposed)
    (proposal,) = listed["items"]
    assert (proposal["beneficiary_id"], proposal["stage"], proposal["kind"]) == (consenting, "proposed", "bursary")
    parts = proposal["score_parts"]
    assert set(parts["parts"]) == {"skills_sector", "distance", "language", "waiting", "women_inactivity"}
    assert sum(p["points"] for p in parts["parts"].values()) == parts["points"] == proposal["score"] > 0
    assert parts["distance_km"] == 0.0  # she lives in Rome, the bursary is in Rome
    by_hand = await http.post(f"{employment}/api/v1/openings/{opening_id}/proposals", headers=team,
                              json={"beneficiary_id": other})
    assert by_hand.status_code == 409, by_hand.text

    withdrawn = await http.post(f"{intake}/api/v1/beneficiaries/{consenting}/consents/employment_referral/withdrawal",
                                headers=token(Role.operator, ORG))
    assert withdrawn.status_code == 201, withdrawn.text

    async def left():
        body = await person(consenting)
        return body if body["person"]["out_of_matching"] == "no_consent_to_employment_referral" else None

    await wait_for(left)
    still = (await http.get(f"{employment}/api/v1/proposals", params={"opening_id": opening_id},
                            headers=team)).json()
    assert still["total"] == 0, still
    declined = (await http.get(f"{employment}/api/v1/proposals", params={"opening_id": opening_id,
                                                                         "status": "declined"}, headers=team)).json()
    assert [(p["beneficiary_id"], p["reason"]) for p in declined["items"]] == [(consenting, "consent_withdrawn")]
    detail = (await http.get(f"{employment}/api/v1/openings/{opening_id}", headers=team)).json()
    assert detail["free_seats"] == 1, detail
    listed = (await http.get(f"{employment}/api/v1/openings", headers=team)).json()["items"]
    assert [o["free_seats"] for o in listed if o["opening_id"] == opening_id] == [1], listed
    again = await http.post(f"{employment}/api/v1/openings/{opening_id}/proposals", headers=team,
                            json={"beneficiary_id": consenting})
    assert again.status_code == 409, again.text
    assert again.json()["errors"][0]["rule"] == "no_consent_to_employment_referral"
