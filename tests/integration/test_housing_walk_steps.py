"""Housing's steps on the real servers, from a third walk through the team's daily work: the same step
sent several times at once, an erased person moving out, consent withdrawn while the team moves someone
in."""

import asyncio
import json
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from shared.events.contracts import (
    BeneficiaryCorrected,
    BeneficiaryErased,
    BeneficiaryRegistered,
    ConsentGiven,
    ConsentWithdrawn,
    EmploymentIncomeChanged,
    GoalOutcomeRecorded,
    PathStatusChanged,
    PlanAgreed,
)
from shared.events.contracts.path import GoalSummary
from tests.integration.housing_support import Housing, running_housing
from tests.integration.test_housing_service import TODAY, eventually, flat, open_proposal_of, outbox_types, person

pytestmark = pytest.mark.integration


@pytest.fixture
async def h(real_servers, topics):
    async with running_housing(real_servers) as running:
        yield running


async def _housed(h: Housing, place_id: str, **kw) -> tuple:
    bid = await person(h, **kw)
    p = await eventually(lambda: open_proposal_of(h, bid))
    assert p["place_id"] == place_id, p
    for action, body in [("accept", {}), ("confirm", {"actor": "person"}), ("confirm", {"actor": "host"}),
                         ("move_in", {})]:
        r = await h.step(p["proposal_id"], action, body)
        assert r.status_code == 200, r.text
    return bid, p["proposal_id"]


async def _beds_free(h: Housing, place_id: str) -> int:
    return (await h.http.get(f"/api/v1/places/{place_id}", headers=h.auth)).json()["beds_free"]


async def test_a_move_out_sent_several_times_at_once_frees_the_beds_once(h: Housing):
    place = await flat(h, gender_policy="women", beds_total=3, beds_free=3)
    await _housed(h, place["place_id"], sex="F")
    b, pb = await _housed(h, place["place_id"], sex="F")
    assert await _beds_free(h, place["place_id"]) == 1
    answers = await asyncio.gather(*(h.step(pb, "move_out", {"reason": "end_of_period"}) for _ in range(6)))
    assert sorted(r.status_code for r in answers) == [200] + [409] * 5, [r.text for r in answers]
    assert await _beds_free(h, place["place_id"]) == 2  # one bed freed, the other woman still lives there
    assert (await outbox_types(h, b)).count("housing.moved_out") == 1


async def test_a_decline_racing_the_move_in_leaves_one_of_them(h: Housing):
    """Moving in and declining the same confirmed proposal at once: one wins, and the proposal, the
    place's beds and the events agree with it."""
    for municipality, province in [("058047", "RM"), ("015146", "MI"), ("001272", "TO")]:
        # a province per round: a person declined in one round waits on the list, but not for the next's place
        place = await flat(h, gender_policy="men", beds_total=1, beds_free=1, municipality=municipality)
        bid = await person(h, area=province)
        p = await eventually(lambda bid=bid: open_proposal_of(h, bid))
        assert p["place_id"] == place["place_id"], p
        for action, body in [("accept", {}), ("confirm", {"actor": "person"}), ("confirm", {"actor": "host"})]:
            assert (await h.step(p["proposal_id"], action, body)).status_code == 200
        moved, declined = await asyncio.gather(
            h.step(p["proposal_id"], "move_in"),
            h.step(p["proposal_id"], "decline", {"actor": "person", "reason": "housed_elsewhere"}))
        assert sorted([moved.status_code, declined.status_code]) == [200, 409], (moved.text, declined.text)
        now = (await h.http.get(f"/api/v1/proposals/{p['proposal_id']}", headers=h.auth)).json()
        steps = [t for t in await outbox_types(h, bid) if t in ("housing.moved_in",)]
        if moved.status_code == 200:
            assert now["status"] == "moved_in" and await _beds_free(h, place["place_id"]) == 0 and steps
        else:
            assert now["status"] == "declined" and await _beds_free(h, place["place_id"]) == 1 and not steps
        r = await h.http.post(f"/api/v1/places/{place['place_id']}/retire", headers=h.auth)
        if moved.status_code == 200:
            assert (await h.step(p["proposal_id"], "move_out", {"reason": "transferred"})).status_code == 200
            r = await h.http.post(f"/api/v1/places/{place['place_id']}/retire", headers=h.auth)
        assert r.status_code == 200, r.text


async def test_an_erased_person_who_moves_out_does_not_go_back_on_the_waiting_list(h: Housing):
    place = await flat(h, gender_policy="men", beds_total=2, beds_free=2)
    a, pa = await _housed(h, place["place_id"])
    await h.send(BeneficiaryErased(erased_on=TODAY), a)

    async def erased():
        async with h.pool.acquire() as conn:
            return await conn.fetchval("SELECT status = 'erased' FROM households WHERE beneficiary_id = $1", a)
    await eventually(erased)
    r = await h.step(pa, "move_out", {"reason": "conflict"})  # a reason that would put them back on the list
    assert r.status_code == 200, r.text
    everyone = (await h.http.get("/api/v1/waiting", params={"matchable": "false", "limit": 500},
                                 headers=h.auth)).json()["items"]
    assert str(a) not in {w["beneficiary_id"] for w in everyone}
    assert await erased()


async def test_a_consent_withdrawal_waits_for_a_step_under_way_on_the_place(h: Housing):
    """The consumer takes the place's row before it reads the household, as the team's steps do: while a
    step holds the place (here a transaction of the test's own), a withdrawal changes nothing; once it is
    free, the withdrawal declines the open proposal. (Before, it went ahead beside a move in: the proposal
    declined after the move in had taken the beds, the housed person put back on the list.)"""
    place = await flat(h, gender_policy="men", beds_free=1)
    a = await person(h)
    p = await eventually(lambda: open_proposal_of(h, a))
    assert p["place_id"] == place["place_id"]
    for action, body in [("accept", {}), ("confirm", {"actor": "person"}), ("confirm", {"actor": "host"})]:
        assert (await h.step(p["proposal_id"], action, body)).status_code == 200

    async def status() -> str:
        return (await h.http.get(f"/api/v1/proposals/{p['proposal_id']}", headers=h.auth)).json()["status"]
    async with h.pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT 1 FROM places WHERE place_id = $1::uuid FOR UPDATE", place["place_id"])
        await h.send(ConsentWithdrawn(purpose="housing_referral", withdrawn_on=TODAY), a)
        await asyncio.sleep(3)  # the consumer has had the event: it waits on the place
        assert await status() == "confirmed"
    await eventually(lambda: _declined(h, p["proposal_id"]))


async def _declined(h: Housing, proposal_id: str) -> bool:
    got = (await h.http.get(f"/api/v1/proposals/{proposal_id}", headers=h.auth)).json()
    return got["status"] == "declined" and got["decline_reason"] == "consent_withdrawn"


async def test_a_correction_judges_the_household_s_vulnerability_again(h: Housing):
    """A mother registered with her child but not as a single parent, then corrected as one: her proposal's
    vulnerability part follows (it stayed 0: only registration set it); a birth date corrected into 65 and
    over makes a man vulnerable, and one corrected back out of it no longer is."""
    await flat(h, gender_policy="women", beds_total=2, beds_free=2)
    await flat(h, gender_policy="men", beds_total=1, beds_free=1, municipality="058047")
    mother = await person(h, sex="F", size=2, children=1)
    man = await person(h)

    async def part(bid, want: float):
        p = await open_proposal_of(h, bid)
        return p if p and p["score_parts"]["vulnerability"] == want else None
    await eventually(lambda: part(mother, 0.0))
    await eventually(lambda: part(man, 0.0))
    await h.send(BeneficiaryCorrected(corrected_on=TODAY, corrected_fields=["household"], single_parent=True),
                 mother)
    await h.send(BeneficiaryCorrected(corrected_on=TODAY, corrected_fields=["birth_date"], age_band="65_plus"), man)
    await eventually(lambda: part(mother, 1.0))
    await eventually(lambda: part(man, 1.0))
    await h.send(BeneficiaryCorrected(corrected_on=TODAY, corrected_fields=["birth_date"], age_band="55_64"), man)
    await eventually(lambda: part(man, 0.0))
    # the mother's other attributes corrected later keep her a single parent
    await h.send(BeneficiaryCorrected(corrected_on=TODAY, corrected_fields=["languages"], languages=["fr"]), mother)
    await h.send(BeneficiaryCorrected(corrected_on=TODAY, corrected_fields=["birth_date"], age_band="35_44"), man)
    await eventually(lambda: part(man, 0.0))
    assert await part(mother, 1.0)


async def test_a_change_to_a_place_never_frees_the_beds_of_the_people_living_there(h: Housing):
    """Two men live in a two-bed flat; the team edits its cost with the form as first filled in (two beds
    free): 409 beds_occupied and nothing changes. Before, the flat showed two free beds and a third man was
    proposed there."""
    body = {"kind": "cohousing", "municipality": "058091", "beds_total": 2, "beds_free": 2, "gender_policy": "men",
            "monthly_cost_per_bed": "200.00"}
    place = await flat(h, **body)
    await _housed(h, place["place_id"])
    await _housed(h, place["place_id"])
    r = await h.http.put(f"/api/v1/places/{place['place_id']}", headers=h.auth,
                         json=body | {"monthly_cost_per_bed": "220.00"})
    assert r.status_code == 409, r.text
    assert [(e["field"], e["rule"]) for e in r.json()["errors"]] == [("beds_free", "beds_occupied")]
    now = (await h.http.get(f"/api/v1/places/{place['place_id']}", headers=h.auth)).json()
    assert (now["beds_free"], now["monthly_cost_per_bed"]) == (0, "200.00")
    r = await h.http.put(f"/api/v1/places/{place['place_id']}", headers=h.auth,
                         json=body | {"beds_free": 0, "monthly_cost_per_bed": "220.00"})
    assert r.status_code == 200, r.text
    r = await h.http.put(f"/api/v1/places/{place['place_id']}", headers=h.auth,  # a third bed put in
                         json=body | {"beds_total": 3, "beds_free": 1, "monthly_cost_per_bed": "220.00"})
    assert r.status_code == 200 and r.json()["beds_free"] == 1, r.text
    r = await h.http.put(f"/api/v1/places/{place['place_id']}", headers=h.auth,  # fewer beds than people
                         json=body | {"beds_total": 1, "beds_free": 0})
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "beds_occupied", r.text


async def test_two_teams_acting_for_one_person_at_two_places_at_once(h: Housing):
    """Two hand proposals for one person at two places at once, and the team's accept of the matcher's
    proposal racing a hand proposal elsewhere: the person never has two open proposals, no answer is a
    500, and what was answered is what stays (an accept answered 200 is not undone by the other). Before,
    the second insert met the one-open-proposal index (a 500), or the hand proposal superseded the
    proposal the team had just accepted."""
    for round_, (municipality, province) in enumerate([("058091", "RM"), ("015146", "MI"), ("001272", "TO"),
                                                       ("063049", "NA")]):
        x = await flat(h, beds_total=1, beds_free=1, municipality=municipality)
        y = await flat(h, beds_total=1, beds_free=1, municipality=municipality)
        bid = await person(h, area=province)
        p = await eventually(lambda bid=bid: open_proposal_of(h, bid))
        other = y if p["place_id"] == x["place_id"] else x

        def by_hand(place, bid=bid):
            return h.http.post("/api/v1/proposals", headers=h.auth, json={"beneficiary_id": str(bid),
                                                                         "place_id": place["place_id"]})
        if round_ % 2 == 0:
            answers = await asyncio.gather(by_hand(x), by_hand(y))
            assert all(r.status_code in (201, 409) for r in answers), [r.text for r in answers]
        else:
            answers = await asyncio.gather(h.step(p["proposal_id"], "accept"), by_hand(other))
            codes = [r.status_code for r in answers]
            assert codes in ([200, 409], [409, 201]), [r.text for r in answers]
            if codes[0] == 200:
                assert answers[1].json()["errors"][0]["rule"] == "one_open_proposal"
                assert (await open_proposal_of(h, bid))["status"] == "accepted"
        live = await open_proposal_of(h, bid)
        assert live is not None
        answered = {r.json()["proposal_id"] for r in answers if r.status_code in (200, 201)}
        assert live["proposal_id"] in answered, (live, [r.text for r in answers])


async def test_a_move_keeps_the_accepted_areas_and_clearing_them_leaves_the_home_province(h: Housing):
    """Areas are the provinces the person accepted, else the one they live in, each corrected on its own.
    Before, a residence corrected to Turin replaced the accepted Milan (she was offered Turin only), and
    accepted areas cleared kept the old ones (she was never offered a flat where she lives)."""
    bid = uuid4()
    await h.send(BeneficiaryRegistered(registered_on=TODAY, sex="F", age_band="25_34", legal_status="refugee",
                                       household_size=1, children=0, area="RM", accepted_areas=["MI"]), bid)
    await h.send(PlanAgreed(agreed_on=TODAY, goals=[GoalSummary(goal_id=uuid4(), area="housing",
                                                                deadline=TODAY + timedelta(days=30))]), bid)
    await h.send(ConsentGiven(purpose="housing_referral", given_on=TODAY, legal_basis="consent",
                              notice_version="v2", given_by="person"), bid)

    async def areas(want: set[str]):
        everyone = (await h.http.get("/api/v1/waiting", params={"matchable": "false", "limit": 500},
                                     headers=h.auth)).json()["items"]
        return next((w for w in everyone if w["beneficiary_id"] == str(bid) and set(w["areas"]) == want), None)
    await eventually(lambda: areas({"MI"}))
    # she moves to Turin; her reception's end is corrected in the same breath (what shows it was consumed)
    leave_by = TODAY + timedelta(days=60)
    await h.send(BeneficiaryCorrected(corrected_on=TODAY, corrected_fields=["residence", "reception"], area="TO",
                                      municipality="001272", must_leave_by=leave_by), bid)

    async def consumed():
        got = await areas({"MI"}) or await areas({"TO"})
        return got if got and got["leave_by"] == str(leave_by) else None
    assert set((await eventually(consumed))["areas"]) == {"MI"}
    torino = await flat(h, gender_policy="women", municipality="001272")
    milano = await flat(h, gender_policy="women", municipality="015146")
    p = await eventually(lambda: open_proposal_of(h, bid))
    assert p["place_id"] == milano["place_id"]
    assert await areas({"MI"})
    await h.send(BeneficiaryCorrected(corrected_on=TODAY, corrected_fields=["accepted_areas"], accepted_areas=[]),
                 bid)
    await eventually(lambda: areas({"TO"}))
    r = await h.http.post("/api/v1/proposals", headers=h.auth, json={"beneficiary_id": str(bid),
                                                                    "place_id": torino["place_id"]})
    assert r.status_code == 201, r.text


async def test_a_path_that_ends_takes_the_person_off_the_waiting_list(h: Housing):
    """A person transferred to another service (or whose path reached autonomy) is no longer matched: the
    open proposal, even accepted, is declined administrative/path_closed and the bed goes to the next; an
    interrupted path keeps the person on the list (it may resume). Before, housing did not read the path's
    moves and kept proposing beds to people who had left."""
    place = await flat(h, gender_policy="men", beds_total=1, beds_free=1)
    gone, paused = await person(h), await person(h)
    p = await eventually(lambda: _proposal_at(h, place["place_id"]))
    first = gone if p["beneficiary_id"] == str(gone) else paused
    second = paused if first == gone else gone
    assert (await h.step(p["proposal_id"], "accept")).status_code == 200
    await h.send(PathStatusChanged(from_status="in_progress", to_status="interrupted",
                                   reason_category="stopped_attending", changed_on=TODAY), second)
    await h.send(PathStatusChanged(from_status="in_progress", to_status="transferred",
                                   reason_category="moved_away", changed_on=TODAY), first)

    async def declined():
        got = (await h.http.get(f"/api/v1/proposals/{p['proposal_id']}", headers=h.auth)).json()
        return got if got["status"] == "declined" else None
    got = await eventually(declined)
    assert (got["decline_actor"], got["decline_reason"]) == ("administrative", "path_closed")
    nxt = await eventually(lambda: open_proposal_of(h, second))  # the interrupted one is still on the list
    assert nxt["place_id"] == place["place_id"]
    waiting = {w["beneficiary_id"]: w for w in (await h.http.get(
        "/api/v1/waiting", params={"matchable": "false", "limit": 500}, headers=h.auth)).json()["items"]}
    assert str(first) not in waiting and waiting[str(second)]["matchable"] is True  # a path over: on no list
    r = await h.http.post("/api/v1/proposals", headers=h.auth, json={"beneficiary_id": str(first),
                                                                    "place_id": place["place_id"]})
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "not_on_waiting_list", r.text


async def _proposal_at(h: Housing, place_id: str) -> dict | None:
    items = (await h.http.get("/api/v1/proposals", params={"status": "proposed", "limit": 500},
                              headers=h.auth)).json()["items"]
    return next((p for p in items if p["place_id"] == place_id), None)


async def test_places_say_how_many_beds_can_still_be_offered(h: Housing):
    """A four-bed flat with three beds held by accepted proposals is free soon with one bed to offer: the list
    showed beds_free 4 only, as if four people could still be proposed there."""
    place = await flat(h, beds_total=4, beds_free=4)
    people = [await person(h) for _ in range(3)]
    for bid in people:
        p = await eventually(lambda bid=bid: open_proposal_of(h, bid))
        assert p["place_id"] == place["place_id"]
        assert (await h.step(p["proposal_id"], "accept")).status_code == 200
    soon = (await h.http.get("/api/v1/places", params={"free_within_days": 30}, headers=h.auth)).json()["items"]
    here = next(x for x in soon if x["place_id"] == place["place_id"])
    assert (here["beds_free"], here["beds_available"]) == (4, 1)
    one = (await h.http.get(f"/api/v1/places/{place['place_id']}", headers=h.auth)).json()
    assert (one["beds_free"], one["beds_available"]) == (4, 1)


async def test_the_proposals_the_team_holds_are_scored_again_too(h: Housing):
    """An accepted proposal's parts follow the person's new income and the place's new cost, as the matcher's
    own do: they stayed as they were when the team accepted (affordability for no income, the old rent)."""
    body = {"kind": "cohousing", "municipality": "058091", "beds_total": 2, "beds_free": 2, "gender_policy": "men",
            "monthly_cost_per_bed": "300.00"}
    place = await flat(h, **body)
    a = await person(h)
    p = await eventually(lambda: open_proposal_of(h, a))
    assert (await h.step(p["proposal_id"], "accept")).status_code == 200
    before = p["score_parts"]
    await h.send(EmploymentIncomeChanged(source="contract", monthly_income_eur="1500.00", since=TODAY,
                                         workplace_municipality="058091"), a)

    async def parts_now(changed_from: dict):
        got = (await h.http.get(f"/api/v1/proposals/{p['proposal_id']}", headers=h.auth)).json()
        return got if got["score_parts"] != changed_from else None
    got = await eventually(lambda: parts_now(before))
    assert (got["status"], got["score_parts"]["affordability"], got["score_parts"]["distance"]) == (
        "accepted", 1.0, 1.0)  # 300 of 1,500 is within 40 %; the flat is in the town where he works
    r = await h.http.put(f"/api/v1/places/{place['place_id']}", headers=h.auth,
                         json=body | {"monthly_cost_per_bed": "900.00"})
    assert r.status_code == 200, r.text
    dearer = (await h.http.get(f"/api/v1/proposals/{p['proposal_id']}", headers=h.auth)).json()
    assert dearer["score_parts"]["affordability"] < 1.0 and dearer["score"] < got["score"]


async def test_a_replanned_goal_does_not_move_the_day_reception_ends(h: Housing):
    """The urgency date is the day reception ends; the housing goal's deadline stands in only without one.
    Before, replanning the goal to a later deadline replaced the reception's date (the person looked months
    less urgent while still due to leave reception on the same day); a person without a reception date
    still follows the goal."""
    leave = TODAY + timedelta(days=20)
    due, other = uuid4(), uuid4()
    goal_of = {due: uuid4(), other: uuid4()}
    for bid, must_leave_by in ((due, leave), (other, None)):
        await h.send(BeneficiaryRegistered(registered_on=TODAY, sex="M", age_band="25_34", legal_status="refugee",
                                           household_size=1, children=0, area="RM", must_leave_by=must_leave_by), bid)
        await h.send(PlanAgreed(agreed_on=TODAY, goals=[GoalSummary(goal_id=goal_of[bid], area="housing",
                                                                    deadline=TODAY + timedelta(days=40))]), bid)
    later = TODAY + timedelta(days=200)
    for bid in (due, other):
        await h.send(GoalOutcomeRecorded(goal_id=goal_of[bid], area="housing", outcome="replanned",
                                         recorded_on=TODAY, deadline=later,
                                         previous_deadline=TODAY + timedelta(days=40)), bid)

        # then the consent, on the person's own partition after the replan: once it shows, the replan is read
        await h.send(ConsentGiven(purpose="housing_referral", given_on=TODAY, legal_basis="consent",
                                  notice_version="v2", given_by="person"), bid)

    async def row(bid):
        everyone = (await h.http.get("/api/v1/waiting", params={"matchable": "false", "limit": 500},
                                     headers=h.auth)).json()["items"]
        return next((w for w in everyone if w["beneficiary_id"] == str(bid) and w["consent"]), None)
    assert (await eventually(lambda: row(due)))["leave_by"] == str(leave)
    assert (await eventually(lambda: row(other)))["leave_by"] == str(later)


async def test_a_re_match_never_undoes_what_the_team_did_at_the_same_moment(h: Housing):
    """The matcher locks no person: a re-match that read a proposal as merely proposed, and supersedes it,
    must leave it as the team's accept at the same moment made it, and an accept that read it as proposed
    must not overwrite the re-match's supersede (one of the two, and one step in the outbox). A person not
    due to leave reception (the goal's deadline a month away) is proposed by the event re-match, and a run
    holding the beds for later arrivals would take that proposal back; the team accepts it at that moment."""
    for municipality, province in [("058047", "RM"), ("015146", "MI"), ("001272", "TO"), ("063049", "NA")]:
        place = await flat(h, gender_policy="men", beds_total=1, beds_free=1, municipality=municipality)
        bid = await person(h, area=province)
        p = await eventually(lambda bid=bid: open_proposal_of(h, bid))
        assert p["place_id"] == place["place_id"], p
        accepted, run = await asyncio.gather(
            h.step(p["proposal_id"], "accept"),
            h.http.post("/api/v1/matching/run", params={"hold_for_arrivals": "true"}, headers=h.auth))
        assert run.status_code == 200, run.text
        now = (await h.http.get(f"/api/v1/proposals/{p['proposal_id']}", headers=h.auth)).json()
        if accepted.status_code == 200:
            assert now["status"] == "accepted", now  # not superseded behind the team's back
        else:
            assert accepted.status_code == 409 and now["status"] == "declined", (accepted.text, now)
            assert accepted.json()["errors"][0]["rule"] in ("proposal_changed", "accept_not_allowed"), accepted.text
        # one step on the proposal, in the outbox too: an accept the re-match then took back leaves two
        assert (await outbox_types(h, bid)).count("housing.proposal_status_changed") == 1, (accepted.text, now)


async def test_a_move_out_for_other_needs_a_note_as_a_decline_does(h: Housing):
    place = await flat(h, gender_policy="women", beds_total=2, beds_free=2)
    _, pid = await _housed(h, place["place_id"], sex="F")
    for note in (None, "   "):
        r = await h.step(pid, "move_out", {"reason": "other", "note": note})
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0] | {"message": ""} == {"field": "note", "rule": "note_required_for_other",
                                                          "message": ""}
    assert await _beds_free(h, place["place_id"]) == 1  # nothing changed
    r = await h.step(pid, "move_out", {"reason": "other", "note": "returned to her family in Bari"})
    assert r.status_code == 200 and r.json()["move_out_reason"] == "other", r.text
    async with h.pool.acquire() as conn:
        assert await conn.fetchval("SELECT decline_note FROM proposals WHERE proposal_id = $1",
                                   UUID(pid)) == "returned to her family in Bari"


async def test_a_step_recorded_after_the_fact_carries_the_day_it_happened(h: Housing):
    """The team records Monday's move in on Wednesday: the proposal and the event are dated Monday (reporting
    counts by that day); a day after today, or before the proposal's last step, is refused and changes nothing."""
    place = await flat(h, gender_policy="men", beds_total=1, beds_free=1, municipality="001272")
    bid = await person(h, area="TO")
    p = await eventually(lambda: open_proposal_of(h, bid))
    async with h.pool.acquire() as conn:  # the proposal was made last week
        await conn.execute("UPDATE proposals SET made_on = $2, last_step_on = $2 WHERE proposal_id = $1",
                           UUID(p["proposal_id"]), TODAY - timedelta(days=7))
    monday = TODAY - timedelta(days=2)
    for action, body in [("accept", {}), ("confirm", {"actor": "person"}), ("confirm", {"actor": "host"})]:
        assert (await h.step(p["proposal_id"], action, body | {"on": (monday - timedelta(days=1)).isoformat()})
                ).status_code == 200
    for on, rule in [(TODAY + timedelta(days=1), "not_in_future"), (monday - timedelta(days=2), "before_last_step")]:
        r = await h.step(p["proposal_id"], "move_in", {"on": on.isoformat()})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "on", r.text
        assert r.json()["errors"][0]["rule"] == rule, r.text
    assert await _beds_free(h, place["place_id"]) == 1
    r = await h.step(p["proposal_id"], "move_in", {"on": monday.isoformat()})
    assert r.status_code == 200 and r.json()["status"] == "moved_in", r.text
    assert r.json()["last_step_on"] == monday.isoformat(), r.text
    async with h.pool.acquire() as conn:
        rows = await conn.fetch("SELECT value FROM outbox ORDER BY seq")
    moved = [e["payload"] for e in (json.loads(r["value"]) for r in rows) if e["event_type"] == "housing.moved_in"
             and e["beneficiary_id"] == str(bid)]
    assert [m["moved_in_on"] for m in moved] == [monday.isoformat()], moved
