"""One contract for employment's stores: the in-memory twins (tests/unit) and PostgreSQL
(tests/integration) run these same tests, so the twin the service-layer tests trust cannot drift."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from employment.domain.funds import Fund
from employment.domain.instalments import schedule
from employment.domain.levels import OpeningKind
from employment.domain.people import Person
from employment.domain.pipeline import Placement, Stage
from employment.domain.titles import RecognitionState, move_recognition, request_recognition
from employment.service_layer import queries
from employment.service_layer.context import Employment
from tests.employment_support import ORG, opening


def person(**kw) -> Person:
    base = dict(beneficiary_id=uuid4(), organisation_id=ORG, registered_on=date(2026, 10, 1), age_band="25_34",
                sex="F", italian_level="B1", languages=("fr", "ar"), area="RM", municipality="058091",
                project_ids=("FAMI-1",), work_goal_since=date(2026, 11, 1), consent_since=date(2026, 10, 2),
                driving_licence=True, mobility=frozenset({"bicycle", "car"}), childcare_need=True,
                available_from=date(2027, 2, 1), max_weekly_hours=30, experience={"I": 2.5, "A": 1.0},
                women_inactive=True)
    return Person(**{**base, **kw})


def placement(o, who, stage=Stage.proposed) -> Placement:
    return Placement(uuid4(), o.opening_id, o.kind, who, ORG, stage, date(2027, 1, 11), 640)


class EmploymentStoreContract:
    """Subclassed once per store, with an `app` fixture (an Employment context on that store)."""

    async def test_a_person_round_trips_whole(self, app: Employment):
        p = person()
        async with app.uow() as uow:
            await uow.people.put(p)
        async with app.uow() as uow:
            assert await uow.people.get(p.beneficiary_id) == p
            await uow.people.put(replace(p, consent_since=None, mobility=frozenset()))
        async with app.uow() as uow:
            got = await uow.people.get(p.beneficiary_id)
            assert got is not None and got.consent_since is None and got.mobility == frozenset()
            page, total = await uow.people.page(ORG, limit=10, offset=0)
            assert total == 1 and page == [got]

    async def test_people_added_at_once_round_trip_whole_and_skip_the_known(self, app: Employment):
        known, fresh = person(), [person(), person(languages=(), project_ids=(), mobility=frozenset(), experience={},
                                                area=None, municipality=None, work_goal_since=None, consent_since=None,
                                                available_from=None, max_weekly_hours=None)]
        async with app.uow() as uow:
            await uow.people.put(known)
        async with app.uow() as uow:
            assert await uow.people.add_new([]) == set()
            added = await uow.people.add_new([replace(known, italian_level="A1"), *fresh])
            assert added == {p.beneficiary_id for p in fresh}
        async with app.uow() as uow:
            assert await uow.people.get(known.beneficiary_id) == known  # known already: left as they were
            for p in fresh:
                assert await uow.people.get(p.beneficiary_id) == p

    async def test_a_failed_unit_leaves_nothing(self, app: Employment):
        p = person()
        with pytest.raises(ZeroDivisionError):
            async with app.uow() as uow:
                await uow.people.put(p)
                1 / 0  # noqa: B018
        async with app.uow() as uow:
            assert await uow.people.get(p.beneficiary_id) is None

    async def test_openings_round_trip_and_stay_in_their_organisation(self, app: Employment):
        async with app.uow() as uow:
            f = Fund(uuid4(), ORG, "FAMI-1", "bursaries", Decimal("1000.00"))
            assert await uow.funds.add(f)
            made = [opening(OpeningKind.traineeship, fund_id=f.fund_id), opening(fund_id=f.fund_id),
                    opening(OpeningKind.course), opening(OpeningKind.job_offer, end=None)]
            for o in made:
                await uow.openings.put(o, region="Lazio")
        async with app.uow() as uow:
            for o in made:
                assert await uow.openings.get(ORG, o.opening_id) == o
                assert await uow.openings.get("coop-b", o.opening_id) is None
            page, total = await uow.openings.page(ORG, kind=OpeningKind.course, status=None, limit=10, offset=0)
            assert total == 1 and page[0][0].kind is OpeningKind.course and page[0][1] == page[0][0].seats
            assert (await uow.openings.page(ORG, kind=None, status="open", limit=2, offset=0))[1] == 4

    async def test_traineeships_ending_soon_list_the_overdue_first(self, app: Employment):
        today = app.today()
        ends = {"overdue": date(2027, 1, 4), "soon": date(2027, 1, 31), "later": date(2027, 6, 30)}
        made = {name: opening(OpeningKind.traineeship, start=date(2026, 11, 2), end=end, agreement=date(2026, 11, 1))
                for name, end in ends.items()}
        done = opening(OpeningKind.traineeship, start=date(2026, 11, 2), end=date(2027, 1, 4),
                       agreement=date(2026, 11, 1))
        async with app.uow() as uow:
            for o in (*made.values(), done):
                await uow.openings.put(o, region="Lazio")
            for o in made.values():
                await uow.placements.add(placement(o, uuid4(), Stage.started), {"points": 1})
            await uow.placements.add(placement(done, uuid4(), Stage.completed), {"points": 1})
        rows, total = await queries.ending_soon(app, ORG, 30)
        assert total == 2 and [(r["opening_id"], r["overdue"]) for r in rows] == [
            (made["overdue"].opening_id, True), (made["soon"].opening_id, False)]
        assert all(r["end_date"] < today for r in rows if r["overdue"])

    async def test_seats_are_held_past_the_proposal_only(self, app: Employment):
        o = opening(OpeningKind.course, seats=2)
        a, b = placement(o, uuid4()), placement(o, uuid4(), Stage.enrolled)
        async with app.uow() as uow:
            await uow.openings.put(o, region="Lazio")
            await uow.placements.add(a, {"points": 1})
            await uow.placements.add(b, {"points": 2})
        async with app.uow() as uow:
            assert await uow.openings.free_seats(o.opening_id) == 1
            assert await uow.placements.holding_seats(ORG) == {b.beneficiary_id}
            assert set(await uow.placements.proposed(ORG)) == {a.beneficiary_id}
            assert [(x.opening_id, free) for x, free in await uow.openings.open_with_free_seats(ORG)] == [
                (o.opening_id, 1)]
            listed, _ = await uow.openings.page(ORG, kind=None, status=None, limit=10, offset=0)
            assert [(x.opening_id, free) for x, free in listed] == [(o.opening_id, 1)]

    async def test_one_active_placement_per_person(self, app: Employment):
        o = opening(OpeningKind.course, seats=3)
        who = uuid4()
        async with app.uow() as uow:
            await uow.openings.put(o, region="Lazio")
            await uow.placements.add(placement(o, who), {})
        with pytest.raises(Exception, match="placements_one_active"):
            async with app.uow() as uow:
                await uow.placements.add(placement(o, who), {})

    async def test_stage_history_gives_entered_and_left(self, app: Employment):
        o = opening(OpeningKind.course)
        p = placement(o, uuid4())
        moved = replace(p, stage=Stage.enrolled, since=date(2027, 1, 20))
        async with app.uow() as uow:
            await uow.openings.put(o, region="Lazio")
            await uow.placements.add(p, {})
            await uow.placements.move(p, moved)
        async with app.uow() as uow:
            visits = sorted((v.stage.value, v.entered_on, v.left_on) for v in await uow.placements.visits(ORG))
            assert visits == [("enrolled", date(2027, 1, 20), None), ("proposed", date(2027, 1, 11), date(2027, 1, 20))]
            assert (await uow.placements.get(ORG, p.placement_id)) == moved
            assert await uow.placements.stage_counts(ORG) == {"enrolled": 1}

    async def test_money_moves_only_within_the_budget(self, app: Employment):
        f = Fund(uuid4(), ORG, "FAMI-1", "allowances", Decimal("1000.00"))
        async with app.uow() as uow:
            assert await uow.funds.add(f)
            assert not await uow.funds.add(replace(f, fund_id=uuid4()))  # same project and name
            assert await uow.funds.commit(f.fund_id, Decimal("999.99"))
            assert not await uow.funds.commit(f.fund_id, Decimal("0.02"))
            assert await uow.funds.pay(f.fund_id, Decimal("1000.00"))
            assert not await uow.funds.pay(f.fund_id, Decimal("0.01"))
            assert not await uow.funds.set_budget(f.fund_id, Decimal("999.99"))
            await uow.funds.release(f.fund_id, Decimal("0.99"))
            assert await uow.funds.set_budget(f.fund_id, Decimal("1000.00"))
        async with app.uow() as uow:
            got = await uow.funds.get(ORG, f.fund_id)
            assert (got.budget, got.committed, got.paid) == (Decimal("1000.00"), Decimal("999.00"), Decimal("1000.00"))
            assert await uow.funds.get("coop-b", f.fund_id) is None

    async def test_an_instalment_is_paid_once_and_cancelled_ones_not_at_all(self, app: Employment):
        o = opening(OpeningKind.course)
        p = placement(o, uuid4(), Stage.enrolled)
        f = Fund(uuid4(), ORG, "FAMI-1", "bursaries", Decimal("5000.00"))
        plan = schedule(p.placement_id, start=date(2027, 2, 1), end=date(2027, 4, 30), monthly=Decimal("450.00"),
                        basis="thirtieths")
        async with app.uow() as uow:
            await uow.funds.add(f)
            await uow.openings.put(o, region="Lazio")
            await uow.placements.add(p, {})
            await uow.instalments.add(ORG, f.fund_id, plan)
        async with app.uow() as uow:
            assert await uow.instalments.mark_paid(ORG, p.placement_id, 1, date(2027, 3, 1)) == (
                f.fund_id, Decimal("450.00"), date(2027, 2, 28))
            assert await uow.instalments.mark_paid(ORG, p.placement_id, 1, date(2027, 3, 1)) is None
            assert await uow.instalments.mark_paid("coop-b", p.placement_id, 2, date(2027, 3, 1)) is None
            due, total = await uow.instalments.due(ORG, date(2000, 1, 1), date(2027, 3, 31), limit=10, offset=0)
            assert [(r["month_no"], r["amount"]) for r in due] == [(2, Decimal("450.00"))] and total == 1
            assert await uow.instalments.due(ORG, date(2000, 1, 1), date(2027, 3, 31), limit=10, offset=1) == ([], 1)
            assert await uow.instalments.cancel_unpaid(p.placement_id) == (f.fund_id, Decimal("900.00"))
            assert await uow.instalments.state(ORG, p.placement_id, 3) == "cancelled"
            assert await uow.instalments.state(ORG, p.placement_id, 1) == "paid"
            assert await uow.instalments.state(ORG, p.placement_id, 9) is None

    async def test_titles_round_trip_and_give_sectors(self, app: Employment):
        who = uuid4()
        r = request_recognition(recognition_id=uuid4(), beneficiary_id=who, organisation_id=ORG,
                                qualification="nursing diploma", country="NG", sector="Q",
                                requested_on=date(2026, 12, 1), today=date(2027, 1, 11),
                                countries={"NG"})
        async with app.uow() as uow:
            await uow.titles.add_recognition(r)
            moved = move_recognition(r, RecognitionState.recognised, on=date(2027, 1, 5), today=date(2027, 1, 11))
            await uow.titles.update_recognition(moved)
        async with app.uow() as uow:
            assert await uow.titles.recognition(ORG, r.recognition_id) == moved
            assert await uow.titles.recognition("coop-b", r.recognition_id) is None
            assert await uow.titles.sectors_by_person(ORG) == ({}, {who: {"Q"}})
            assert await uow.titles.sectors_of(who) == (set(), {"Q"})

    async def test_matching_version_and_declined_pairs(self, app: Employment):
        a, b = uuid4(), uuid4()
        async with app.uow() as uow:
            assert await uow.settings.lock_version(ORG) == 0
            assert await uow.settings.bump_version(ORG) == 1
            await uow.settings.decline(ORG, a, b)
            await uow.settings.decline(ORG, a, b)
            await uow.settings.set_women_priority(ORG, "FAMI-1", True)
            await uow.settings.set_women_priority(ORG, "FAMI-2", False)
        async with app.uow() as uow:
            assert await uow.settings.lock_version(ORG) == 1
            assert await uow.settings.declined(ORG) == {(a, b)}
            assert await uow.settings.women_priority_projects(ORG) == {"FAMI-1"}
