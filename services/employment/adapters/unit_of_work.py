"""Employment's unit of work: the shared one with employment's repositories on it, in PostgreSQL and
in memory (the twin the service layer's unit tests run on)."""

from __future__ import annotations

import copy

from employment.adapters.memory import (
    MemoryFunds,
    MemoryInstalments,
    MemoryOpenings,
    MemoryPeople,
    MemoryPlacements,
    MemorySettings,
    MemoryState,
    MemoryTitles,
)
from employment.adapters.postgres_people import PostgresPeople, PostgresSettings, PostgresTitles
from employment.adapters.postgres_work import (
    PostgresFunds,
    PostgresInstalments,
    PostgresOpenings,
    PostgresPlacements,
)
from shared.events.envelope import Envelope
from shared.uow import InMemoryUnitOfWork, PostgresUnitOfWork

PRODUCER = "employment"


class PostgresEmploymentUnitOfWork(PostgresUnitOfWork):
    people: PostgresPeople
    titles: PostgresTitles
    settings: PostgresSettings
    openings: PostgresOpenings
    placements: PostgresPlacements
    funds: PostgresFunds
    instalments: PostgresInstalments


class InMemoryEmploymentUnitOfWork(InMemoryUnitOfWork):
    """Units made by one `MemoryStore` share its state and its committed events."""

    def __init__(self, state: MemoryState, committed: list[Envelope]) -> None:
        super().__init__(topic="percorsi.employment.events", producer=PRODUCER)
        self.state = state
        self.committed = committed
        self.people = MemoryPeople(state)
        self.titles = MemoryTitles(state)
        self.settings = MemorySettings(state)
        self.openings = MemoryOpenings(state)
        self.placements = MemoryPlacements(state)
        self.funds = MemoryFunds(state)
        self.instalments = MemoryInstalments(state)

    def _snapshot(self) -> object:
        return copy.deepcopy(self.state)

    def _restore(self, saved: object) -> None:
        assert isinstance(saved, MemoryState)
        self.state.__dict__.update(saved.__dict__)


class MemoryStore:
    """The twin's database: one state, one list of committed events, a factory of units on them."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.committed: list[Envelope] = []

    def __call__(self) -> InMemoryEmploymentUnitOfWork:
        return InMemoryEmploymentUnitOfWork(self.state, self.committed)


Work = PostgresEmploymentUnitOfWork | InMemoryEmploymentUnitOfWork
"""What the service layer works through: the shared unit of work's events plus employment's repositories."""

