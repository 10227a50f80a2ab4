"""Intake and housing on the real servers, in one test: a person registered through intake's HTTP API
with a step-free need and the day they must leave reception reaches housing on Kafka, and housing
proposes only a step-free place, with the reception date as the urgency date."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from uuid import uuid4

import pytest

from shared.events.contracts import ConsentGiven, PlanAgreed
from shared.events.contracts.path import GoalSummary
from tests.integration.housing_support import running_housing
from tests.integration.intake_support import registration, running_intake

pytestmark = pytest.mark.integration
TODAY = date.today()


async def _eventually(check, timeout_s: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not reached in {timeout_s} s: {check.__name__}")
        await asyncio.sleep(0.2)


async def test_a_step_free_need_registered_in_intake_gets_only_a_step_free_place(real_servers, topics):
    org = f"coop-sf-{uuid4().hex[:6]}"
    leave_by = TODAY + timedelta(days=20)
    async with running_intake(real_servers, "intake_sf") as intake, running_housing(real_servers) as h:
        h.org = org
        places = {}
        # the flat with steps is cheaper, so without the need it would score higher
        for name, step_free, cost in (("steps", False, "150.00"), ("step_free", True, "300.00")):
            r = await h.http.post("/api/v1/places", headers=h.auth, json={
                "kind": "cohousing", "municipality": "058091", "beds_total": 2, "beds_free": 1,
                "gender_policy": "mixed", "step_free": step_free, "monthly_cost_per_bed": cost,
                "address": "Via Prenestina 1"})
            assert r.status_code == 201, r.text
            places[name] = r.json()["place_id"]
        person = await intake.register(registration(
            step_free_need=True, residence={"province": "RM"},
            reception={"kind": "sai", "centre": "Casa Aurora", "must_leave_by": leave_by.isoformat()}), org=org)
        (event,) = [e for e in await intake.events(person) if e.event_type == "intake.beneficiary_registered"]
        assert (event.payload["step_free_need"], event.payload["must_leave_by"]) == (True, leave_by.isoformat())
        stored = await intake.fetchval("SELECT step_free_need FROM beneficiaries WHERE beneficiary_id = $1", person)
        assert stored is True
        # housing knows the person once intake's relay has published the registration (under load, and
        # with housing reading the topic from its start, this can take a while)

        async def known():
            async with h.uow() as uow:
                return await uow.households.get(person) is not None
        await _eventually(known, timeout_s=120.0)
        # the plan's housing goal and the referral consent, as intake announces them (after the
        # registration, as intake's events of one person are ordered on the topic)
        await h.send(PlanAgreed(agreed_on=TODAY, goals=[GoalSummary(goal_id=uuid4(), area="housing",
                                                                    deadline=TODAY + timedelta(days=90))]), person)
        await h.send(ConsentGiven(purpose="housing_referral", given_on=TODAY, legal_basis="consent",
                                  notice_version="v2", given_by="person"), person)

        async def proposed():
            r = await h.http.get("/api/v1/proposals", headers=h.auth, params={"limit": 50})
            mine = [p for p in r.json()["items"] if p["beneficiary_id"] == str(person)]
            return mine or None
        (proposal,) = await _eventually(proposed, timeout_s=60.0)
        assert proposal["place_id"] == places["step_free"]
        async with h.uow() as uow:
            household = await uow.households.get(person)
        assert household.step_free_need and household.leave_by == leave_by  # not the goal's later deadline

        # a manual proposal of the flat with steps is refused, naming the constraint
        refused = await h.http.post("/api/v1/proposals", headers=h.auth,
                                    json={"beneficiary_id": str(person), "place_id": places["steps"]})
        assert refused.status_code == 422, refused.text
        assert "hard_constraint_accessibility" in {e["rule"] for e in refused.json()["errors"]}
