"""A person's path walked across the four services as real processes, for what a walk through them found
broken: each service stops working for a person whose path intake closed, and forgets, at an erasure, the
free text its team wrote about them."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg
import pytest

from shared.auth import Role
from shared.settings import PlatformSettings
from tests.e2e.conftest import token
from tests.e2e.people import registration
from tests.e2e.test_thin_slice import register, wait_for

pytestmark = pytest.mark.e2e


async def test_a_path_closed_at_intake_takes_the_person_off_housing_and_declines_the_open_proposal(
        services, http, registered_personal_data):
    org = "coop-walk-closed-e2e"
    intake, housing = services["intake"], services["housing"]
    operator, team = token(Role.operator, org), token(Role.housing, org)
    body = registration("Yusuf", "Abdullahi", "M", date(1989, 3, 3))
    body["consent"]["scope"] = ["processing", "housing_referral"]
    person = (await register(http, services, body, registered_personal_data, org=org))["beneficiary_id"]
    plan = await http.post(f"{intake}/api/v1/beneficiaries/{person}/plan", headers=operator, json={"goals": [
        {"area": "housing", "title": "casa", "deadline": "2199-01-31", "responsible_operator": "op-1"}]})
    assert plan.status_code == 201, plan.text
    place = await http.post(f"{housing}/api/v1/places", headers=team, json={
        "kind": "cohousing", "municipality": "058091", "beds_total": 2, "beds_free": 2, "gender_policy": "mixed",
        "monthly_cost_per_bed": "200.00"})
    assert place.status_code == 201, place.text

    async def proposals(status: str) -> list[dict]:
        r = await http.get(f"{housing}/api/v1/proposals", headers=team, params={"status": status})
        assert r.status_code == 200, r.text
        return [p for p in r.json()["items"] if p["beneficiary_id"] == person]

    (proposal,) = await wait_for(lambda: proposals("proposed"))
    url = f"{intake}/api/v1/beneficiaries/{person}/transitions"
    for to, why in (("in_progress", "plan_started"), ("transferred", "transferred_to_other_service")):
        moved = await http.post(url, headers=operator, json={"to": to, "reason": "a Milano", "reason_category": why})
        assert moved.status_code == 201, moved.text

    (declined,) = await wait_for(lambda: proposals("declined"))
    assert (declined["proposal_id"], declined["decline_actor"], declined["decline_reason"]) == (
        proposal["proposal_id"], "administrative", "path_closed")
    waiting = await http.get(f"{housing}/api/v1/waiting", headers=team, params={"matchable": "false"})
    assert person not in {w["beneficiary_id"] for w in waiting.json()["items"]}
    rerun = await http.post(f"{housing}/api/v1/matching/run", headers=team, json={})
    assert rerun.status_code == 200, rerun.text
    assert await proposals("proposed") == []
    by_hand = await http.post(f"{housing}/api/v1/proposals", headers=team,
                              json={"beneficiary_id": person, "place_id": place.json()["place_id"]})
    assert by_hand.status_code == 409 and by_hand.json()["errors"][0]["rule"] == "not_on_waiting_list", by_hand.text


async def test_an_erasure_at_intake_makes_employment_forget_the_qualification_written_for_the_person(
        services, http, real_servers, registered_personal_data):
    org = "coop-walk-erased-e2e"
    intake, employment = services["intake"], services["employment"]
    team = token(Role.employment, org)
    body = registration("Halima", "Osman", "F", date(1991, 6, 6))
    body["consent"]["scope"] = ["processing", "employment_referral"]
    person = (await register(http, services, body, registered_personal_data, org=org))["beneficiary_id"]

    async def known() -> bool:
        return (await http.get(f"{employment}/api/v1/people/{person}", headers=team)).status_code == 200

    await wait_for(known)
    title = "Diploma di infermiera, Halima Osman, Università Nazionale Somala"
    asked = await http.post(f"{employment}/api/v1/people/{person}/recognitions", headers=team, json={
        "qualification": title, "country": "SO", "sector": "Q"})
    assert asked.status_code == 201, asked.text
    recognition = asked.json()["recognition_id"]
    erased = await http.post(f"{intake}/api/v1/beneficiaries/{person}/erasure", headers=token(Role.admin, org),
                             json={"reason": "richiesta dell'interessata"})
    assert erased.status_code == 200, erased.text

    async def gone() -> bool:
        return (await http.get(f"{employment}/api/v1/people/{person}", headers=team)).status_code == 404

    await wait_for(gone)
    platform = PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres)
    conn = await asyncpg.connect(platform.database_dsn("percorsi_employment_e2e"))
    try:
        kept = await conn.fetch("SELECT qualification FROM recognitions WHERE beneficiary_id = $1", UUID(person))
    finally:
        await conn.close()
    assert len(kept) == 1 and "Halima" not in kept[0]["qualification"] and "Somala" not in kept[0]["qualification"]
    # and nothing more is recorded about the person: the recognition is no longer the team's to move
    moved = await http.post(f"{employment}/api/v1/recognitions/{recognition}/steps", headers=team,
                            json={"to": "in_progress"})
    assert moved.status_code == 404, moved.text


async def test_a_role_refused_names_its_rule_as_every_other_refusal_does(services, http):
    """A 403 for the caller's role came with no item in `errors` ("errors": []), unlike every other refusal."""
    for service, path, role in (("reporting", "/api/v1/indicators", Role.housing),
                                ("intake", "/api/v1/beneficiaries", Role.coordinator),
                                ("housing", "/api/v1/funds", Role.operator),
                                ("employment", "/api/v1/funds", Role.funder)):
        refused = await http.get(f"{services[service]}{path}", headers=token(role, "coop-walk-roles-e2e"))
        assert refused.status_code == 403, (service, refused.text)
        body = refused.json()
        assert body["errors"] == [{"field": "", "rule": "role_not_allowed", "message": body["detail"]}], service
        assert f"role '{role.value}' may not do this; needs one of: " in body["detail"]


async def test_needs_written_in_italian_reach_employment_as_their_keywords(services, http, registered_personal_data):
    """An operator writes a mother's work needs as Italian operators do ("asilo nido", "orientamento al
    lavoro"); they went on the wire as 'other', so employment never learnt she needs childcare to work."""
    org = "coop-walk-needs-e2e"
    intake, employment = services["intake"], services["employment"]
    body = registration("Saida", "Hussein", "F", date(1994, 1, 9),
                        household={"size": 2, "children": [{"age": 2}], "single_parent": True})
    body["consent"]["scope"] = ["processing", "employment_referral"]
    person = (await register(http, services, body, registered_personal_data, org=org))["beneficiary_id"]
    assessed = await http.post(f"{intake}/api/v1/beneficiaries/{person}/assessments", headers=token(Role.operator, org),
                               json={"needs": {"work": ["Asilo nido", "Orientamento al lavoro"],
                                               "housing": ["Coabitazione"], "social": ["Sostegno psicologico"]}})
    assert assessed.status_code == 201, assessed.text
    read = await http.get(f"{intake}/api/v1/beneficiaries/{person}/assessments", headers=token(Role.operator, org))
    assert read.json()["items"][0]["need_keywords"] == {
        "work": ["childcare", "job_orientation"], "housing": ["cohousing"], "social": ["counselling"]}

    async def needs_childcare() -> bool:
        r = await http.get(f"{employment}/api/v1/people/{person}", headers=token(Role.employment, org))
        return r.status_code == 200 and r.json()["person"]["childcare_need"] is True

    await wait_for(needs_childcare)
