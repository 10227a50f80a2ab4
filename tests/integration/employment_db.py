"""A fresh employment database per test (shared plumbing + employment's migrations) and a context on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from employment.service_layer.unit_of_work import PRODUCER, PostgresEmploymentUnitOfWork
from shared.db import create_pool
from shared.topics import EMPLOYMENT_EVENTS
from tests.databases import service_database
from tests.employment_support import context

SERVICE = Path(__file__).resolve().parents[2] / "services" / "employment"


@pytest.fixture
async def employment_db(real_servers):

    db = await service_database(real_servers.postgres, "employment", "emp")
    dsn = db.dsn  # the code under test connects as the service role
    pool = await create_pool(dsn, min_size=2, max_size=12)
    try:
        yield dsn, pool
    finally:
        await pool.close()
        await db.drop()


@pytest.fixture
def pg_app(employment_db):
    _, pool = employment_db
    return context(lambda: PostgresEmploymentUnitOfWork(pool, topic=EMPLOYMENT_EVENTS.name, producer=PRODUCER))
