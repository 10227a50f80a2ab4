"""In-memory twins of the stores, for service-layer unit tests; counted by the domain's pure
`evaluate`, which the SQL adapter must agree with (tests/integration/test_reporting_contract.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from reporting.adapters.ports import TimelineRow
from reporting.domain.access import ProjectInfo
from reporting.domain.budgets import BudgetLine, BudgetVersion, in_force, in_order, next_version
from reporting.domain.counting import Cell, Query, evaluate
from reporting.domain.facts import Fact, facts_of
from reporting.domain.project_roles import ALWAYS, RoleVersion, next_role_version, roles_in_force
from shared.events.envelope import Event


class InMemoryFacts:
    def __init__(self) -> None:
        self.generations: dict[int, dict[tuple[UUID, int], tuple[Fact, int, str, dict[str, Any]]]] = {1: {}}
        self.active = 1
        self.building: int | None = None

    async def append(self, events: Sequence[Event], *, generation: int | None = None) -> int:
        targets = [generation] if generation is not None else [g for g in (self.active, self.building) if g]
        added = 0
        for event in events:
            payload = event.payload.model_dump(mode="json")
            for fact in facts_of(event):
                added += 1
                for target in targets:
                    self.generations[target].setdefault((fact.event_id, fact.seq), (
                        fact, event.envelope.schema_version, event.envelope.producer, payload))
        return added

    def facts(self, generation: int | None = None) -> list[Fact]:
        return [row[0] for row in self.generations[generation or self.active].values()]

    async def cells(self, queries: Sequence[Query]) -> list[list[Cell]]:
        facts = self.facts()
        return [evaluate(q, facts) for q in queries]

    async def timeline(self, beneficiary_id: UUID, *, as_of: datetime) -> list[TimelineRow]:
        rows = [TimelineRow(f, v, p, payload) for f, v, p, payload in self.generations[self.active].values()
                if f.beneficiary_id == beneficiary_id and f.seq == 0 and f.recorded_at <= as_of]
        return sorted(rows, key=lambda r: (r.fact.occurred_on, r.fact.recorded_at, r.fact.event_id))

    async def amounts(self, project_id: str, *, as_of: datetime) -> list[tuple[str, str | None, str | None,
                                                                              Decimal]]:
        known = [f for f in self.facts() if f.recorded_at <= as_of]
        superseded = {f.supersedes for f in known if f.supersedes}
        totals: dict[tuple[str, str | None, str | None], Decimal] = {}
        for f in known:
            if f.project_id == project_id and f.amount is not None and f.record_id not in superseded:
                key = (f.event_type, f.kind, f.category)
                totals[key] = totals.get(key, Decimal(0)) + f.amount
        return [(t, k, c, a) for (t, k, c), a in totals.items()]

    async def count(self, generation: int | None = None) -> int:
        return len(self.generations[generation or self.active])


class InMemoryProjects:
    def __init__(self) -> None:
        self.projects: dict[str, tuple[ProjectInfo, str]] = {}
        self.versions: dict[str, list[BudgetVersion]] = {}
        self.roles: dict[str, list[RoleVersion]] = {}

    async def lock(self, project_id: str) -> None:
        """One unit at a time already: nothing to hold."""

    async def get(self, project_id: str, *, as_of: datetime | None = None) -> ProjectInfo | None:
        if as_of is None:
            entry = self.projects.get(project_id)
            return entry[0] if entry else None
        return roles_in_force(self.roles.get(project_id, []), as_of)

    async def funded_by(self, funder: str, *, as_of: datetime | None = None) -> list[ProjectInfo]:
        projects = [await self.get(p, as_of=as_of) for p in sorted(self.projects)]
        return [p for p in projects if p is not None and p.funder == funder]

    async def put(self, project: ProjectInfo, *, title: str, now: datetime | None = None) -> None:
        self.projects[project.project_id] = (project, title)
        versions = self.roles.setdefault(project.project_id, [])
        versions.append(next_role_version(versions[-1] if versions else None, now or ALWAYS, project))

    async def add_budget(self, project_id: str, lines: tuple[BudgetLine, ...], *, now: datetime) -> BudgetVersion:
        if project_id not in self.projects:  # as PostgreSQL's foreign key refuses it
            raise LookupError(f"no project {project_id!r}")
        versions = self.versions.setdefault(project_id, [])
        version = next_version(versions[-1] if versions else None, now, in_order(lines))
        versions.append(version)
        return version

    async def budget(self, project_id: str, *, as_of: datetime) -> BudgetVersion | None:
        return in_force(self.versions.get(project_id, []), as_of)

    async def budgets(self, project_id: str) -> list[BudgetVersion]:
        return list(self.versions.get(project_id, []))
