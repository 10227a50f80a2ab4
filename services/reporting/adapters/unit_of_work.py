"""Reporting's unit of work: the fact and project stores on one transaction. Reporting publishes
nothing, so its unit of work has no topic."""

from __future__ import annotations

import copy

import asyncpg

from reporting.adapters.memory import InMemoryFacts, InMemoryProjects
from reporting.adapters.ports import FactStore, ProjectStore
from reporting.adapters.postgres import PostgresFacts, PostgresProjects
from shared.db import Connection
from shared.uow import InMemoryUnitOfWork, PostgresUnitOfWork, UnitOfWork

PRODUCER = "reporting"


class ReportingUnitOfWork(UnitOfWork):
    facts: FactStore
    projects: ProjectStore


class PostgresReportingUnitOfWork(PostgresUnitOfWork, ReportingUnitOfWork):
    facts: PostgresFacts
    projects: PostgresProjects

    def __init__(self, pool: asyncpg.Pool | None, *, connection: Connection | None = None) -> None:
        super().__init__(pool, topic=None, producer=PRODUCER, connection=connection)

    @classmethod
    def on(cls, connection: Connection) -> PostgresReportingUnitOfWork:
        """Joined to the consumer's transaction."""
        return cls(None, connection=connection)


class InMemoryReportingUnitOfWork(InMemoryUnitOfWork, ReportingUnitOfWork):
    """Shares its stores across units; a rolled-back unit leaves them as they were."""

    def __init__(self) -> None:
        super().__init__(topic="none", producer=PRODUCER)
        self.facts = InMemoryFacts()
        self.projects = InMemoryProjects()

    def _snapshot(self) -> object:
        return copy.deepcopy((vars(self.facts), vars(self.projects)))

    def _restore(self, saved: object) -> None:
        assert isinstance(saved, tuple)
        facts, projects = saved
        vars(self.facts).update(facts)
        vars(self.projects).update(projects)
