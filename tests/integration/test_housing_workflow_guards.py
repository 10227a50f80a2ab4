"""Housing's guards on the real servers, from a tester's walk through the team's daily work: a household
that changes after its proposal, two accepts racing for the last bed, proposals that no longer fit
together, erasure of free text, a place's kind, retiring a place, and the lists the team works from
(places free soon, the waiting list, one proposal with its current score)."""

import asyncio
from datetime import timedelta
from uuid import uuid4

import pytest

from shared.events.contracts import BeneficiaryCorrected, BeneficiaryErased, EmploymentIncomeChanged
from tests.integration.housing_support import Housing, running_housing
from tests.integration.test_housing_service import (
    TODAY,
    _known,
    _matchable,
    eventually,
    flat,
    open_proposal_of,
    person,
    proposals,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def h(real_servers, topics):
    async with running_housing(real_servers) as running:
        yield running


async def _by_hand(h: Housing, bid, place_id: str):
    r = await h.http.post("/api/v1/proposals", headers=h.auth, json={"beneficiary_id": str(bid), "place_id": place_id})
    assert r.status_code == 201, r.text
    return r.json()


async def _proposal(h: Housing, proposal_id: str) -> dict:
    r = await h.http.get(f"/api/v1/proposals/{proposal_id}", headers=h.auth)
    assert r.status_code == 200, r.text
    return r.json()


async def _all_cleared(h: Housing, query: str, bid) -> bool | None:
    """Erasure's free text gone: every `text` the query finds for the person is NULL (None: not yet)."""
    async with h.pool.acquire() as conn:
        rows = await conn.fetch(query, bid)
    return all(r["text"] is None for r in rows) or None


async def test_a_household_that_grows_loses_a_place_too_small_and_cannot_move_in(h: Housing):
    men = await flat(h, gender_policy="men", beds_free=1)
    a = await person(h)
    p = await eventually(lambda: open_proposal_of(h, a))
    assert p["place_id"] == men["place_id"]
    assert (await h.step(p["proposal_id"], "accept")).status_code == 200
    # a child and a partner join him: a family of three fits neither one bed nor a men-only flat
    await h.send(BeneficiaryCorrected(corrected_on=TODAY, corrected_fields=["household"],
                                      household_size=3, children=1), a)

    async def declined():
        got = await _proposal(h, p["proposal_id"])
        return got if got["status"] == "declined" else None
    got = await eventually(declined)
    assert got["decline_actor"] == "administrative" and got["decline_reason"] == "household_changed"
    r = await h.step(p["proposal_id"], "move_in")
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "move_in_not_allowed"
    place = (await h.http.get(f"/api/v1/places/{men['place_id']}", headers=h.auth)).json()
    assert place["beds_free"] == 1  # nothing taken


async def test_each_step_that_books_beds_checks_the_pair_as_it_is_now(h: Housing):
    """The consumer's re-check aside, the step itself refuses a pair that broke since the proposal."""
    women = await flat(h, gender_policy="women", beds_free=1)
    a = await person(h, sex="F")
    p = await eventually(lambda: open_proposal_of(h, a))
    assert p["place_id"] == women["place_id"]
    for action, body in [("accept", {}), ("confirm", {"actor": "person"}), ("confirm", {"actor": "host"})]:
        assert (await h.step(p["proposal_id"], action, body)).status_code == 200
    async with h.pool.acquire() as conn:  # as if the correction's event had not been consumed yet
        await conn.execute("UPDATE households SET size = 2, children = 0 WHERE beneficiary_id = $1", a)
    r = await h.step(p["proposal_id"], "move_in")
    assert r.status_code == 422
    assert {e["rule"] for e in r.json()["errors"]} == {"hard_constraint_capacity", "hard_constraint_gender_policy"}
    assert (await _proposal(h, p["proposal_id"]))["status"] == "confirmed"
    assert (await h.http.get(f"/api/v1/places/{women['place_id']}", headers=h.auth)).json()["beds_free"] == 1


async def test_racing_for_the_last_bed_one_wins(h: Housing):
    """Two hand proposals for the last bed at once, and a hand proposal racing the team's accept of the
    matcher's proposal there: each time exactly one gets the bed."""
    for _ in range(3):
        place = await flat(h, gender_policy="men", beds_total=1, beds_free=1, municipality="058047")
        a, b = await person(h), await person(h)
        await eventually(lambda a=a: _matchable(h, a))
        await eventually(lambda b=b: _matchable(h, b))
        answers = await asyncio.gather(*(h.http.post("/api/v1/proposals", headers=h.auth, json={
            "beneficiary_id": str(x), "place_id": place["place_id"]}) for x in (a, b)))
        assert sorted(r.status_code for r in answers) == [201, 422], [r.text for r in answers]
        loser = next(r for r in answers if r.status_code == 422)
        assert {e["rule"] for e in loser.json()["errors"]} == {"hard_constraint_capacity"}
        winner = next(r for r in answers if r.status_code == 201).json()
        assert winner["by_hand"] and winner["status"] == "proposed"
        decline = await h.step(winner["proposal_id"], "decline", {"actor": "team", "reason": "duplicate_proposal"})
        assert decline.status_code == 200

        async def matchers_own(place=place):
            items = (await proposals(h, status="proposed", limit=500))["items"]
            return next((p for p in items if p["place_id"] == place["place_id"] and not p["by_hand"]), None)
        mine = await matchers_own() or await eventually(matchers_own)
        other = b if mine["beneficiary_id"] == str(a) else a
        answers = await asyncio.gather(h.step(mine["proposal_id"], "accept"), h.http.post(
            "/api/v1/proposals", headers=h.auth, json={"beneficiary_id": str(other), "place_id": place["place_id"]}))
        assert sorted(r.status_code for r in answers) in ([200, 422], [201, 409]), [r.text for r in answers]
        holding = [p for p in (await proposals(h, limit=500))["items"] if p["place_id"] == place["place_id"]
                   and (p["status"] == "accepted" or (p["status"] == "proposed" and p["by_hand"]))]
        assert len(holding) == 1


async def test_proposals_that_no_longer_fit_together_are_withdrawn(h: Housing):
    body = {"kind": "cohousing", "municipality": "058091", "beds_total": 4, "beds_free": 2, "gender_policy": "mixed",
            "monthly_cost_per_bed": "250.00"}
    place = await flat(h, **body)
    a, b = await person(h), await person(h)

    async def both_there():
        items = (await proposals(h, status="proposed", limit=500))["items"]
        here = [p for p in items if p["place_id"] == place["place_id"]]
        return here if len(here) == 2 else None
    await eventually(both_there)
    # the landlord gives one bed back: the two proposals there no longer fit together
    r = await h.http.put(f"/api/v1/places/{place['place_id']}", headers=h.auth, json=body | {"beds_free": 1})
    assert r.status_code == 200, r.text
    here = [p for p in (await proposals(h, status="proposed", limit=500))["items"]
            if p["place_id"] == place["place_id"]]
    assert len(here) == 1 and here[0]["beneficiary_id"] in (str(a), str(b))
    # the team proposes someone else there by hand: its decision holds the bed, the matcher's moves on,
    # and a full re-match does not withdraw it
    c = await person(h)
    await eventually(lambda: _matchable(h, c))
    by_hand = await _by_hand(h, c, place["place_id"])
    assert by_hand["by_hand"] and by_hand["score_parts"]
    after = await _proposal(h, here[0]["proposal_id"])
    assert after["status"] == "declined" and after["decline_reason"] == "superseded"
    assert (await h.http.post("/api/v1/matching/run", headers=h.auth)).status_code == 200
    assert (await _proposal(h, by_hand["proposal_id"]))["status"] == "proposed"
    assert (await h.step(by_hand["proposal_id"], "accept")).status_code == 200


async def test_scores_follow_income_and_place_kind_cannot_change(h: Housing):
    place = await flat(h, monthly_cost_per_bed="300.00")
    a = await person(h)
    p = await eventually(lambda: open_proposal_of(h, a))
    before = await _proposal(h, p["proposal_id"])
    await h.send(EmploymentIncomeChanged(source="contract", monthly_income_eur="1400.00", since=TODAY,
                                         workplace_municipality="058091"), a)

    async def rescored():
        got = await _proposal(h, p["proposal_id"])
        return got if got["score_parts"] != before["score_parts"] else None
    got = await eventually(rescored)
    assert got["status"] == "proposed" and got["score_parts"]["affordability"] > before["score_parts"]["affordability"]
    r = await h.http.put(f"/api/v1/places/{place['place_id']}", headers=h.auth, json={
        "kind": "host_family", "municipality": "058091", "beds_total": 4, "beds_free": 1,
        "available_to": str(TODAY + timedelta(days=200))})
    assert r.status_code == 422 and r.json()["errors"][0] == {**r.json()["errors"][0], "field": "kind",
                                                              "rule": "kind_unchangeable"}


async def test_erasure_forgets_the_free_text_about_the_person(h: Housing):
    await flat(h)
    a = await person(h)
    p = await eventually(lambda: open_proposal_of(h, a))
    r = await h.step(p["proposal_id"], "decline", {"actor": "person", "reason": "other",
                                                      "note": "Mario Rossi, via Roma 3, tel 3331112222"})
    assert r.status_code == 200
    await h.send(BeneficiaryErased(erased_on=TODAY), a)

    await eventually(lambda: _all_cleared(h, "SELECT decline_note AS text FROM proposals WHERE beneficiary_id = $1", a))


async def test_places_free_soon_waiting_list_and_retiring_a_place(h: Housing):
    host = {"kind": "host_family", "municipality": "058091", "beds_total": 2, "beds_free": 2,
            "available_from": str(TODAY - timedelta(days=300)), "available_to": str(TODAY - timedelta(days=1))}
    r = await h.http.post("/api/v1/places", headers=h.auth, json=host)  # a new place whose period is over
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "period_over"
    r = await h.http.post("/api/v1/places", headers=h.auth, json=host | {
        "available_from": "0001-01-01", "available_to": "9999-12-31", "languages": ["", "en"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "languages.0"
    r = await h.http.post("/api/v1/places", headers=h.auth, json=host | {
        "available_from": "0001-01-01", "available_to": "9999-12-31"})
    assert r.status_code == 422
    assert {(e["field"], e["rule"]) for e in r.json()["errors"]} == {("available_from", "date_out_of_range"),
                                                                     ("available_to", "date_out_of_range")}
    expired = await flat(h, **host | {"available_to": str(TODAY + timedelta(days=1))})
    async with h.pool.acquire() as conn:  # its period ends
        await conn.execute("UPDATE places SET available_to = $2 WHERE place_id = $1::uuid", expired["place_id"],
                           TODAY - timedelta(days=1))
    held = await flat(h, beds_free=1)
    a = await person(h)
    p = await eventually(lambda: open_proposal_of(h, a))
    assert p["place_id"] == held["place_id"]
    soon = {x["place_id"] for x in (await h.http.get("/api/v1/places", params={"free_within_days": 30},
                                                     headers=h.auth)).json()["items"]}
    assert held["place_id"] in soon and expired["place_id"] not in soon  # a period over is not free soon
    assert (await h.step(p["proposal_id"], "accept")).status_code == 200
    soon = {x["place_id"] for x in (await h.http.get("/api/v1/places", params={"free_within_days": 30},
                                                     headers=h.auth)).json()["items"]}
    assert held["place_id"] not in soon  # its one bed is held by the accepted proposal

    # the waiting list the team works from shows the people the matcher works for; matchable=false all
    b = await person(h, consent=False)
    await eventually(lambda: _known(h, b))
    default = {w["beneficiary_id"] for w in (await h.http.get("/api/v1/waiting", params={"limit": 500},
                                                              headers=h.auth)).json()["items"]}
    everyone = {w["beneficiary_id"] for w in (await h.http.get("/api/v1/waiting", params={
        "limit": 500, "matchable": "false"}, headers=h.auth)).json()["items"]}
    assert str(b) not in default and str(b) in everyone

    # retiring: refused while an accepted proposal holds it; the matcher's own proposals move on
    r = await h.http.post(f"/api/v1/places/{held['place_id']}/retire", headers=h.auth)
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "beds_held"
    spare = await flat(h, beds_free=1, municipality="058047")
    c = await person(h)

    async def c_at_spare():
        got = await open_proposal_of(h, c)
        return got if got and got["place_id"] == spare["place_id"] else None
    pc = await eventually(c_at_spare)
    r = await h.http.post(f"/api/v1/places/{spare['place_id']}/retire", headers=h.auth)
    assert r.status_code == 200, r.text
    assert (await _proposal(h, pc["proposal_id"]))["status"] == "declined"
    listed = {x["place_id"] for x in (await h.http.get("/api/v1/places", params={"limit": 500},
                                                       headers=h.auth)).json()["items"]}
    assert spare["place_id"] not in listed
    r = await h.http.post(f"/api/v1/places/{uuid4()}/retire", headers=h.auth)
    assert r.status_code == 404 and [(e["field"], e["rule"]) for e in r.json()["errors"]] == [
        ("path.place_id", "not_found")], r.text


async def test_a_change_to_a_place_never_strands_the_beds_it_holds(h: Housing):
    body = {"kind": "cohousing", "municipality": "058091", "beds_total": 4, "beds_free": 2, "gender_policy": "women",
            "monthly_cost_per_bed": "250.00"}
    place = await flat(h, **body)
    a = await person(h, sex="F")
    p = await eventually(lambda: open_proposal_of(h, a))
    assert (await h.step(p["proposal_id"], "accept")).status_code == 200
    r = await h.http.put(f"/api/v1/places/{place['place_id']}", headers=h.auth, json=body | {"gender_policy": "men"})
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "breaks_held_proposal"
    assert r.json()["errors"][0]["field"] == "gender_policy" and r.json()["proposal_id"] == p["proposal_id"]
    # a kind changed and a host's rule on a flat: both reported at once
    r = await h.http.put(f"/api/v1/places/{place['place_id']}", headers=h.auth,
                         json=body | {"kind": "host_family", "host_sexes": ["F"]})
    assert r.status_code == 422 and {e["rule"] for e in r.json()["errors"]} >= {"kind_unchangeable"}
    # a PUT racing two accepts for the place's two beds, to one bed: never two holds on one bed
    for _ in range(3):
        room = await flat(h, **body | {"gender_policy": "mixed", "municipality": "058047"})
        x, y = await person(h), await person(h)

        async def both(room=room):
            items = (await proposals(h, status="proposed", limit=500))["items"]
            here = [q for q in items if q["place_id"] == room["place_id"]]
            return here if len(here) == 2 else None
        here = await eventually(both)
        answers = await asyncio.gather(*(h.step(q["proposal_id"], "accept") for q in here), h.http.put(
            f"/api/v1/places/{room['place_id']}", headers=h.auth,
            json=body | {"gender_policy": "mixed", "municipality": "058047", "beds_total": 1, "beds_free": 1}))
        assert all(r.status_code in (200, 409, 422) for r in answers), [r.text for r in answers]
        now = (await h.http.get(f"/api/v1/places/{room['place_id']}", headers=h.auth)).json()
        held = [q for q in (await proposals(h, limit=500))["items"]
                if q["place_id"] == room["place_id"] and q["status"] == "accepted"]
        assert len(held) <= now["beds_free"], (now, held)
        for q in held:  # free the team's beds for the next round's people
            assert (await h.step(q["proposal_id"], "decline", {"actor": "team", "reason": "duplicate_proposal"})
                    ).status_code == 200
        del x, y


async def test_a_retired_place_takes_nothing_and_an_erased_person_no_support(h: Housing):
    place = await flat(h, beds_free=2)
    a = await person(h)
    p = await eventually(lambda: open_proposal_of(h, a))
    assert (await h.http.post(f"/api/v1/places/{place['place_id']}/retire", headers=h.auth)).status_code == 200
    gone = await _proposal(h, p["proposal_id"])
    assert (gone["status"], gone["decline_actor"], gone["decline_reason"]) == ("declined", "administrative",
                                                                               "place_retired")
    for r in (await h.http.post("/api/v1/proposals", headers=h.auth, json={"beneficiary_id": str(a),
                                                                          "place_id": place["place_id"]}),
              await h.http.put(f"/api/v1/places/{place['place_id']}", headers=h.auth, json={
                  "kind": "cohousing", "municipality": "058091", "beds_total": 4, "beds_free": 2}),
              await h.http.post(f"/api/v1/places/{place['place_id']}/retire", headers=h.auth)):
        assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "place_retired", r.text
    assert (await h.http.get(f"/api/v1/places/{place['place_id']}", headers=h.auth)).json()["active"] is False

    fund = (await h.http.post("/api/v1/funds", headers=h.auth, json={
        "project_id": "FAMI-2026-9", "kind": "rent_advance", "total_eur": "5000.00",
        "cap_per_person_eur": "2400.00"})).json()
    lease = {"fund_id": fund["fund_id"], "beneficiary_id": str(a), "kind": "rent_advance", "amount_eur": "800.00",
             "months": 4, "monthly_rent_eur": "200.00", "lease_ref": "RM-LEASE-via-Roma-3"}
    assert (await h.http.post("/api/v1/supports", headers=h.auth, json=lease)).status_code == 201
    await h.send(BeneficiaryErased(erased_on=TODAY), a)

    await eventually(lambda: _all_cleared(h, "SELECT lease_ref AS text FROM supports WHERE beneficiary_id = $1", a))
    r = await h.http.post("/api/v1/supports", headers=h.auth, json=lease | {"months": 1, "amount_eur": "200.00"})
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "person_erased"
