"""Re-matching as events arrive: the engine per organisation, kept in step with the database.

Every re-match runs inside the unit of work of the change that caused it, under a lock on the
organisation's matching row, so one re-match at a time writes proposals for an organisation, in any
process. The row's version moves with each re-match; an engine that saw another version (another
process re-matched, or this unit rolled back after the engine moved) is rebuilt from the tables
before use. Proposals the new optimum no longer holds are declined ('rematched'), new ones made;
each is an event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

from employment.adapters.rulebook import Rulebook
from employment.domain.matching.engine import MatchingEngine
from employment.domain.matching.model import Candidate
from employment.domain.openings import Opening, slot_of
from employment.domain.people import Person, candidate_of, why_not_matched
from employment.domain.pipeline import Placement, Stage, advance, holds_seat
from employment.service_layer.events import proposal_made, stage_changed
from employment.service_layer.unit_of_work import Work


@dataclass(frozen=True)
class PersonChanged:
    beneficiary_id: UUID


@dataclass(frozen=True)
class OpeningChanged:
    opening_id: UUID


@dataclass(frozen=True)
class PairDeclined:
    beneficiary_id: UUID
    opening_id: UUID


Change = PersonChanged | OpeningChanged | PairDeclined


@dataclass
class _Kept:
    engine: MatchingEngine
    version: int
    today: date


@dataclass
class Matcher:
    """Owns one engine per organisation (a cache of the tables, never the truth)."""

    rulebook: Rulebook
    engines: dict[str, _Kept] = field(default_factory=dict)
    rebuilds: int = 0

    @staticmethod
    async def lock(uow: Work, organisation_id: str) -> None:
        """Take the organisation's matching lock first, before any row a re-match may touch: every unit that
        re-matches takes its locks in this one order, so two of them never wait on each other."""
        await uow.settings.lock_version(organisation_id)

    async def rematch(self, uow: Work, organisation_id: str, changes: list[Change], today: date) -> None:
        version = await uow.settings.lock_version(organisation_id)
        kept = self.engines.get(organisation_id)
        if kept is None or kept.version != version or kept.today != today:
            kept = _Kept(await self._build(uow, organisation_id, today), version, today)
            self.engines[organisation_id] = kept
            self.rebuilds += 1
        else:
            for change in changes:
                await self._apply(uow, kept.engine, organisation_id, change)
        kept.version = -1  # until the new version is known: a failure below leaves the engine suspect
        await self._write(uow, kept.engine, organisation_id, today)
        kept.version = await uow.settings.bump_version(organisation_id)

    async def _candidate(self, uow: Work, p: Person, holds_seat: bool) -> Candidate | None:
        if why_not_matched(p, holds_seat=holds_seat) is not None:
            return None
        certified, recognised = await uow.titles.sectors_of(p.beneficiary_id)
        return candidate_of(p, gazetteer=self.rulebook.gazetteer, certified=certified, recognised=recognised,
                            women_priority_projects=await uow.settings.women_priority_projects(p.organisation_id))

    async def _build(self, uow: Work, organisation_id: str, today: date) -> MatchingEngine:
        holding = await uow.placements.holding_seats(organisation_id)
        certified, recognised = await uow.titles.sectors_by_person(organisation_id)
        women = await uow.settings.women_priority_projects(organisation_id)
        people = []
        for p in await uow.people.of_organisation(organisation_id):
            if why_not_matched(p, holds_seat=p.beneficiary_id in holding) is None:
                c = candidate_of(p, gazetteer=self.rulebook.gazetteer, certified=certified.get(p.beneficiary_id, ()),
                                 recognised=recognised.get(p.beneficiary_id, ()), women_priority_projects=women)
                if c is not None:
                    people.append(c)
        slots = [slot_of(o, free_seats=free, gazetteer=self.rulebook.gazetteer)
                 for o, free in await uow.openings.open_with_free_seats(organisation_id)]
        return MatchingEngine.build(self.rulebook.policy, today, people, slots,
                                    blocked=await uow.settings.declined(organisation_id))

    async def _apply(self, uow: Work, engine: MatchingEngine, organisation_id: str, change: Change) -> None:
        if isinstance(change, PersonChanged):
            p = await uow.people.get(change.beneficiary_id)
            active = await uow.placements.active_of(change.beneficiary_id)
            holds = active is not None and holds_seat(active)
            c = None if p is None else await self._candidate(uow, p, holds)
            if c is None:
                engine.remove_person(change.beneficiary_id)
            else:
                engine.put_person(c)
        elif isinstance(change, OpeningChanged):
            o = await uow.openings.get(organisation_id, change.opening_id)
            if o is None or o.status != "open":
                engine.remove_opening(change.opening_id)
            else:
                free = await uow.openings.free_seats(o.opening_id)
                engine.put_opening(slot_of(o, free_seats=free, gazetteer=self.rulebook.gazetteer))
        else:
            engine.block(change.beneficiary_id, change.opening_id)

    async def _write(self, uow: Work, engine: MatchingEngine, organisation_id: str, today: date) -> None:
        """Make the proposals the optimum holds and decline those it no longer does."""
        wanted = engine.assignment()
        current = await uow.placements.proposed(organisation_id)
        for person, placement in current.items():
            if wanted.get(person) != placement.opening_id:
                await self._decline(uow, placement, today)
        openings: dict[UUID, Opening | None] = {}
        for person, opening_id in wanted.items():
            held = current.get(person)
            if held is not None and held.opening_id == opening_id:
                continue
            if opening_id not in openings:
                openings[opening_id] = await uow.openings.get(organisation_id, opening_id)
            opening = openings[opening_id]
            assert opening is not None
            parts = engine.explain(person, opening_id)
            placement = Placement(uuid4(), opening_id, opening.kind, person, organisation_id, Stage.proposed, today,
                                  parts.points)
            await uow.placements.add(placement, parts.as_dict())
            uow.emit(proposal_made(placement, opening, parts), beneficiary_id=person,
                     organisation_id=organisation_id, project_id=opening.project_id)

    async def _decline(self, uow: Work, placement: Placement, today: date) -> None:
        declined = advance(placement, Stage.declined, on=max(today, placement.since), reasons={"rematched"},
                           reason="rematched")
        await uow.placements.move(placement, declined)
        uow.emit(stage_changed(placement, declined, sector=None), beneficiary_id=placement.beneficiary_id,
                 organisation_id=placement.organisation_id)
