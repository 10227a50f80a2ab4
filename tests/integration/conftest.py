from __future__ import annotations

from pathlib import Path

import pytest

from shared.db import create_pool
from tests.databases import service_database

PROBE_SERVICE = Path(__file__).parent / "probe_service"


@pytest.fixture
async def probe_db(real_servers, topics):
    """A fresh database with the plumbing tables and the probe's `effects` table."""

    db = await service_database(real_servers.postgres, "probe", "it", PROBE_SERVICE)
    dsn = db.dsn  # the code under test connects as the service role
    pool = await create_pool(dsn, min_size=1, max_size=8)
    try:
        yield dsn, pool
    finally:
        await pool.close()
        await db.drop()
