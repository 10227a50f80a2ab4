"""A fresh employment database per test (shared plumbing + employment's migrations) and a context on it."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

from employment.service_layer.unit_of_work import PRODUCER, PostgresEmploymentUnitOfWork
from shared.db import create_pool, drop_database, ensure_database, migrate
from shared.topics import EMPLOYMENT_EVENTS
from tests.employment_support import context

SERVICE = Path(__file__).resolve().parents[2] / "services" / "employment"


@pytest.fixture
async def employment_db(real_servers):
    from shared.settings import PlatformSettings

    name = f"emp_{uuid4().hex[:10]}"
    await ensure_database(real_servers.postgres, name)
    dsn = PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres).database_dsn(name)
    await migrate(dsn, SERVICE)
    pool = await create_pool(dsn, min_size=2, max_size=12)
    try:
        yield dsn, pool
    finally:
        await pool.close()
        await drop_database(real_servers.postgres, name)


@pytest.fixture
def pg_app(employment_db):
    _, pool = employment_db
    return context(lambda: PostgresEmploymentUnitOfWork(pool, topic=EMPLOYMENT_EVENTS.name, producer=PRODUCER))
