"""Housing on the real servers: the fund under concurrent approvals, re-matching after each kind of
event arriving on Kafka, consent withdrawal taking the person out, the workflow and its refusals over
HTTP, and every step an event in the outbox."""

import asyncio
import json
from datetime import date, timedelta
from uuid import uuid4

import pytest

from shared.events.contracts import (
    BeneficiaryCorrected,
    BeneficiaryErased,
    BeneficiaryRegistered,
    ConsentGiven,
    ConsentWithdrawn,
    EmploymentIncomeChanged,
    PlanAgreed,
)
from shared.events.contracts.path import GoalSummary
from tests.integration.housing_support import Housing, running_housing
from tests.waiting import PATIENCE_S

pytestmark = pytest.mark.integration
TODAY = date.today()


@pytest.fixture
async def housing(real_servers, topics):
    async with running_housing(real_servers) as h:
        yield h


async def eventually(check, timeout_s: float = PATIENCE_S):  # a guard against a hang, not a bound
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not reached in {timeout_s} s: {check.__name__}")
        await asyncio.sleep(0.2)


async def person(h: Housing, *, sex="M", size=1, children=0, area="RM", consent=True):
    bid = uuid4()
    await h.send(BeneficiaryRegistered(registered_on=TODAY - timedelta(days=30), sex=sex, age_band="25_34",
                                       legal_status="refugee", household_size=size, children=children, area=area,
                                       languages=["en"]), bid)
    await h.send(PlanAgreed(agreed_on=TODAY, goals=[GoalSummary(goal_id=uuid4(), area="housing",
                                                                deadline=TODAY + timedelta(days=30))]), bid)
    if consent:
        await h.send(ConsentGiven(purpose="housing_referral", given_on=TODAY, legal_basis="consent",
                                  notice_version="v2", given_by="person"), bid)
    return bid


async def flat(h: Housing, **kw):
    body = {"kind": "cohousing", "municipality": "058091", "beds_total": 4, "beds_free": 1,
            "gender_policy": "mixed", "monthly_cost_per_bed": "250.00", "address": "Via dei Volsci 12"} | kw
    r = await h.http.post("/api/v1/places", json=body, headers=h.auth)
    assert r.status_code == 201, r.text
    return r.json()


async def proposals(h: Housing, **params):
    r = await h.http.get("/api/v1/proposals", params=params, headers=h.auth)
    assert r.status_code == 200, r.text
    return r.json()


async def open_proposal_of(h: Housing, bid):
    items = (await proposals(h, limit=500))["items"]
    live = [p for p in items if p["beneficiary_id"] == str(bid) and p["status"] not in ("declined", "moved_out")]
    return live[0] if live else None


async def outbox_types(h: Housing, bid) -> list[str]:
    async with h.pool.acquire() as conn:
        rows = await conn.fetch("SELECT value FROM outbox ORDER BY seq")
    out = []
    for r in rows:
        env = json.loads(r["value"])
        if env["beneficiary_id"] == str(bid):
            out.append(env["event_type"])
    return out


async def test_fund_never_overspent_under_concurrent_approvals(housing: Housing):
    h = housing
    bid = await person(h, consent=False)
    await eventually(lambda: _known(h, bid))
    fund = (await h.http.post("/api/v1/funds", headers=h.auth, json={
        "project_id": "FAMI-2026-7", "kind": "contributions", "total_eur": "1000.00",
        "cap_per_person_eur": "1000.00"})).json()
    people = [bid] + [await person(h, consent=False) for _ in range(5)]
    for b in people:
        await eventually(lambda b=b: _known(h, b))
    supports = []
    for b in people:
        r = await h.http.post("/api/v1/supports", headers=h.auth, json={
            "fund_id": fund["fund_id"], "beneficiary_id": str(b), "kind": "furniture", "amount_eur": "300.00"})
        assert r.status_code == 201, r.text
        supports.append(r.json()["support_id"])
    answers = await asyncio.gather(*(h.http.post(f"/api/v1/supports/{s}/approve", headers=h.auth)
                                     for s in supports))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 200, 200, 409, 409, 409]
    refused = [a.json() for a in answers if a.status_code == 409]
    assert all(r["errors"][0]["rule"] == "fund_exhausted" for r in refused)
    # the same support approved three times at once, on a fund that could pay it thrice: one wins
    big = (await h.http.post("/api/v1/funds", headers=h.auth, json={
        "project_id": "FAMI-2026-8", "kind": "contributions", "total_eur": "900.00",
        "cap_per_person_eur": "300.00"})).json()
    one = (await h.http.post("/api/v1/supports", headers=h.auth, json={
        "fund_id": big["fund_id"], "beneficiary_id": str(bid), "kind": "utilities", "amount_eur": "300.00"})).json()
    again = await asyncio.gather(*(h.http.post(f"/api/v1/supports/{one['support_id']}/approve", headers=h.auth)
                                   for _ in range(3)))
    assert sorted(a.status_code for a in again) == [200, 409, 409]
    funds_now = {f["fund_id"]: f for f in (await h.http.get("/api/v1/funds", headers=h.auth)).json()["items"]}
    assert funds_now[big["fund_id"]]["committed_eur"] == "300.00"
    listed = funds_now[fund["fund_id"]]
    assert listed["budget_eur"] == "1000.00" and listed["committed_eur"] == "900.00" and listed["paid_eur"] == "0.00"
    approved = [s for s, a in zip(supports, answers, strict=True) if a.status_code == 200]
    paid = await asyncio.gather(*(h.http.post(f"/api/v1/supports/{s}/pay", headers=h.auth) for s in approved))
    assert all(p.status_code == 200 for p in paid)
    listed = {f["fund_id"]: f for f in (await h.http.get("/api/v1/funds", headers=h.auth)).json()["items"]}
    assert listed[fund["fund_id"]]["paid_eur"] == "900.00" and listed[fund["fund_id"]]["available_eur"] == "100.00"


async def test_concurrent_rent_advance_approvals_on_a_small_fund(housing: Housing):
    h = housing
    people = [await person(h, consent=False) for _ in range(4)]
    for b in people:
        await eventually(lambda b=b: _known(h, b))
    fund = (await h.http.post("/api/v1/funds", headers=h.auth, json={
        "project_id": "FAMI-2026-7", "kind": "rent_advance", "total_eur": "2500.00",
        "cap_per_person_eur": "2400.00"})).json()
    ids = []
    for b in people:
        r = await h.http.post("/api/v1/supports", headers=h.auth, json={
            "fund_id": fund["fund_id"], "beneficiary_id": str(b), "kind": "rent_advance", "amount_eur": "1200.00",
            "months": 6, "monthly_rent_eur": "200.00", "lease_ref": "RM-T1-2026-1"})
        ids.append(r.json()["support_id"])
    answers = await asyncio.gather(*(h.http.post(f"/api/v1/supports/{s}/approve", headers=h.auth) for s in ids))
    assert sorted(a.status_code for a in answers) == [200, 200, 409, 409]
    r = await h.http.post("/api/v1/supports", headers=h.auth, json={
        "fund_id": fund["fund_id"], "beneficiary_id": str(people[0]), "kind": "rent_advance",
        "amount_eur": "1400.00", "months": 7, "monthly_rent_eur": "200.00", "lease_ref": "x"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "months"


async def _known(h: Housing, bid) -> bool:
    async with h.uow() as uow:
        return await uow.households.get(bid) is not None


async def _matchable(h: Housing, bid) -> bool:
    """Registered, with the plan's housing goal and the referral consent consumed (three events)."""
    async with h.uow() as uow:
        household = await uow.households.get(bid)
        return household is not None and household.matchable


async def test_each_kind_of_event_rematches_and_withdrawal_takes_the_person_out(housing: Housing):
    h = housing
    place = await flat(h)
    a = await person(h)  # a new person: goal and consent arrive on Kafka
    first = await eventually(lambda: open_proposal_of(h, a))
    assert first["place_id"] == place["place_id"] and set(first["score_parts"]) >= {"affordability", "urgency"}
    b = await person(h, sex="F")  # waits behind a: one bed
    await eventually(lambda: _known(h, b))

    await h.send(ConsentWithdrawn(purpose="housing_referral", withdrawn_on=TODAY), a)  # out at once
    second = await eventually(lambda: open_proposal_of(h, b))
    assert second["place_id"] == place["place_id"]
    assert await open_proposal_of(h, a) is None
    waiting = (await h.http.get("/api/v1/waiting", params={"matchable": "true"}, headers=h.auth)).json()
    assert str(a) not in {w["beneficiary_id"] for w in waiting["items"]}

    # a correction that breaks the gender policy of a men-only flat re-matches the person away from it
    men = await flat(h, gender_policy="men", municipality="058047", beds_free=1)
    c = await person(h, sex="M", area="RM")

    async def c_proposed():
        p = await open_proposal_of(h, c)
        return p if p and p["place_id"] == men["place_id"] else None
    await eventually(c_proposed)
    await h.send(BeneficiaryCorrected(corrected_on=TODAY, corrected_fields=["sex"], sex="F"), c)

    async def c_moved_off():
        p = await open_proposal_of(h, c)
        return p is None or p["place_id"] != men["place_id"] or None
    await eventually(c_moved_off)

    # income and workplace from employment change the scores: the parts follow
    await h.send(EmploymentIncomeChanged(source="traineeship", monthly_income_eur="800.00", since=TODAY,
                                         workplace_municipality="058091"), b)

    async def b_rescored():
        async with h.uow() as uow:
            hh = await uow.households.get(b)
        return hh and hh.work_municipality == "058091" and str(hh.monthly_income) == "800.00"
    await eventually(b_rescored)

    # erasure takes the person out too
    await h.send(BeneficiaryErased(erased_on=TODAY), b)

    async def b_gone():
        return await open_proposal_of(h, b) is None
    await eventually(b_gone)
    types = await outbox_types(h, a)
    assert types.count("housing.proposal_made") == 1 and "housing.proposal_status_changed" in types


async def test_the_workflow_over_http_with_refusals_and_events(housing: Housing):
    h = housing
    place = await flat(h, beds_free=2)
    a = await person(h)
    p = await eventually(lambda: open_proposal_of(h, a))
    url = f"/api/v1/proposals/{p['proposal_id']}"
    r = await h.http.post(f"{url}/move_in", headers=h.auth)
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "move_in_not_allowed"
    r = await h.http.post(f"{url}/decline", headers=h.auth, json={"actor": "host", "reason": "refuses_area"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    for action, body in [("accept", {}), ("confirm", {"actor": "person"}), ("confirm", {"actor": "host"}),
                         ("move_in", {})]:
        r = await h.http.post(f"{url}/{action}", headers=h.auth, json=body)
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "moved_in"
    detail = (await h.http.get(f"/api/v1/places/{place['place_id']}", headers=h.auth)).json()
    assert detail["beds_free"] == 1 and detail["address"] == "Via dei Volsci 12"
    r = await h.http.post(f"{url}/move_out", headers=h.auth, json={"reason": "autonomy_reached"})
    assert r.status_code == 200
    types = await outbox_types(h, a)
    assert types.count("housing.proposal_status_changed") == 5
    assert "housing.moved_in" in types and "housing.moved_out" in types
    async with h.pool.acquire() as conn:
        values = [r["value"] for r in await conn.fetch("SELECT value FROM outbox")]
    assert not any(b"Volsci" in v for v in values)  # the address never reaches Kafka

    # a declined proposal cannot move in; a manual proposal that breaks a constraint is refused
    b = await person(h, sex="F", size=3, children=2)
    await eventually(lambda: _matchable(h, b))
    men = await flat(h, gender_policy="men", beds_free=1)
    r = await h.http.post("/api/v1/proposals", headers=h.auth,
                          json={"beneficiary_id": str(b), "place_id": men["place_id"]})
    assert r.status_code == 422
    assert {e["rule"] for e in r.json()["errors"]} == {"hard_constraint_capacity", "hard_constraint_gender_policy"}
    r = await h.http.post("/api/v1/places", headers=h.auth, json={"kind": "cohousing", "municipality": "12345",
                                                                  "beds_total": 0, "beds_free": 1})
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} >= {"municipality", "beds_total"}


async def test_full_rematch_reports_its_bound_and_lists(housing: Housing):
    h = housing
    for _ in range(3):
        await flat(h, beds_free=2)
    people = [await person(h) for _ in range(8)]
    for b in people:
        await eventually(lambda b=b: _known(h, b))

    async def all_matchable():
        async with h.uow() as uow:
            return len(await uow.households.matchable(h.org)) == 8
    await eventually(all_matchable)
    r = await h.http.post("/api/v1/matching/run", headers=h.auth)
    assert r.status_code == 200
    body = r.json()
    assert body["proven_bound"] >= body["total_score"] and body["gap_pct"] <= 1.0
    listed = await proposals(h, status="proposed")
    assert listed["total"] == 6  # six beds, one each
    longest = (await h.http.get("/api/v1/waiting", params={"matchable": "true", "limit": 3},
                                headers=h.auth)).json()
    assert longest["total"] == 8 and len(longest["items"]) == 3
    soon = (await h.http.get("/api/v1/places", params={"free_within_days": 14}, headers=h.auth)).json()
    assert soon["total"] == 3
    stalled = await proposals(h, stalled="true")
    assert stalled["total"] == 0


async def test_a_decline_and_a_move_out_rematch_on_the_real_servers(housing: Housing):
    h = housing
    cheap = await flat(h, monthly_cost_per_bed="100.00")
    dear = await flat(h, monthly_cost_per_bed="390.00")
    a = await person(h)
    p = await eventually(lambda: open_proposal_of(h, a))
    assert p["place_id"] == cheap["place_id"]
    r = await h.http.post(f"/api/v1/proposals/{p['proposal_id']}/decline", headers=h.auth,
                          json={"actor": "person", "reason": "refuses_place"})
    assert r.status_code == 200 and r.json()["decline_reason"] == "refuses_place"
    again = await open_proposal_of(h, a)
    assert again is not None and again["place_id"] == dear["place_id"]  # never the declined pair again
    url = f"/api/v1/proposals/{again['proposal_id']}"
    for action, body in [("accept", {}), ("confirm", {"actor": "host"}), ("confirm", {"actor": "person"}),
                         ("move_in", {})]:
        assert (await h.http.post(f"{url}/{action}", headers=h.auth, json=body)).status_code == 200
    b = await person(h)
    pb = await eventually(lambda: open_proposal_of(h, b))
    assert pb["place_id"] == cheap["place_id"]
    r = await h.http.post(f"{url}/move_out", headers=h.auth, json={"reason": "conflict"})
    assert r.status_code == 200
    waiting = (await h.http.get("/api/v1/waiting", params={"matchable": "true"}, headers=h.auth)).json()
    assert str(a) in {w["beneficiary_id"] for w in waiting["items"]}  # back on the list
    # the place just left and the one declined are never offered to a again; b keeps the cheap one
    assert (await open_proposal_of(h, a)) is None


async def test_every_hard_constraint_refuses_a_manual_proposal_on_the_real_servers(housing: Housing):
    h = housing
    a = await person(h, sex="M")
    await eventually(lambda: _known(h, a))

    async def all_matchable():
        async with h.uow() as uow:
            return len(await uow.households.matchable(h.org)) == 1
    await eventually(all_matchable)
    soon = (TODAY + timedelta(days=45)).isoformat()
    cases = {
        "hard_constraint_gender_policy": {"gender_policy": "women"},
        "hard_constraint_host_preferences": {"kind": "host_family", "host_sexes": ["F"], "beds_total": 2,
                                             "beds_free": 2, "available_from": TODAY.isoformat(),
                                             "available_to": (TODAY + timedelta(days=200)).isoformat()},
        "hard_constraint_period": {"available_from": soon},
        "hard_constraint_area": {"municipality": "015146"},  # Milano: not a province the person accepts
        "hard_constraint_capacity": {"beds_free": 0},
    }
    for rule, fields in cases.items():
        place = await flat(h, **fields)
        r = await h.http.post("/api/v1/proposals", headers=h.auth,
                              json={"beneficiary_id": str(a), "place_id": place["place_id"]})
        assert r.status_code == 422, (rule, r.text)
        assert [e["rule"] for e in r.json()["errors"]] == [rule]
    ok = await flat(h)
    p = await eventually(lambda: open_proposal_of(h, a))
    assert p["place_id"] == ok["place_id"]  # the one place that keeps every constraint
    await h.http.post(f"/api/v1/proposals/{p['proposal_id']}/decline", headers=h.auth,
                      json={"actor": "team", "reason": "duplicate_proposal"})
    r = await h.http.post("/api/v1/proposals", headers=h.auth,
                          json={"beneficiary_id": str(a), "place_id": ok["place_id"]})
    assert r.status_code == 422 and [e["rule"] for e in r.json()["errors"]] == ["hard_constraint_declined_before"]
    async with h.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM proposals WHERE beneficiary_id = $1", a) == 1


async def test_goal_outcomes_and_a_step_free_correction_rematch_on_the_real_servers(housing: Housing):
    """The kinds of event the other test leaves out: a goal replanned moves the urgency date, a corrected
    step-free need moves the person to a step-free place, a goal met takes them out and frees the bed."""
    from shared.events.contracts import GoalOutcomeRecorded

    h = housing
    steps = await flat(h, monthly_cost_per_bed="150.00")
    step_free = await flat(h, step_free=True, monthly_cost_per_bed="300.00")
    a = await person(h)
    first = await eventually(lambda: open_proposal_of(h, a))
    assert first["place_id"] == steps["place_id"]  # the cheaper flat while no need is known

    later = TODAY + timedelta(days=150)
    await h.send(GoalOutcomeRecorded(goal_id=uuid4(), area="housing", outcome="replanned", recorded_on=TODAY,
                                     deadline=later, previous_deadline=TODAY + timedelta(days=30)), a)

    async def replanned():
        async with h.uow() as uow:
            return (await uow.households.get(a)).leave_by == later
    await eventually(replanned)

    await h.send(BeneficiaryCorrected(corrected_on=TODAY, corrected_fields=["step_free_need"],
                                      step_free_need=True), a)

    async def on_step_free():
        p = await open_proposal_of(h, a)
        return p if p and p["place_id"] == step_free["place_id"] else None
    await eventually(on_step_free)

    b = await person(h)  # takes the flat with steps, now free
    await eventually(lambda: open_proposal_of(h, b))
    await h.send(GoalOutcomeRecorded(goal_id=uuid4(), area="housing", outcome="met", recorded_on=TODAY,
                                     deadline=TODAY), a)

    async def a_out():
        return await open_proposal_of(h, a) is None
    await eventually(a_out)
    waiting = (await h.http.get("/api/v1/waiting", params={"matchable": "true"}, headers=h.auth)).json()
    assert str(a) not in {w["beneficiary_id"] for w in waiting["items"]}
