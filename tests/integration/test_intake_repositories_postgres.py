"""Intake's repository contract on PostgreSQL: the same tests as the in-memory twins
(tests/unit/intake/test_intake_repository_twins.py), on a migrated intake database."""

from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from intake.adapters.unit_of_work import PostgresIntakeUnitOfWork
from shared.db import create_pool, drop_database, ensure_database, migrate
from shared.settings import PlatformSettings
from tests.intake_caseload_contract import IntakeCaseloadContract
from tests.intake_repository_contract import IntakeRepositoryContract

pytestmark = pytest.mark.integration
INTAKE_DIR = Path(__file__).resolve().parents[2] / "services" / "intake"


@pytest.fixture(scope="module")
async def intake_pool(real_servers):
    name = f"it_repos_{uuid4().hex[:10]}"
    await ensure_database(real_servers.postgres, name)
    dsn = PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres).database_dsn(name)
    await migrate(dsn, INTAKE_DIR)
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        yield pool
    finally:
        await pool.close()
        await drop_database(real_servers.postgres, name)


class TestPostgresIntakeRepositories(IntakeRepositoryContract):
    @pytest.fixture
    def uow(self, intake_pool) -> PostgresIntakeUnitOfWork:
        return PostgresIntakeUnitOfWork(intake_pool)

    async def audit(self, uow, org: str) -> list[tuple[Any, ...]]:
        async with uow:
            rows = await uow.connection.fetch(
                "SELECT beneficiary_id, action, purpose FROM pii_access_log WHERE organisation_id = $1 ORDER BY id",
                org)
        return [tuple(r) for r in rows]


class TestPostgresCaseloadRepositories(IntakeCaseloadContract):
    @pytest.fixture
    def uow(self, intake_pool) -> PostgresIntakeUnitOfWork:
        return PostgresIntakeUnitOfWork(intake_pool)
