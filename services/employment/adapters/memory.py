"""In-memory twins of employment's repositories, for service-layer unit tests. They keep the same
promises as the SQL (scoping by organisation, conditional money moves, seats held) and are held to
them by the contract suite that runs against both (tests/employment_contract.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from employment.domain.funds import Fund, Instalment
from employment.domain.levels import OpeningKind
from employment.domain.openings import Opening
from employment.domain.people import Person
from employment.domain.pipeline import BEGUN, HOLDS_SEAT, Placement, Stage, holds_seat
from employment.domain.stats import StageVisit
from employment.domain.titles import Certification, CertificationOutcome, Recognition, RecognitionState
from shared.funds import MemoryLedgers


@dataclass
class MemoryState:
    """Everything the twins hold; the unit of work deep-copies it to roll back."""

    people: dict[UUID, Person] = field(default_factory=dict)
    recognitions: dict[UUID, Recognition] = field(default_factory=dict)
    certifications: dict[UUID, Certification] = field(default_factory=dict)
    women_priority: dict[tuple[str, str], bool] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    declined: dict[tuple[UUID, UUID], str] = field(default_factory=dict)
    openings: dict[UUID, tuple[Opening, str]] = field(default_factory=dict)
    placements: dict[UUID, tuple[Placement, dict[str, Any]]] = field(default_factory=dict)
    history: dict[tuple[UUID, str], list[Any]] = field(default_factory=dict)
    funds: dict[UUID, Fund] = field(default_factory=dict)
    instalments: dict[tuple[UUID, int], dict[str, Any]] = field(default_factory=dict)


class MemoryPeople:
    def __init__(self, s: MemoryState) -> None:
        self.s = s

    async def get(self, beneficiary_id: UUID) -> Person | None:
        return self.s.people.get(beneficiary_id)

    async def put(self, p: Person) -> None:
        self.s.people[p.beneficiary_id] = p

    async def add_new(self, people: Sequence[Person]) -> set[UUID]:
        added = set()
        for p in people:
            if p.beneficiary_id not in self.s.people:
                self.s.people[p.beneficiary_id] = p
                added.add(p.beneficiary_id)
        return added

    async def page(self, organisation_id: str, *, limit: int, offset: int) -> tuple[list[Person], int]:
        rows = sorted(await self.of_organisation(organisation_id), key=lambda p: (p.registered_on, p.beneficiary_id))
        return rows[offset: offset + limit], len(rows)

    async def of_organisation(self, organisation_id: str) -> list[Person]:
        return [p for p in self.s.people.values() if p.organisation_id == organisation_id and not p.erased]


class MemoryTitles:
    def __init__(self, s: MemoryState) -> None:
        self.s = s

    async def add_recognition(self, r: Recognition) -> None:
        self.s.recognitions[r.recognition_id] = r

    async def update_recognition(self, r: Recognition) -> None:
        self.s.recognitions[r.recognition_id] = r

    async def recognition(self, organisation_id: str, recognition_id: UUID) -> Recognition | None:
        r = self.s.recognitions.get(recognition_id)
        return r if r is not None and r.organisation_id == organisation_id else None

    async def forget_qualifications(self, beneficiary_id: UUID) -> None:
        for r in [r for r in self.s.recognitions.values() if r.beneficiary_id == beneficiary_id]:
            self.s.recognitions[r.recognition_id] = replace(r, qualification="")

    async def recognitions_of(self, beneficiary_id: UUID) -> list[Recognition]:
        return sorted((r for r in self.s.recognitions.values() if r.beneficiary_id == beneficiary_id),
                      key=lambda r: r.recognition_id)

    async def add_certification(self, c: Certification) -> None:
        self.s.certifications[c.certification_id] = c

    async def certifications_of(self, beneficiary_id: UUID) -> list[Certification]:
        return sorted((c for c in self.s.certifications.values() if c.beneficiary_id == beneficiary_id),
                      key=lambda c: (c.certified_on, c.certification_id))

    async def sectors_of(self, beneficiary_id: UUID) -> tuple[set[str], set[str]]:
        certified = {c.sector for c in self.s.certifications.values()
                     if c.beneficiary_id == beneficiary_id and c.outcome is CertificationOutcome.certified}
        recognised = {r.sector for r in self.s.recognitions.values() if r.beneficiary_id == beneficiary_id
                      and r.state is RecognitionState.recognised and r.sector is not None}
        return certified, recognised

    async def sectors_by_person(self, organisation_id: str) -> tuple[dict[UUID, set[str]], dict[UUID, set[str]]]:
        certified: dict[UUID, set[str]] = {}
        for c in self.s.certifications.values():
            if c.organisation_id == organisation_id and c.outcome is CertificationOutcome.certified:
                certified.setdefault(c.beneficiary_id, set()).add(c.sector)
        recognised: dict[UUID, set[str]] = {}
        for r in self.s.recognitions.values():
            if r.organisation_id == organisation_id and r.state is RecognitionState.recognised and r.sector:
                recognised.setdefault(r.beneficiary_id, set()).add(r.sector)
        return certified, recognised


class MemorySettings:
    def __init__(self, s: MemoryState) -> None:
        self.s = s

    async def set_women_priority(self, organisation_id: str, project_id: str, on: bool) -> None:
        self.s.women_priority[(organisation_id, project_id)] = on

    async def women_priority_projects(self, organisation_id: str) -> set[str]:
        return {p for (o, p), on in self.s.women_priority.items() if o == organisation_id and on}

    async def lock_version(self, organisation_id: str) -> int:
        return self.s.versions.setdefault(organisation_id, 0)

    async def bump_version(self, organisation_id: str) -> int:
        self.s.versions[organisation_id] = self.s.versions.get(organisation_id, 0) + 1
        return self.s.versions[organisation_id]

    async def declined(self, organisation_id: str) -> set[tuple[UUID, UUID]]:
        return {pair for pair, org in self.s.declined.items() if org == organisation_id}

    async def decline(self, organisation_id: str, beneficiary_id: UUID, opening_id: UUID) -> None:
        self.s.declined.setdefault((beneficiary_id, opening_id), organisation_id)


def _holds(p: Placement) -> bool:
    return holds_seat(p)


class MemoryOpenings:
    def __init__(self, s: MemoryState) -> None:
        self.s = s

    async def put(self, o: Opening, *, region: str) -> None:
        self.s.openings[o.opening_id] = (o, region)

    async def get(self, organisation_id: str, opening_id: UUID, *, lock: bool = False) -> Opening | None:
        found = self.s.openings.get(opening_id)
        return found[0] if found and found[0].organisation_id == organisation_id else None

    async def page(self, organisation_id: str, *, kind: OpeningKind | None, status: str | None, limit: int,
                   offset: int) -> tuple[list[tuple[Opening, int]], int]:
        rows = sorted((o for o, _ in self.s.openings.values() if o.organisation_id == organisation_id
                       and (kind is None or o.kind is kind) and (status is None or o.status == status)),
                      key=lambda o: (o.start_date, o.opening_id))
        return [(o, await self.free_seats(o.opening_id)) for o in rows[offset: offset + limit]], len(rows)

    async def started(self, opening_id: UUID) -> int:
        return sum(1 for p, _ in self.s.placements.values() if p.opening_id == opening_id and (
            p.stage in BEGUN or any(k[0] == p.placement_id for k in self.s.instalments)))

    async def free_seats(self, opening_id: UUID) -> int:
        o = self.s.openings[opening_id][0]
        return o.seats - sum(1 for p, _ in self.s.placements.values() if p.opening_id == opening_id and _holds(p))

    async def open_with_free_seats(self, organisation_id: str) -> list[tuple[Opening, int]]:
        return [(o, await self.free_seats(o.opening_id)) for o, _ in self.s.openings.values()
                if o.organisation_id == organisation_id and o.status == "open"]

    async def ending_between(self, organisation_id: str, first: date, last: date, *, limit: int, offset: int
                             ) -> tuple[list[dict[str, Any]], int]:
        out = []
        for p, _ in self.s.placements.values():
            o = self.s.openings[p.opening_id][0]
            if (o.organisation_id == organisation_id and o.kind is OpeningKind.traineeship and p.stage is Stage.started
                    and o.end_date is not None and first <= o.end_date <= last):
                out.append({"opening_id": o.opening_id, "title": o.title, "end_date": o.end_date,
                            "placement_id": p.placement_id, "beneficiary_id": p.beneficiary_id})
        out.sort(key=lambda r: (r["end_date"], r["placement_id"]))
        return out[offset:offset + limit], len(out)


class MemoryPlacements:
    def __init__(self, s: MemoryState) -> None:
        self.s = s

    async def add(self, p: Placement, parts: dict[str, Any]) -> None:
        if p.stage in HOLDS_SEAT and await self.active_of(p.beneficiary_id) is not None:
            raise RuntimeError("placements_one_active: the person already holds a seat")  # the SQL's unique index
        self.s.placements[p.placement_id] = (p, parts)
        self.s.history[(p.placement_id, p.stage.value)] = [p.since, None]

    async def move(self, before: Placement, after: Placement) -> None:
        self.s.placements[after.placement_id] = (after, self.s.placements[after.placement_id][1])
        self.s.history[(before.placement_id, before.stage.value)][1] = after.since
        self.s.history[(after.placement_id, after.stage.value)] = [after.since, None]

    async def get(self, organisation_id: str, placement_id: UUID) -> Placement | None:
        found = self.s.placements.get(placement_id)
        return found[0] if found and found[0].organisation_id == organisation_id else None

    async def active_of(self, beneficiary_id: UUID) -> Placement | None:
        return next((p for p, _ in self.s.placements.values()
                     if p.beneficiary_id == beneficiary_id and p.stage in HOLDS_SEAT), None)

    async def holding_seats(self, organisation_id: str) -> set[UUID]:
        return {p.beneficiary_id for p, _ in self.s.placements.values()
                if p.organisation_id == organisation_id and _holds(p)}

    async def proposed(self, organisation_id: str) -> dict[UUID, Placement]:
        return {p.beneficiary_id: p for p, _ in self.s.placements.values()
                if p.organisation_id == organisation_id and p.stage is Stage.proposed and not p.pinned}

    async def page(self, organisation_id: str, *, stage: Stage | None, opening_id: UUID | None, limit: int,
                   offset: int) -> tuple[list[tuple[Placement, dict[str, Any]]], int]:
        rows = sorted(((p, parts) for p, parts in self.s.placements.values() if p.organisation_id == organisation_id
                       and (stage is None or p.stage is stage) and (opening_id is None or p.opening_id == opening_id)),
                      key=lambda r: (r[0].since, r[0].placement_id))
        return rows[offset: offset + limit], len(rows)

    async def stage_counts(self, organisation_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p, _ in self.s.placements.values():
            if p.organisation_id == organisation_id:
                counts[p.stage.value] = counts.get(p.stage.value, 0) + 1
        return counts

    async def visits(self, organisation_id: str, opening_id: UUID | None = None) -> list[StageVisit]:
        out = []
        for (pid, stage), (entered, left) in self.s.history.items():
            p = self.s.placements[pid][0]
            if p.organisation_id == organisation_id and (opening_id is None or p.opening_id == opening_id):
                out.append(StageVisit(pid, p.opening_id, p.kind, Stage(stage), entered, left))
        return out


class MemoryFunds:
    def __init__(self, s: MemoryState) -> None:
        self.s = s

    async def add(self, f: Fund) -> bool:
        if any((g.organisation_id, g.project_id, g.name) == (f.organisation_id, f.project_id, f.name)
               for g in self.s.funds.values()):
            return False
        self.s.funds[f.fund_id] = f
        return True

    async def get(self, organisation_id: str, fund_id: UUID) -> Fund | None:
        f = self.s.funds.get(fund_id)
        return f if f is not None and f.organisation_id == organisation_id else None

    async def page(self, organisation_id: str, *, limit: int, offset: int) -> tuple[list[Fund], int]:
        rows = sorted((f for f in self.s.funds.values() if f.organisation_id == organisation_id),
                      key=lambda f: (f.project_id, f.name))
        return rows[offset: offset + limit], len(rows)

    async def commit(self, fund_id: UUID, amount: Decimal) -> bool:
        return MemoryLedgers(self.s.funds).commit(fund_id, amount)

    async def release(self, fund_id: UUID, amount: Decimal) -> None:
        MemoryLedgers(self.s.funds).release(fund_id, amount)

    async def pay(self, fund_id: UUID, amount: Decimal) -> bool:
        return MemoryLedgers(self.s.funds).pay(fund_id, amount)

    async def set_budget(self, fund_id: UUID, budget: Decimal) -> bool:
        return MemoryLedgers(self.s.funds).revise(fund_id, budget)


class MemoryInstalments:
    def __init__(self, s: MemoryState) -> None:
        self.s = s

    async def add(self, organisation_id: str, fund_id: UUID, instalments: list[Instalment]) -> None:
        for i in instalments:
            self.s.instalments[(i.placement_id, i.month_no)] = {
                "organisation_id": organisation_id, "fund_id": fund_id, "due_on": i.due_on, "amount": i.amount,
                "paid_on": None, "cancelled": False}

    async def mark_paid(self, organisation_id: str, placement_id: UUID, month_no: int, on: date
                        ) -> tuple[UUID, Decimal, date] | None:
        row = self.s.instalments.get((placement_id, month_no))
        if row is None or row["organisation_id"] != organisation_id or row["paid_on"] or row["cancelled"]:
            return None
        row["paid_on"] = on
        return row["fund_id"], row["amount"], row["due_on"]

    async def state(self, organisation_id: str, placement_id: UUID, month_no: int) -> str | None:
        row = self.s.instalments.get((placement_id, month_no))
        if row is None or row["organisation_id"] != organisation_id:
            return None
        return "cancelled" if row["cancelled"] else "paid" if row["paid_on"] else "due"

    async def cancel_unpaid(self, placement_id: UUID) -> tuple[UUID | None, Decimal]:
        fund, total = None, Decimal("0")
        for (pid, _), row in self.s.instalments.items():
            if pid == placement_id and row["paid_on"] is None and not row["cancelled"]:
                row["cancelled"], fund, total = True, row["fund_id"], total + row["amount"]
        return fund, total

    async def cut(self, placement_id: UUID, keep: dict[int, Decimal]) -> tuple[UUID | None, Decimal]:
        fund, released = None, Decimal("0")
        for (pid, n), row in sorted(self.s.instalments.items(), key=lambda kv: kv[0][1]):
            if pid != placement_id or row["paid_on"] is not None or row["cancelled"]:
                continue
            fund = fund or row["fund_id"]
            kept = keep.get(n, Decimal("0"))
            if kept < row["amount"]:
                released += row["amount"] - kept
                await self.settle(placement_id, n, kept)
        return fund, released

    async def settle(self, placement_id: UUID, month_no: int, amount: Decimal) -> None:
        row = self.s.instalments[(placement_id, month_no)]
        if amount > 0:
            row["amount"] = amount
        else:
            row["cancelled"], row["paid_on"] = True, None

    async def due(self, organisation_id: str, first: date, last: date, *, limit: int, offset: int
                  ) -> tuple[list[dict[str, Any]], int]:
        rows = [{"placement_id": pid, "month_no": n, "fund_id": r["fund_id"], "due_on": r["due_on"],
                 "amount": r["amount"]} for (pid, n), r in self.s.instalments.items()
                if r["organisation_id"] == organisation_id and r["paid_on"] is None and not r["cancelled"]
                and first <= r["due_on"] <= last]
        rows.sort(key=lambda r: (r["due_on"], r["placement_id"], r["month_no"]))
        return rows[offset:offset + limit], len(rows)
