"""In-memory twins of housing's repositories, for service-layer unit tests without servers. They keep
the same rules the SQL keeps (one open proposal per household, no overspent fund, one fund of a kind per
project, beds never below 0), and the contract suite checks both against the same tests."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from housing.domain.demand import Household
from housing.domain.funds import Fund, FundKind, Held, Support, SupportKind, SupportStatus
from housing.domain.offer import Place
from housing.domain.workflow import OPEN, Proposal, Status
from shared.funds import MemoryLedgers


def _page(items: list, limit: int, offset: int) -> tuple[list, int]:
    return items[offset:offset + limit], len(items)


class MemoryHouseholds:
    def __init__(self) -> None:
        self.rows: dict[UUID, Household] = {}

    async def add(self, h: Household) -> bool:
        if h.beneficiary_id in self.rows:
            return False
        self.rows[h.beneficiary_id] = h
        return True

    async def add_new(self, households: Sequence[Household]) -> set[UUID]:
        return {h.beneficiary_id for h in households if await self.add(h)}

    async def get(self, beneficiary_id: UUID) -> Household | None:
        return self.rows.get(beneficiary_id)

    async def save(self, h: Household) -> None:
        self.rows[h.beneficiary_id] = h

    async def lock(self, beneficiary_id: UUID) -> None:
        """One unit of work at a time in memory: nothing to wait for."""

    async def exclude(self, beneficiary_id: UUID, place_id: UUID) -> None:
        h = self.rows[beneficiary_id]
        self.rows[beneficiary_id] = replace(h, excluded_places=h.excluded_places | {place_id})

    async def matchable(self, organisation_id: str) -> list[Household]:
        return sorted((h for h in self.rows.values() if h.organisation_id == organisation_id and h.matchable),
                      key=lambda h: (h.waiting_since, str(h.beneficiary_id)))

    async def waiting(self, organisation_id: str, *, only_matchable: bool, limit: int,
                      offset: int) -> tuple[list[Household], int]:
        rows = [h for h in self.rows.values() if h.organisation_id == organisation_id and h.status == "waiting"
                and not h.path_closed and (h.matchable or not only_matchable)]
        return _page(sorted(rows, key=lambda h: (h.waiting_since, str(h.beneficiary_id))), limit, offset)


    async def arrived_since(self, organisation_id: str, since: date) -> list[Household]:
        return sorted((h for h in self.rows.values() if h.organisation_id == organisation_id
                       and h.waiting_since >= since and h.housing_goal and h.status != "erased"),
                      key=lambda h: (h.waiting_since, str(h.beneficiary_id)))


class MemoryPlaces:
    def __init__(self, proposals: MemoryProposals | None = None) -> None:
        self.rows: dict[UUID, tuple[Place, dict[str, Any], bool]] = {}
        self.proposals = proposals  # the beds its proposals hold, for the places free soon

    async def add(self, p: Place, *, address: str | None, managing_organisation: str | None) -> None:
        self.rows[p.place_id] = (p, {"address": address, "managing_organisation": managing_organisation}, True)

    async def get(self, place_id: UUID, organisation_id: str) -> tuple[Place, dict[str, Any]] | None:
        row = self.rows.get(place_id)
        return (row[0], row[1] | {"active": row[2]}) if row and row[0].organisation_id == organisation_id else None

    async def save(self, p: Place, *, address: str | None, managing_organisation: str | None) -> None:
        self.rows[p.place_id] = (p, {"address": address, "managing_organisation": managing_organisation}, True)

    async def lock(self, place_id: UUID) -> None:
        return None  # one event loop, no await between read and write: nothing races here

    async def retire(self, place_id: UUID) -> None:
        p, extra, _ = self.rows[place_id]
        self.rows[place_id] = (p, extra, False)

    async def take_beds(self, place_id: UUID, beds: int) -> bool:
        p, extra, active = self.rows[place_id]
        if p.beds_free < beds:
            return False
        self.rows[place_id] = (replace(p, beds_free=p.beds_free - beds), extra, active)
        return True

    async def free_beds(self, place_id: UUID, beds: int) -> None:
        p, extra, active = self.rows[place_id]
        self.rows[place_id] = (replace(p, beds_free=min(p.beds_total, p.beds_free + beds)), extra, active)

    async def active(self, organisation_id: str) -> list[Place]:
        return [p for p, _, a in self.rows.values() if a and p.organisation_id == organisation_id]

    async def listing(self, organisation_id: str, *, free_by: date | None, today: date | None = None, limit: int,
                      offset: int) -> tuple[list[Place], int]:
        held: dict[UUID, int] = {}
        for q, *_ in (self.proposals.rows.values() if self.proposals is not None else ()):
            if q.holds_beds:
                held[q.place_id] = held.get(q.place_id, 0) + q.household_size
        rows = [p for p in await self.active(organisation_id)
                if free_by is None or (p.beds_free > held.get(p.place_id, 0)
                                       and (p.available_from is None or p.available_from <= free_by)
                                       and (p.available_to is None or p.available_to >= (today or date.min)))]
        if free_by is not None:
            rows.sort(key=lambda p: (p.available_from or date.min, str(p.place_id)))
        else:
            rows.sort(key=lambda p: str(p.place_id))
        return _page(rows, limit, offset)


class MemoryProposals:
    def __init__(self) -> None:
        self.rows: dict[UUID, tuple[Proposal, float, dict[str, float], str | None]] = {}

    async def add(self, p: Proposal, *, score: float, parts: dict[str, float]) -> bool:
        if p.status in OPEN and await self.open_of(p.beneficiary_id):
            return False  # the SQL unique index's twin
        self.rows[p.proposal_id] = (p, score, parts, None)
        return True

    async def get(self, proposal_id: UUID, organisation_id: str) -> Proposal | None:
        row = self.rows.get(proposal_id)
        return row[0] if row and row[0].organisation_id == organisation_id else None

    async def save(self, p: Proposal, *, note: str | None = None, expected: Status | None = None) -> bool:
        was, score, parts, old = self.rows[p.proposal_id]
        if expected is not None and was.status is not expected:
            return False
        self.rows[p.proposal_id] = (p, score, parts, note or old)
        return True

    async def rescore(self, scores: Sequence[tuple[UUID, float, dict[str, float]]]) -> None:
        for proposal_id, score, parts in scores:
            p, _, _, note = self.rows[proposal_id]
            self.rows[proposal_id] = (p, score, parts, note)

    async def living_in(self, place_id: UUID) -> int:
        return sum(p.household_size for p, *_ in self.rows.values()
                   if p.place_id == place_id and p.status is Status.moved_in)

    async def get_scored(self, proposal_id: UUID,
                         organisation_id: str) -> tuple[Proposal, float, dict[str, float]] | None:
        row = self.rows.get(proposal_id)
        return (row[0], row[1], row[2]) if row and row[0].organisation_id == organisation_id else None

    async def forget_notes(self, beneficiary_id: UUID) -> None:
        for k, (p, score, parts, _) in list(self.rows.items()):
            if p.beneficiary_id == beneficiary_id:
                self.rows[k] = (p, score, parts, None)

    async def open(self, organisation_id: str) -> list[Proposal]:
        return [r[0] for r in self.rows.values() if r[0].organisation_id == organisation_id and r[0].status in OPEN]

    async def open_of(self, beneficiary_id: UUID) -> Proposal | None:
        return next((r[0] for r in self.rows.values()
                     if r[0].beneficiary_id == beneficiary_id and r[0].status in OPEN), None)

    async def listing(self, organisation_id: str, *, status: Status | None, stalled_before: date | None,
                      limit: int, offset: int) -> tuple[list[tuple[Proposal, float, dict[str, float]]], int]:
        rows = [(p, s, parts) for p, s, parts, _ in self.rows.values() if p.organisation_id == organisation_id
                and (status is None or p.status == status)
                and (stalled_before is None or (p.status in OPEN and p.last_step_on <= stalled_before))]
        rows.sort(key=lambda r: (r[0].last_step_on, str(r[0].proposal_id)))
        return _page(rows, limit, offset)


class MemoryFunds:
    def __init__(self) -> None:
        self.rows: dict[UUID, Fund] = {}

    async def add(self, f: Fund) -> bool:
        if await self.of_project(f.organisation_id, f.project_id, f.kind):
            return False  # the SQL unique constraint's twin
        self.rows[f.fund_id] = f
        return True

    async def get(self, fund_id: UUID, organisation_id: str) -> Fund | None:
        f = self.rows.get(fund_id)
        return f if f and f.organisation_id == organisation_id else None

    async def of_project(self, organisation_id: str, project_id: str, kind: FundKind) -> Fund | None:
        return next((f for f in self.rows.values()
                     if (f.organisation_id, f.project_id, f.kind) == (organisation_id, project_id, kind)), None)

    async def lock(self, fund_id: UUID, organisation_id: str) -> Fund | None:
        return await self.get(fund_id, organisation_id)  # one unit of work at a time here: nothing to wait for

    async def listing(self, organisation_id: str, *, limit: int, offset: int) -> tuple[list[Fund], int]:
        rows = sorted((f for f in self.rows.values() if f.organisation_id == organisation_id),
                      key=lambda f: (f.project_id, str(f.fund_id)))
        return _page(rows, limit, offset)

    async def commit(self, fund_id: UUID, amount: Decimal) -> bool:
        return MemoryLedgers(self.rows).commit(fund_id, amount)

    async def pay(self, fund_id: UUID, amount: Decimal) -> bool:
        return MemoryLedgers(self.rows).pay(fund_id, amount)


class MemorySupports:
    def __init__(self) -> None:
        self.rows: dict[UUID, Support] = {}

    async def forget_leases(self, beneficiary_id: UUID) -> None:
        for k, s in list(self.rows.items()):
            if s.beneficiary_id == beneficiary_id and s.lease.ref is not None:
                self.rows[k] = replace(s, lease=replace(s.lease, ref=None))

    async def add(self, s: Support) -> None:
        self.rows[s.support_id] = s

    async def get(self, support_id: UUID, organisation_id: str) -> Support | None:
        s = self.rows.get(support_id)
        return s if s and s.organisation_id == organisation_id else None

    async def save(self, s: Support, *, expected: SupportStatus) -> bool:
        if self.rows[s.support_id].status is not expected:
            return False
        self.rows[s.support_id] = s
        return True

    async def held(self, fund_id: UUID, beneficiary_id: UUID, *, statuses: Collection[SupportStatus]) -> Held:
        mine = [s for s in self.rows.values()
                if s.fund_id == fund_id and s.beneficiary_id == beneficiary_id and s.status in statuses]
        return Held(sum((s.amount for s in mine), Decimal(0)),
                    sum(s.lease.months or 0 for s in mine if s.kind is SupportKind.rent_advance))

    async def listing(self, organisation_id: str, *, fund_id: UUID | None, beneficiary_id: UUID | None,
                      status: SupportStatus | None, limit: int, offset: int) -> tuple[list[Support], int]:
        rows = [s for s in self.rows.values() if s.organisation_id == organisation_id
                and fund_id in (None, s.fund_id) and beneficiary_id in (None, s.beneficiary_id)
                and status in (None, s.status)]
        rows.sort(key=lambda s: s.requested_on)  # stable: the order they came within a day, as `seq` in SQL
        return _page(rows, limit, offset)
