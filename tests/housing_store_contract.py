"""One contract for housing's repositories: the in-memory twins (tests/unit) and the PostgreSQL
adapters (tests/integration) run these same tests, so the twin the service-layer tests trust cannot
drift from the SQL production runs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from housing.domain.funds import (
    COMMITTED,
    STANDING,
    FundKind,
    Held,
    Lease,
    SupportKind,
    SupportStatus,
    new_fund,
    request,
)
from housing.domain.rules import default_funds
from housing.domain.workflow import Proposal, Status
from housing.service_layer.unit_of_work import HousingUnitOfWork
from tests.unit.housing.support import ORG, TODAY, host_family, household, place

MakeUoW = Callable[[], HousingUnitOfWork]


def proposal(h, p, status=Status.proposed, day=TODAY) -> Proposal:
    return Proposal(uuid4(), ORG, h.beneficiary_id, p.place_id, h.size, status, day, day)


class HousingStoreContract:
    """Subclasses give a `make` fixture: a factory of units of work on one store."""

    @pytest.fixture
    def make(self) -> MakeUoW:
        raise NotImplementedError

    async def test_households_round_trip_and_the_waiting_order(self, make: MakeUoW):
        old = household(waiting_since=TODAY - timedelta(days=90), languages=frozenset({"ar", "fr"}),
                        monthly_income=Decimal("850.50"), work_municipality="058091")
        new = household(waiting_since=TODAY - timedelta(days=3), consent=False)
        async with make() as uow:
            assert await uow.households.add(old) and await uow.households.add(new)
            assert not await uow.households.add(old)  # known already
        async with make() as uow:
            assert await uow.households.get(old.beneficiary_id) == old
            assert [h.beneficiary_id for h in await uow.households.matchable(ORG)] == [old.beneficiary_id]
            items, total = await uow.households.waiting(ORG, only_matchable=False, limit=1, offset=0)
            assert total == 2 and items[0].beneficiary_id == old.beneficiary_id
            p = place()
            await uow.places.add(p, address=None, managing_organisation=None)
            await uow.households.exclude(old.beneficiary_id, p.place_id)
            await uow.households.save(new.with_changes(consent=True, status="housed"))
        async with make() as uow:
            assert (await uow.households.get(old.beneficiary_id)).excluded_places == {p.place_id}
            assert (await uow.households.get(new.beneficiary_id)).status == "housed"
            assert await uow.households.matchable("coop-other") == []
            recent = await uow.households.arrived_since(ORG, TODAY - timedelta(days=10))
            assert [h.beneficiary_id for h in recent] == [new.beneficiary_id]

    async def test_households_added_at_once_keep_every_field_and_skip_the_known(self, make: MakeUoW):
        known = household(languages=frozenset({"ar"}))
        fresh = [household(waiting_since=TODAY - timedelta(days=9), languages=frozenset({"ar", "fr"}),
                           areas=frozenset({"RM", "LT"}), monthly_income=Decimal("850.50"), work_municipality="058091",
                           leave_by=TODAY + timedelta(days=30), step_free_need=True, vulnerable=True),
                 household(consent=False, housing_goal=False, areas=frozenset(), languages=frozenset())]
        async with make() as uow:
            assert await uow.households.add(known)
        async with make() as uow:
            assert await uow.households.add_new([]) == set()
            added = await uow.households.add_new([known.with_changes(size=5), *fresh])
            assert added == {h.beneficiary_id for h in fresh}
        async with make() as uow:
            assert await uow.households.get(known.beneficiary_id) == known  # known already: left as it was
            for h in fresh:
                assert await uow.households.get(h.beneficiary_id) == h

    async def test_places_round_trip_beds_and_free_soon(self, make: MakeUoW):
        flat, host = place(beds_free=2), host_family(available_from=TODAY + timedelta(days=20))
        async with make() as uow:
            await uow.places.add(flat, address="Via Roma 1", managing_organisation="Coop")
            await uow.places.add(host, address=None, managing_organisation=None)
        async with make() as uow:
            got, extra = await uow.places.get(flat.place_id, ORG)
            assert got == flat and extra == {"address": "Via Roma 1", "managing_organisation": "Coop", "active": True}
            assert await uow.places.get(flat.place_id, "coop-other") is None
            assert await uow.places.take_beds(flat.place_id, 2)
            assert not await uow.places.take_beds(flat.place_id, 1)  # none left: refused, unchanged
            await uow.places.free_beds(flat.place_id, 5)  # never above the total
        async with make() as uow:
            assert (await uow.places.get(flat.place_id, ORG))[0].beds_free == flat.beds_total
            soon, total = await uow.places.listing(ORG, free_by=TODAY + timedelta(days=7), limit=10, offset=0)
            assert [p.place_id for p in soon] == [flat.place_id] and total == 1
            later, _ = await uow.places.listing(ORG, free_by=TODAY + timedelta(days=30), limit=10, offset=0)
            assert {p.place_id for p in later} == {flat.place_id, host.place_id}
            # a host's period over by today is not free soon; a retired place is not listed at all
            over, _ = await uow.places.listing(ORG, free_by=TODAY + timedelta(days=400),
                                               today=host.available_to + timedelta(days=1), limit=10, offset=0)
            assert [p.place_id for p in over] == [flat.place_id]
            await uow.places.retire(flat.place_id)
            assert (await uow.places.get(flat.place_id, ORG))[1]["active"] is False
            assert (await uow.places.listing(ORG, free_by=None, limit=10, offset=0))[1] == 1

    async def test_one_open_proposal_per_household_and_the_stalled_list(self, make: MakeUoW):
        h, p = household(), place()
        first = proposal(h, p, day=TODAY - timedelta(days=10))
        async with make() as uow:
            await uow.households.add(h)
            await uow.places.add(p, address=None, managing_organisation=None)
            await uow.proposals.add(first, score=7.5, parts={"waiting": 0.1})
        async with make() as uow:  # the unique index, or its twin: nothing stored, and the caller told
            assert await uow.proposals.add(proposal(h, p), score=1.0, parts={}) is False
        async with make() as uow:
            assert (await uow.proposals.open_of(h.beneficiary_id)) == first
            items, total = await uow.proposals.listing(ORG, status=None, stalled_before=TODAY - timedelta(days=7),
                                                       limit=10, offset=0)
            assert total == 1 and items[0] == (first, 7.5, {"waiting": 0.1})
            from dataclasses import replace

            accepted = replace(first, status=Status.accepted)
            assert await uow.proposals.save(accepted, expected=Status.proposed) is True
            # the matcher's supersede of what it read as proposed: the team accepted it since, theirs stands
            assert await uow.proposals.save(replace(first, status=Status.declined, decline_actor="system",
                                                    decline_reason="superseded"), expected=Status.proposed) is False
            assert (await uow.proposals.get(first.proposal_id, ORG)) == accepted
            assert await uow.proposals.save(replace(first, status=Status.declined, decline_actor="person",
                                                    decline_reason="refuses_area"), note="said no") is True
        async with make() as uow:
            assert await uow.proposals.open_of(h.beneficiary_id) is None
            await uow.proposals.add(proposal(h, p), score=2.0, parts={})  # a new one may open now
            assert len(await uow.proposals.open(ORG)) == 1
            by_status, n = await uow.proposals.listing(ORG, status=Status.declined, stalled_before=None, limit=5,
                                                       offset=0)
            assert n == 1 and by_status[0][0].decline_reason == "refuses_area"

    async def test_fund_commit_is_conditional_and_supports_move_once(self, make: MakeUoW):
        fund = new_fund(uuid4(), ORG, "FAMI-1", FundKind.contributions, Decimal("1000"), Decimal("700"))
        h = household()
        s = request(uuid4(), fund, h.beneficiary_id, SupportKind.furniture, Decimal("600"), TODAY, default_funds(),
                    held=Held())
        async with make() as uow:
            await uow.funds.add(fund)
            await uow.households.add(h)
            await uow.supports.add(s)
        async with make() as uow:
            assert await uow.funds.commit(fund.fund_id, Decimal("600"))
            assert not await uow.funds.commit(fund.fund_id, Decimal("400.01"))
            assert await uow.funds.commit(fund.fund_id, Decimal("400"))
            await uow.funds.pay(fund.fund_id, Decimal("600"))
            approved = replace(s, status=SupportStatus.approved)
            assert await uow.supports.save(approved, expected=SupportStatus.requested)
            assert not await uow.supports.save(approved, expected=SupportStatus.requested)
            assert await uow.supports.held(fund.fund_id, h.beneficiary_id, statuses=STANDING) == Held(Decimal("600"))
        async with make() as uow:
            got = await uow.funds.get(fund.fund_id, ORG)
            assert (got.committed, got.paid, got.available) == (Decimal("1000"), Decimal("600"), Decimal("0"))
            assert await uow.funds.get(fund.fund_id, "coop-other") is None
            items, total = await uow.funds.listing(ORG, limit=10, offset=0)
            assert total == 1 and items[0] == got

    async def test_one_fund_of_a_kind_per_project_and_the_locked_read(self, make: MakeUoW):
        first = new_fund(uuid4(), ORG, "FAMI-1", FundKind.rent_advance, Decimal("1000"), Decimal("700"))
        async with make() as uow:
            assert await uow.funds.add(first)
        async with make() as uow:
            assert not await uow.funds.add(replace(first, fund_id=uuid4(), total=Decimal("5")))
            assert await uow.funds.add(replace(first, fund_id=uuid4(), kind=FundKind.contributions))
            assert await uow.funds.add(replace(first, fund_id=uuid4(), project_id="FAMI-2"))
            assert await uow.funds.add(replace(first, fund_id=uuid4(), organisation_id="coop-other"))
        async with make() as uow:
            assert await uow.funds.of_project(ORG, "FAMI-1", FundKind.rent_advance) == first
            assert await uow.funds.of_project(ORG, "FAMI-3", FundKind.rent_advance) is None
            assert await uow.funds.lock(first.fund_id, ORG) == first
            assert await uow.funds.lock(first.fund_id, "coop-other") is None
            _, total = await uow.funds.listing(ORG, limit=10, offset=0)
            assert total == 3

    async def test_what_a_person_holds_and_the_supports_listed_by_filter(self, make: MakeUoW):
        advances = new_fund(uuid4(), ORG, "FAMI-1", FundKind.rent_advance, Decimal("9000"), Decimal("9000"))
        other = new_fund(uuid4(), ORG, "FAMI-2", FundKind.rent_advance, Decimal("9000"), Decimal("9000"))
        a, b = household(), household()

        def advance(fund, who, months, status, day=TODAY):
            s = request(uuid4(), fund, who.beneficiary_id, SupportKind.rent_advance, Decimal(100 * months), day,
                        default_funds(), held=Held(), lease=Lease(months, Decimal("100"), "L-1"))
            return replace(s, status=status)

        rows = [advance(advances, a, 2, SupportStatus.requested, TODAY - timedelta(days=3)),
                advance(advances, a, 3, SupportStatus.approved, TODAY - timedelta(days=2)),
                advance(advances, a, 1, SupportStatus.paid, TODAY - timedelta(days=1)),
                advance(advances, a, 6, SupportStatus.refused), advance(advances, b, 4, SupportStatus.approved),
                advance(other, a, 5, SupportStatus.approved)]
        async with make() as uow:
            for f in (advances, other):
                await uow.funds.add(f)
            for s in rows:
                await uow.supports.add(s)
        async with make() as uow:
            held = uow.supports.held
            assert await held(advances.fund_id, a.beneficiary_id, statuses=STANDING) == Held(Decimal("600.00"), 6)
            assert await held(advances.fund_id, a.beneficiary_id, statuses=COMMITTED) == Held(Decimal("400.00"), 4)
            assert await held(advances.fund_id, uuid4(), statuses=STANDING) == Held()
            listing = uow.supports.listing
            mine, n = await listing(ORG, fund_id=advances.fund_id, beneficiary_id=a.beneficiary_id, status=None,
                                    limit=2, offset=1)
            assert n == 4 and [s.lease.months for s in mine] == [3, 1]  # oldest request first
            assert mine[0] == rows[1]
            today, _ = await listing(ORG, fund_id=None, beneficiary_id=None, status=None, limit=10, offset=3)
            assert [s.support_id for s in today] == [r.support_id for r in rows[3:]]  # within a day: as they came
            approved, n = await listing(ORG, fund_id=None, beneficiary_id=None, status=SupportStatus.approved,
                                        limit=10, offset=0)
            assert n == 3 and {s.support_id for s in approved} == {rows[1].support_id, rows[4].support_id,
                                                                    rows[5].support_id}
            assert await listing("coop-other", fund_id=None, beneficiary_id=None, status=None, limit=10,
                                 offset=0) == ([], 0)

    async def test_a_failed_unit_leaves_nothing(self, make: MakeUoW):
        p = place()
        with pytest.raises(RuntimeError):
            async with make() as uow:
                await uow.places.add(p, address=None, managing_organisation=None)
                raise RuntimeError("boom")
        async with make() as uow:
            assert await uow.places.get(p.place_id, ORG) is None
        await asyncio.sleep(0)
