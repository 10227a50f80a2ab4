"""A plan revised as needs emerge, across the four services as real processes: a person whose plan held
a work goal only gets a housing goal added once their reception ends, and reaches housing's waiting
list and a proposal; a person with a housing-only plan gets a work goal added and employment matches
them; reporting counts the goals added (never as a plan agreed) and tells them on the timeline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.auth import Role
from tests.e2e.conftest import token
from tests.e2e.people import registration
from tests.e2e.test_thin_slice import register, wait_for

pytestmark = pytest.mark.e2e
ORG = "coop-goals-added-e2e"
ROMA = "058091"


def goal(area: str, title: str, days: int) -> dict:
    return {"area": area, "title": title, "deadline": (date.today() + timedelta(days=days)).isoformat(),
            "responsible_operator": "op-1", "phases": []}


async def test_a_housing_goal_added_to_a_work_only_plan_reaches_housing_s_waiting_list_and_a_proposal(
        services, http, registered_personal_data):
    intake, housing, reporting = services["intake"], services["housing"], services["reporting"]
    operator, team = token(Role.operator, ORG), token(Role.housing, ORG)
    body = registration("Ubah", "Farah", "F", date(1992, 4, 4), reception={"kind": "sai"})  # no leave-by date known
    body["consent"]["scope"] = ["processing", "housing_referral"]
    person = (await register(http, services, body, registered_personal_data, org=ORG))["beneficiary_id"]
    plan = await http.post(f"{intake}/api/v1/beneficiaries/{person}/plan", headers=operator,
                           json={"goals": [goal("work", "Aiuto cuoca alla mensa di via Tiburtina", 200)]})
    assert plan.status_code == 201, plan.text
    place = await http.post(f"{housing}/api/v1/places", headers=team, json={
        "kind": "cohousing", "municipality": ROMA, "beds_total": 2, "beds_free": 2, "gender_policy": "mixed",
        "monthly_cost_per_bed": "200.00"})
    assert place.status_code == 201, place.text

    async def waiting(matchable: bool) -> dict | None:
        r = await http.get(f"{housing}/api/v1/waiting", headers=team, params={"matchable": str(matchable).lower()})
        assert r.status_code == 200, r.text
        return next((w for w in r.json()["items"] if w["beneficiary_id"] == person), None)

    async def proposals() -> list[dict]:
        r = await http.get(f"{housing}/api/v1/proposals", headers=team, params={"status": "proposed"})
        return [p for p in r.json()["items"] if p["beneficiary_id"] == person]

    async def known_without_a_goal() -> dict | None:
        w = await waiting(False)
        return w if w and w["consent"] else None

    known = await wait_for(known_without_a_goal)  # housing knows the person, with the consent, but no housing goal
    assert (known["housing_goal"], known["matchable"]) == (False, False)
    assert await waiting(True) is None and await proposals() == []

    # three months on, reception ends: the plan is revised with a housing goal
    added = await http.post(f"{intake}/api/v1/beneficiaries/{person}/plan/goals", headers=operator,
                            json={"goals": [goal("housing", "Casa con la sorella a Centocelle", 45)]})
    assert added.status_code == 201, added.text
    on_the_list = await wait_for(lambda: waiting(True))
    assert on_the_list["housing_goal"] and on_the_list["matchable"]
    assert on_the_list["leave_by"] == (date.today() + timedelta(days=45)).isoformat()  # the goal's stands in
    (proposal,) = await wait_for(proposals)
    assert proposal["place_id"] == place.json()["place_id"]

    # reporting: a plan agreed once, two goals, and the goal added on the timeline in words
    async def timeline() -> list[dict] | None:
        r = await http.get(f"{reporting}/api/v1/beneficiaries/{person}/timeline", headers=operator)
        events = r.json()["events"] if r.status_code == 200 else []
        return events if "intake.goals_added" in {e["event_type"] for e in events} else None

    events = await wait_for(timeline)
    assert [e["words"] for e in events if e["event_type"] == "intake.goals_added"] == [
        "Obiettivi aggiunti al piano individuale: 1."]
    assert not {"Centocelle", "sorella", "Tiburtina"} & set(" ".join(str(e) for e in events).split())

    async def counted(indicator: str) -> int:
        r = await http.get(f"{reporting}/api/v1/indicators", headers=operator,
                           params={"indicator": indicator, "set": "foundation_example"})
        assert r.status_code == 200, r.text
        return r.json()["figures"][0]["total"]

    assert await counted("plan_goals") == 2 and await counted("plans_agreed") == 1


async def test_a_work_goal_added_to_a_housing_only_plan_makes_the_person_employment_s(
        services, http, registered_personal_data):
    intake, employment = services["intake"], services["employment"]
    org = f"{ORG}-work"
    operator, team = token(Role.operator, org), token(Role.employment, org)
    body = registration("Hodan", "Warsame", "F", date(1990, 8, 8), residence={"municipality": ROMA})
    body["consent"]["scope"] = ["processing", "employment_referral"]
    person = (await register(http, services, body, registered_personal_data, org=org))["beneficiary_id"]
    plan = await http.post(f"{intake}/api/v1/beneficiaries/{person}/plan", headers=operator,
                           json={"goals": [goal("housing", "Casa in affitto", 120)]})
    assert plan.status_code == 201, plan.text

    async def out_of_matching(why: str | None):
        async def probe() -> dict | None:
            r = await http.get(f"{employment}/api/v1/people/{person}", headers=team)
            return r.json() if r.status_code == 200 and r.json()["person"]["out_of_matching"] == why else None
        return await wait_for(probe)

    await out_of_matching("no_work_goal_in_plan")
    added = await http.post(f"{intake}/api/v1/beneficiaries/{person}/plan/goals", headers=operator,
                            json={"goals": [goal("work", "Tirocinio in un panificio", 180)]})
    assert added.status_code == 201, added.text
    await out_of_matching(None)
