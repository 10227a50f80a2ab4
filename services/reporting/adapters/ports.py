"""What the service layer asks of storage; PostgreSQL (adapters/postgres.py) and the in-memory twin
(adapters/memory.py) both answer it, and one contract suite runs against both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from reporting.domain.access import ProjectInfo
from reporting.domain.budgets import BudgetLine, BudgetVersion
from reporting.domain.counting import Cell, Query
from reporting.domain.facts import Fact
from shared.events.envelope import Event


@dataclass(frozen=True)
class TimelineRow:
    fact: Fact
    schema_version: int
    producer: str
    payload: dict[str, Any]


class FactStore(Protocol):
    async def append(self, events: Sequence[Event], *, generation: int | None = None) -> int:
        """Add each event's facts once (to every open generation, or to the one named); returns facts added."""
        ...

    async def cells(self, queries: Sequence[Query]) -> list[list[Cell]]:
        """Each query's cells; the queries of one call share their as-of time and scope."""
        ...

    async def timeline(self, beneficiary_id: UUID, *, as_of: datetime) -> list[TimelineRow]:
        ...

    async def count(self, generation: int | None = None) -> int:
        ...

    async def amounts(self, project_id: str, *, as_of: datetime) -> list[tuple[str, str | None, str | None,
                                                                              Decimal]]:
        """Euros per event type, kind and category charged to the project, corrections applied as of then."""
        ...


class ProjectStore(Protocol):
    async def lock(self, project_id: str) -> None:
        """Hold the project's registration until the transaction ends (also before its first PUT)."""
        ...

    async def get(self, project_id: str, *, as_of: datetime | None = None) -> ProjectInfo | None:
        """The project's roles as recorded at `as_of` (`domain.project_roles.roles_in_force`; None: the
        latest); None if it had none by then."""
        ...

    async def funded_by(self, funder: str, *, as_of: datetime | None = None) -> list[ProjectInfo]:
        """The projects `funder` funded as recorded at `as_of` (None: now), by project id."""
        ...

    async def put(self, project: ProjectInfo, *, title: str, now: datetime | None = None) -> None:
        """The project's title, and a new version of its funder, lead and partners recorded at `now`
        (`domain.project_roles.next_role_version`; None: as held from the start); its budget is
        recorded by `add_budget`."""
        ...

    async def add_budget(self, project_id: str, lines: tuple[BudgetLine, ...], *, now: datetime) -> BudgetVersion:
        """Record a new version of the (registered) project's budget, whole; the earlier ones are kept.
        Numbered and timed by `domain.budgets.next_version`, one PUT at a time per project."""
        ...

    async def budget(self, project_id: str, *, as_of: datetime) -> BudgetVersion | None:
        """The version in force at `as_of` (`domain.budgets.in_force`); None before the first."""
        ...

    async def budgets(self, project_id: str) -> list[BudgetVersion]:
        """Every version, oldest first."""
        ...
