from __future__ import annotations

from pathlib import Path

import pytest

from shared.db import create_pool
from tests.databases import service_database

PROBE_SERVICE = Path(__file__).parent / "probe_service"


class ProbeDb(tuple):
    """(dsn, pool) as the probe's service role; `admin_dsn` for a test that must change the schema."""

    admin_dsn: str


@pytest.fixture
async def probe_db(real_servers, topics):
    """A fresh database with the plumbing tables and the probe's `effects` table, made as deployed."""
    db = await service_database(real_servers.postgres, "probe", "it", PROBE_SERVICE)
    pool = await create_pool(db.dsn, min_size=1, max_size=8)  # the code under test connects as the service role
    probe = ProbeDb((db.dsn, pool))
    probe.admin_dsn = db.admin_dsn
    try:
        yield probe
    finally:
        await pool.close()
        await db.drop()
