"""A fresh reporting database for a test, and a Reporting service on it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from reporting.adapters.facts_sql import active_generation
from reporting.adapters.indicator_files import load_catalogue
from reporting.adapters.indicator_sql import load_people
from reporting.adapters.postgres import PostgresFacts
from reporting.adapters.tauargus import TauArgus
from reporting.domain.counting import Scope
from reporting.service_layer.projection import handlers
from reporting.service_layer.reports import Reporting
from reporting.service_layer.unit_of_work import PostgresReportingUnitOfWork
from shared.consumer import IdempotentConsumer
from shared.db import create_pool
from tests.databases import service_database

REPORTING = Path(__file__).resolve().parents[2] / "services" / "reporting"


class ReportingDatabase:
    def __init__(self, servers) -> None:  # noqa: ANN001
        self.servers = servers
        self.name = ""
        self.dsn = ""  # as the reporting role, once entered: what the code under test connects as
        self.admin_dsn = ""  # the server's administrative user, for a test's inspection or sabotage
        self.pool = None

    async def __aenter__(self) -> ReportingDatabase:
        self._db = await service_database(self.servers.postgres, "reporting", "it_rep")
        self.name, self.dsn, self.admin_dsn = self._db.name, self._db.dsn, self._db.admin_dsn
        self.pool = await create_pool(self.dsn, min_size=1, max_size=6)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.pool.close()
        await self._db.drop()

    def uow(self) -> PostgresReportingUnitOfWork:
        return PostgresReportingUnitOfWork(self.pool)

    def reporting(self, **kw) -> Reporting:  # noqa: ANN003
        return Reporting(self.uow, load_catalogue(), TauArgus(), **kw)

    async def append(self, events) -> None:  # noqa: ANN001
        async with self.uow() as uow:
            await uow.facts.append(events)


def reporting_consumer(pool) -> IdempotentConsumer:  # noqa: ANN001
    """Reporting's consumer as its runtime builds it: every contract, its unit of work."""
    return IdempotentConsumer(pool, handlers(), group="reporting-test", unit_of_work=PostgresReportingUnitOfWork.on)


async def counted_people(pool, organisation_id: str) -> dict[tuple[str, str, str], int]:  # noqa: ANN001
    """People by the attributes the indicators count them by (sex, age band, legal status), as of now."""
    async with pool.acquire() as conn, conn.transaction():
        generation = await active_generation(conn)
        await load_people(conn, generation, as_of=datetime.now(UTC), scope=Scope((organisation_id,)))
        rows = await conn.fetch("SELECT sex, age_band, legal_status, count(*) AS n FROM people_asof "
                                "GROUP BY 1, 2, 3")
    return {(r["sex"], r["age_band"], r["legal_status"]): r["n"] for r in rows}


async def timeline_of(pool, beneficiary_id):  # noqa: ANN001, ANN201
    async with pool.acquire() as conn:
        return await PostgresFacts(conn).timeline(beneficiary_id, as_of=datetime.now(UTC))
