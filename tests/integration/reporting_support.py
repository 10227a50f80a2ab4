"""A fresh reporting database for a test, and a Reporting service on it."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from reporting.adapters.indicator_files import load_catalogue
from reporting.adapters.tauargus import TauArgus
from reporting.service_layer.reports import Reporting
from reporting.service_layer.unit_of_work import PostgresReportingUnitOfWork
from shared.db import create_pool, drop_database, ensure_database, migrate
from shared.settings import PlatformSettings

REPORTING = Path(__file__).resolve().parents[2] / "services" / "reporting"


class ReportingDatabase:
    def __init__(self, servers) -> None:  # noqa: ANN001
        self.servers = servers
        self.name = f"it_rep_{uuid4().hex[:10]}"
        self.dsn = PlatformSettings(PERCORSI_POSTGRES_DSN=servers.postgres).database_dsn(self.name)
        self.pool = None

    async def __aenter__(self) -> ReportingDatabase:
        await ensure_database(self.servers.postgres, self.name)
        await migrate(self.dsn, REPORTING)
        self.pool = await create_pool(self.dsn, min_size=1, max_size=6)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.pool.close()
        await drop_database(self.servers.postgres, self.name)

    def uow(self) -> PostgresReportingUnitOfWork:
        return PostgresReportingUnitOfWork(self.pool)

    def reporting(self, **kw) -> Reporting:  # noqa: ANN003
        return Reporting(self.uow, load_catalogue(), TauArgus(), **kw)

    async def append(self, events) -> None:  # noqa: ANN001
        async with self.uow() as uow:
            await uow.facts.append(events)
